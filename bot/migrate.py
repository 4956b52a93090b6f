"""``kb migrate``: convert a knowledge base from the YAML files to one Markdown file per entry.

``source.yaml`` becomes ``knowledge.yaml`` word for word (comments kept), each
passage an entry file, the table one entry file, ``vocabulary.yaml`` is kept.
The result is loaded back and compared with the original before the old files
are removed: a migration that would change a single passage changes nothing.
"""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

from bot.authoring import entry_names, passage_markdown, table_markdown
from bot.knowledge import KnowledgeBase, KnowledgeError, load

LEGACY_FILES = ("source.yaml", "passages.yaml", "table.yaml")


def _content(kb: KnowledgeBase) -> KnowledgeBase:
    """``kb`` without where it was read from, for comparing two formats."""
    return dataclasses.replace(kb, path=Path(), root_file="", origins={}, links=())


def migrate(source: Path, out: Path | None = None, first_column: str = "Aspect") -> KnowledgeBase:
    """Convert the YAML knowledge base in ``source`` into ``out`` (default: in place).

    Raises :class:`KnowledgeError` when ``source`` is not a valid knowledge base
    in the YAML format, when ``out`` already holds one, or when the written
    entries would not read back the same.
    """
    if (source / "knowledge.yaml").is_file():
        raise KnowledgeError(f"{source}: already in the Markdown format (knowledge.yaml)")
    kb = load(source)
    target = out or source
    if target != source and target.exists() and any(target.iterdir()):
        raise KnowledgeError(f"{target}: not empty; give a new folder with --out")
    staging = target.parent / f".{target.name}.migrating"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    try:
        _write(kb, source, staging, first_column)
        converted = load(staging)
        if _content(converted) != _content(kb):
            raise KnowledgeError(f"{source}: the converted entries do not read back the same")
        target.mkdir(parents=True, exist_ok=True)
        for name in LEGACY_FILES:
            if target == source:
                (source / name).unlink(missing_ok=True)
        for item in staging.iterdir():
            shutil.move(str(item), str(target / item.name))
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return load(target)


def _write(kb: KnowledgeBase, source: Path, out: Path, first_column: str) -> None:
    """Write the entry files, ``knowledge.yaml`` and the vocabulary into ``out``."""
    order: list[tuple[str, str]] = []  # (id, markdown)
    table = (
        table_markdown(kb.table, kb.subjects, kb.table_section, first_column) if kb.table else ""
    )
    for passage in kb.passages:
        order.append((passage.id, passage_markdown(passage)))
        if table and passage.id == kb.table_after:
            order.append(("comparison", table))
            table = ""
    if table:
        order.append(("comparison", table))
    for name, (_, text) in zip(entry_names(eid for eid, _ in order), order, strict=True):
        (out / name).write_text(text, encoding="utf-8")
    shutil.copyfile(source / "source.yaml", out / "knowledge.yaml")
    if (source / "vocabulary.yaml").is_file():
        shutil.copyfile(source / "vocabulary.yaml", out / "vocabulary.yaml")

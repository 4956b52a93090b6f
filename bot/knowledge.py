"""Load and validate the knowledge base: a folder of YAML files.

The folder holds four files:

- ``source.yaml``: the article's title and date, the knowledge-base version,
  the one-line scope and the questions offered when the bot declines;
- ``passages.yaml``: the article split into passages;
- ``table.yaml``: the side-by-side comparison, one entry per row;
- ``vocabulary.yaml``: synonyms, abbreviations and the words that mark a
  question as in scope.

Every problem is reported as a :class:`KnowledgeError` whose message names the
file, the entry and what is wrong, so an admin editing the YAML can fix it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from bot.models import Passage, SourceInfo, TableRow

DEFAULT_PATH = Path(__file__).resolve().parent.parent / "knowledge"
TOPICS = ("ml", "genai", "general")
FILES = ("source.yaml", "passages.yaml", "table.yaml", "vocabulary.yaml")


class KnowledgeError(ValueError):
    """The knowledge base is missing, unreadable or invalid."""


@dataclass(frozen=True)
class Vocabulary:
    """Synonyms and scope words, as authored in ``vocabulary.yaml``."""

    synonyms: Mapping[str, tuple[str, ...]]
    anchors: tuple[str, ...]
    topic_terms: tuple[str, ...]
    question_words: tuple[str, ...]
    realtime_markers: tuple[str, ...]
    task_terms: tuple[str, ...] = ()


@dataclass(frozen=True)
class KnowledgeBase:
    """Everything the engine knows, validated."""

    source: SourceInfo
    scope: str
    suggested_questions: tuple[str, ...]
    passages: tuple[Passage, ...]
    table_section: str
    table_after: str  # the passage the table follows in the article ("" for the end)
    columns: Mapping[str, str]
    table: tuple[TableRow, ...]
    vocabulary: Vocabulary
    path: Path

    @property
    def sections(self) -> tuple[str, ...]:
        """The article's sections, in order, each once."""
        seen: dict[str, None] = {}
        for passage in self.passages:
            seen.setdefault(passage.section, None)
            if passage.id == self.table_after:
                seen.setdefault(self.table_section, None)
        seen.setdefault(self.table_section, None)
        return tuple(seen)

    def passage(self, passage_id: str) -> Passage:
        """The passage with this id (KeyError if there is none)."""
        for passage in self.passages:
            if passage.id == passage_id:
                return passage
        raise KeyError(passage_id)

    def row(self, row_id: str) -> TableRow:
        """The table row with this id (KeyError if there is none)."""
        for row in self.table:
            if row.id == row_id:
                return row
        raise KeyError(row_id)


class _File:
    """One YAML file being read, so that every error names it."""

    def __init__(self, folder: Path, name: str) -> None:
        self.path = folder / name
        self.name = name

    def error(self, entry: str | None, problem: str) -> KnowledgeError:
        where = f"{self.path}" + (f", {entry}" if entry else "")
        return KnowledgeError(f"{where}: {problem}")

    def load(self) -> dict[str, Any]:
        try:
            raw = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise self.error(None, "file not found") from None
        except (OSError, UnicodeDecodeError) as exc:
            raise self.error(None, f"cannot read the file ({exc.__class__.__name__})") from None
        try:
            data = yaml.safe_load(raw)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            at = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
            problem = getattr(exc, "problem", None) or "syntax error"
            raise self.error(None, f"invalid YAML{at}: {problem}") from None
        if not isinstance(data, dict):
            raise self.error(None, "expected a mapping of keys at the top level")
        return data

    def text(self, data: Mapping[str, Any], key: str, entry: str | None = None) -> str:
        value = data.get(key)
        if value is None:
            raise self.error(entry, f"missing required field '{key}'")
        if not isinstance(value, str | int | float) or isinstance(value, bool):
            raise self.error(entry, f"field '{key}' must be text")
        text = " ".join(str(value).split()) if "\n" not in str(value) else str(value).strip()
        if not text:
            raise self.error(entry, f"field '{key}' is empty")
        return text

    def optional_text(self, data: Mapping[str, Any], key: str, entry: str | None = None) -> str:
        if data.get(key) in (None, ""):
            return ""
        return self.text(data, key, entry)

    def strings(
        self, data: Mapping[str, Any], key: str, entry: str | None = None
    ) -> tuple[str, ...]:
        value = data.get(key, [])
        if value is None:
            return ()
        if not isinstance(value, list):
            raise self.error(entry, f"field '{key}' must be a list")
        out = []
        for i, item in enumerate(value):
            if (
                not isinstance(item, str | int | float)
                or isinstance(item, bool)
                or not str(item).strip()
            ):
                raise self.error(entry, f"field '{key}' item {i + 1} must be non-empty text")
            out.append(" ".join(str(item).split()))
        return tuple(out)

    def entries(self, data: Mapping[str, Any], key: str) -> list[Mapping[str, Any]]:
        value = data.get(key)
        if not isinstance(value, list) or not value:
            raise self.error(None, f"expected a non-empty list under '{key}'")
        for i, item in enumerate(value):
            if not isinstance(item, dict):
                raise self.error(f"entry {i + 1}", "expected a mapping of fields")
        return value


def _clean_text(text: str) -> str:
    """Join folded lines but keep list items (literal newlines) apart."""
    lines = [" ".join(line.split()) for line in text.splitlines()]
    return "\n".join(line for line in lines if line)


def _load_source(folder: Path) -> tuple[SourceInfo, str, tuple[str, ...]]:
    f = _File(folder, "source.yaml")
    data = f.load()
    version = f.text(data, "version")
    source = SourceInfo(
        title=f.text(data, "title"),
        date=f.text(data, "date"),
        version=version,
        url=f.optional_text(data, "url"),
        publisher=f.optional_text(data, "publisher"),
    )
    scope = f.text(data, "scope")
    suggestions = f.strings(data, "suggested_questions")
    if not suggestions:
        raise f.error(None, "'suggested_questions' needs at least one question")
    return source, scope, suggestions


def _load_passages(folder: Path) -> tuple[Passage, ...]:
    f = _File(folder, "passages.yaml")
    data = f.load()
    passages: list[Passage] = []
    seen: set[str] = set()
    for i, item in enumerate(f.entries(data, "passages")):
        label = f"passage {i + 1}"
        pid = f.text(item, "id", label)
        label = f"passage '{pid}'"
        if pid in seen:
            raise f.error(label, "duplicate id")
        seen.add(pid)
        topic = f.optional_text(item, "topic", label) or "general"
        if topic not in TOPICS:
            raise f.error(label, f"topic must be one of {', '.join(TOPICS)}, not '{topic}'")
        passages.append(
            Passage(
                id=pid,
                section=f.text(item, "section", label),
                title=f.text(item, "title", label),
                text=_clean_text(f.text(item, "text", label)),
                topic=topic,
                facet=f.optional_text(item, "facet", label) or pid,
                questions=f.strings(item, "questions", label),
                keywords=f.strings(item, "keywords", label),
                is_list=bool(item.get("list", False)),
            )
        )
    return tuple(passages)


def _load_table(
    folder: Path, passage_ids: set[str]
) -> tuple[str, str, dict[str, str], tuple[TableRow, ...]]:
    f = _File(folder, "table.yaml")
    data = f.load()
    section = f.text(data, "section")
    after = f.optional_text(data, "after")
    if after and after not in passage_ids:
        raise f.error(None, f"'after' names no passage: '{after}'")
    columns_raw = data.get("columns")
    if not isinstance(columns_raw, dict):
        raise f.error(None, "missing required field 'columns' (with 'ml' and 'genai' headings)")
    columns = {key: f.text(columns_raw, key, "columns") for key in ("ml", "genai")}
    rows: list[TableRow] = []
    seen: set[str] = set()
    for i, item in enumerate(f.entries(data, "rows")):
        label = f"row {i + 1}"
        rid = f.text(item, "id", label)
        label = f"row '{rid}'"
        if rid in seen or rid in passage_ids:
            raise f.error(label, "duplicate id (ids must be unique across passages and rows)")
        seen.add(rid)
        rows.append(
            TableRow(
                id=rid,
                aspect=f.text(item, "aspect", label),
                ml=f.text(item, "ml", label),
                genai=f.text(item, "genai", label),
                keywords=f.strings(item, "keywords", label),
            )
        )
    return section, after, columns, tuple(rows)


def _load_vocabulary(folder: Path) -> Vocabulary:
    f = _File(folder, "vocabulary.yaml")
    data = f.load()
    synonyms_raw = data.get("synonyms") or {}
    if not isinstance(synonyms_raw, dict):
        raise f.error("synonyms", "expected a mapping of canonical term to a list of variants")
    synonyms: dict[str, tuple[str, ...]] = {}
    for canonical, variants in synonyms_raw.items():
        if not isinstance(canonical, str) or not canonical.strip():
            raise f.error("synonyms", f"'{canonical}' is not a usable term")
        synonyms[canonical.strip().lower()] = f.strings(
            {"variants": variants}, "variants", f"synonyms '{canonical}'"
        )
    return Vocabulary(
        synonyms=synonyms,
        anchors=f.strings(data, "anchors"),
        topic_terms=f.strings(data, "topic_terms"),
        question_words=f.strings(data, "question_words"),
        realtime_markers=f.strings(data, "realtime_markers"),
        task_terms=f.strings(data, "task_terms"),
    )


def load(path: str | Path | None = None) -> KnowledgeBase:
    """Load and validate the knowledge base in ``path`` (a folder of YAML files).

    ``None`` means the knowledge base shipped with the project.
    """
    folder = Path(path) if path is not None else DEFAULT_PATH
    if not folder.is_dir():
        raise KnowledgeError(f"{folder}: knowledge folder not found")
    source, scope, suggestions = _load_source(folder)
    passages = _load_passages(folder)
    section, after, columns, table = _load_table(folder, {p.id for p in passages})
    return KnowledgeBase(
        source=source,
        scope=scope,
        suggested_questions=suggestions,
        passages=passages,
        table_section=section,
        table_after=after,
        columns=columns,
        table=table,
        vocabulary=_load_vocabulary(folder),
        path=folder,
    )

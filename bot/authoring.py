"""Write a knowledge base in the authored format: ``knowledge.yaml`` and one Markdown file
per entry (see :mod:`bot.entries`).

``python -m bot kb migrate`` uses it to convert a folder of the earlier YAML
format, and ``kb import`` to write what it extracted. What is written reads back
as the same passages and rows (tests check the round trip).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import yaml

from bot.entries import slug
from bot.markdown import escape
from bot.models import Passage, Subject, TableRow


class _Dumper(yaml.SafeDumper):
    """Lists of keywords stay on one line (:class:`_Flow`); long text is never wrapped."""


class _Flow(list[Any]):
    """A list written in flow style: ``[a, b, c]``."""


_Dumper.add_representer(
    _Flow, lambda d, v: d.represent_sequence("tag:yaml.org,2002:seq", v, flow_style=True)
)


def _dump(data: Mapping[str, Any]) -> str:
    return yaml.dump(dict(data), Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100_000)


def front_matter(fields: Mapping[str, Any]) -> str:
    """A YAML front-matter block (``---`` lines included) with the non-empty fields."""
    kept = {k: (list(v) if isinstance(v, tuple) else v) for k, v in fields.items() if v}
    return "---\n" + _dump(kept) + "---\n"


def passage_markdown(passage: Passage, updated: str = "") -> str:
    """One passage as an entry file: front matter, then its text as Markdown."""
    fields: dict[str, Any] = {
        "id": passage.id,
        "title": passage.title,
        "section": passage.section if passage.section != passage.title else "",
        "subject": passage.subject,
        "facet": passage.facet if passage.facet != passage.id else "",
        "updated": updated,
        "questions": passage.questions,
        "keywords": _Flow(passage.keywords),
    }
    lines = passage.text.splitlines()
    if passage.is_list:
        body = "\n".join(f"- {escape(line)}" for line in lines)
    else:
        body = "\n\n".join(escape(line) for line in lines)
        if len(lines) == 1 and lines[0].startswith(("- ", "* ")):
            fields["list"] = False
    return front_matter(fields) + "\n" + body + "\n"


def _cell(text: str) -> str:
    return escape(" ".join(text.split()))


def table_markdown(
    rows: Iterable[TableRow], subjects: tuple[Subject, ...], section: str, first_column: str
) -> str:
    """The comparison table as an entry file: one Markdown table, row keywords in front."""
    rows = list(rows)
    extra: dict[str, dict[str, Any]] = {}
    for row in rows:
        fields: dict[str, Any] = {"id": row.id} if row.id != slug(row.aspect) else {}
        if row.keywords:
            fields["keywords"] = _Flow(row.keywords)
        if fields:
            extra[slug(row.aspect)] = fields
    head = front_matter({"section": section, "rows": extra})
    lines = [
        "| " + " | ".join([escape(first_column), *(escape(s.name) for s in subjects)]) + " |",
        "|" + "---|" * (len(subjects) + 1),
    ]
    for row in rows:
        cells = [_cell(row.aspect), *(_cell(row.cell(s.id)) for s in subjects)]
        lines.append("| " + " | ".join(cells) + " |")
    return head + "\n" + "\n".join(lines) + "\n"


def entry_names(ids: Iterable[str]) -> list[str]:
    """File names that keep the entries in order: ``010-intro.md``, ``020-goals.md``, ..."""
    ids = list(ids)
    width = max(3, len(str(10 * len(ids))))
    return [f"{10 * (i + 1):0{width}d}-{eid}.md" for i, eid in enumerate(ids)]


def write_knowledge_yaml(path: Path, fields: Mapping[str, Any], comment: str = "") -> None:
    """``knowledge.yaml``: the knowledge base's name, source, version, subjects, wording."""
    header = "".join(f"# {line}\n" for line in comment.splitlines())
    path.write_text(header + _dump(fields), encoding="utf-8")

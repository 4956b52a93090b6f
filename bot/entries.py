"""Read a knowledge base's entries: Markdown files with YAML front matter, one per entry.

An entry file looks like this::

    ---
    id: ml-definition            # default: the file name without its number prefix
    title: What Machine Learning is   # default: the body's "# Heading"
    section: What is Machine Learning?  # the source's heading (default: the title)
    subject: ml                  # a subject id from knowledge.yaml; absent when general
    facet: definition            # what it is about (default: the id)
    questions: [What is machine learning?]   # how people ask for it
    keywords: [definition, rules]
    aliases: [ML basics]         # other names for the entry (retrieved like keywords)
    updated: 2026-06-11
    ---
    The source's own words. A body that is only a bullet list is a list passage.

    ## A heading starts another passage (id: the entry id, then the heading's slug)

A Markdown table in a body is the knowledge base's comparison table: a first
column naming each row's aspect, then one column per subject (headed by the
subject's name, short label or id). ``rows:`` in the front matter, keyed by
the aspect's slug, gives a row keywords (and an ``id`` other than that slug).
Files are read in the order of their paths, which is the order of the source;
``README.md`` files are skipped.

Every problem is collected (file, line, entry, what is wrong), so that
``kb check`` can list them all; :func:`read_entries` raises them together.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from bot import markdown, yamlload
from bot.models import Cell, Passage, Subject, TableRow

FIELDS = (
    "id",
    "title",
    "section",
    "subject",
    "facet",
    "questions",
    "keywords",
    "aliases",
    "updated",
    "list",
    "rows",
    "related",
)


class EntryError(ValueError):
    """Problems found in the entries: each names the file, the line and the entry."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


def slug(text: str) -> str:
    """A lowercase id made of the words of ``text`` ("Primary Goal" -> "primary-goal")."""
    words = re.findall(r"[a-z0-9]+", text.lower().replace("'", "").replace("’", ""))
    return "-".join(words)[:60].strip("-")


@dataclass(frozen=True)
class Link:
    """A reference from one entry to another, checked by ``kb check``."""

    where: str  # "path:line"
    target: str  # an entry id, or a relative .md path
    path: Path | None = None  # the file a relative path resolves to


@dataclass
class Entries:
    """What the entry files hold, in reading order."""

    passages: list[Passage] = field(default_factory=list)
    table: list[TableRow] = field(default_factory=list)
    table_section: str = ""
    table_after: str = ""
    origins: dict[str, str] = field(default_factory=dict)  # entry id -> "path:line"
    links: list[Link] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)


def entry_files(folder: Path) -> list[Path]:
    """The Markdown files of a knowledge folder, in reading order."""
    found = [
        p
        for p in folder.rglob("*.md")
        if p.is_file() and p.name.lower() != "readme.md" and not p.name.startswith(".")
    ]
    return sorted(found, key=lambda p: p.relative_to(folder).as_posix())


def split_front_matter(text: str) -> tuple[str, str, int]:
    """``(front matter, body, line of the body's first line)``; no front matter: ``""``."""
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        return "", text, 1
    for i in range(1, len(lines)):
        if lines[i].strip() in {"---", "..."}:
            return "\n".join(lines[1:i]), "\n".join(lines[i + 1 :]), i + 2
    raise ValueError("front matter opened with '---' on line 1 is never closed")


class _Reader:
    """One entry file being read; problems are collected, not raised."""

    def __init__(self, path: Path, problems: list[str]) -> None:
        self.path = path
        self.problems = problems
        self.front: str = ""
        self.entry = f"entry '{slug(_stem(path)) or path.stem}'"

    def error(self, line: int | None, problem: str, entry: str | None = None) -> None:
        where = f"{self.path}:{line}" if line else f"{self.path}"
        self.problems.append(f"{where}, {entry or self.entry}: {problem}")

    def key_line(self, key: str) -> int:
        """The file line of ``key:`` in the front matter (1 when not found)."""
        for i, line in enumerate(self.front.split("\n")):
            if line.startswith(f"{key}:"):
                return i + 2
        return 1

    def text(self, data: dict[str, Any], key: str) -> str | None:
        value = data.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            self.error(self.key_line(key), f"field '{key}' must be text")
            return None
        text = " ".join(str(value).split())
        if not text:
            self.error(self.key_line(key), f"field '{key}' is empty")
            return None
        return text

    def strings(self, data: dict[str, Any], key: str) -> tuple[str, ...]:
        value = data.get(key)
        if value is None:
            return ()
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list):
            self.error(self.key_line(key), f"field '{key}' must be a list")
            return ()
        out = []
        for i, item in enumerate(value):
            if isinstance(item, bool) or not isinstance(item, str | int | float):
                self.error(self.key_line(key), f"field '{key}' item {i + 1} must be text")
                continue
            text = " ".join(str(item).split())
            if not text:
                self.error(self.key_line(key), f"field '{key}' item {i + 1} is empty")
                continue
            out.append(text)
        return tuple(out)


def _stem(path: Path) -> str:
    """The file name without its extension and its ordering prefix ("020-goals" -> "goals")."""
    return re.sub(r"^\d+[-_. ]+", "", path.stem)


def _match_subject(label: str, subjects: tuple[Subject, ...]) -> Subject | None:
    wanted = " ".join(label.lower().split())
    for subject in subjects:
        names = {subject.id, subject.name, subject.short, *subject.aliases}
        if wanted in {n.lower() for n in names}:
            return subject
    return None


@dataclass
class _Segment:
    heading: str
    line: int
    lines: list[str] = field(default_factory=list)
    items: int = 0
    paragraphs: int = 0


def read_entries(folder: Path, subjects: tuple[Subject, ...]) -> Entries:
    """Read every entry file in ``folder``; raise :class:`EntryError` listing every problem."""
    problems: list[str] = []
    entries = Entries(files=entry_files(folder))
    if not entries.files:
        raise EntryError([f"{folder}: no entries (Markdown files with the source's text)"])
    subject_ids = {s.id for s in subjects}
    for path in entries.files:
        _read_file(path, subjects, subject_ids, entries, problems)
    if not entries.passages and not problems:
        problems.append(f"{folder}: the entries hold no passage text")
    if problems:
        raise EntryError(problems)
    return entries


def _read_file(
    path: Path,
    subjects: tuple[Subject, ...],
    subject_ids: set[str],
    entries: Entries,
    problems: list[str],
) -> None:
    r = _Reader(path, problems)
    try:
        raw = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        r.error(None, f"cannot read the file ({exc.__class__.__name__})")
        return
    raw = raw.replace("\r\n", "\n").lstrip("\ufeff")
    try:
        front, body, body_line = split_front_matter(raw)
    except ValueError as exc:
        r.error(1, str(exc))
        return
    r.front = front
    data: dict[str, Any] = {}
    if front.strip():
        try:
            loaded = yamlload.load(front)  # the safe loader's data, fast (bot.yamlload)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            line = mark.line + 2 if mark else 1
            problem = getattr(exc, "problem", None) or "syntax error"
            r.error(line, f"invalid YAML in the front matter: {problem}")
            return
        if not isinstance(loaded, dict):
            r.error(2, "the front matter must be a mapping of fields (key: value)")
            return
        data = {str(k): v for k, v in loaded.items()}
    eid = r.text(data, "id") or slug(_stem(path))
    if not eid:
        r.error(1, "no id: give one in the front matter")
        return
    r.entry = f"entry '{eid}'"
    for key in data:
        if key not in FIELDS:
            r.error(r.key_line(key), f"unknown field '{key}' (known: {', '.join(FIELDS)})")
    blocks = markdown.blocks(body)
    title = r.text(data, "title")
    if title is None and blocks and blocks[0].kind == "heading" and blocks[0].level == 1:
        title = blocks[0].text
    section = r.text(data, "section") or title
    subject = r.text(data, "subject") or ""
    if subject and subject not in subject_ids:
        known = ", ".join(sorted(subject_ids))
        problem = f"subject must be one of {known} (or absent), not '{subject}'"
        r.error(r.key_line("subject"), problem)
        subject = ""
    facet = r.text(data, "facet")
    questions = r.strings(data, "questions")
    keywords = r.strings(data, "keywords") + r.strings(data, "aliases")
    is_list = data.get("list")
    if is_list is not None and not isinstance(is_list, bool):
        r.error(r.key_line("list"), "field 'list' must be true or false")
        is_list = None
    updated = data.get("updated")
    if updated is not None and not isinstance(updated, datetime.date):
        try:
            datetime.date.fromisoformat(str(updated))
        except ValueError:
            problem = f"'updated' must be a date (YYYY-MM-DD), not '{updated}'"
            r.error(r.key_line("updated"), problem)
    for target in r.strings(data, "related"):
        entries.links.append(Link(f"{path}:{r.key_line('related')}", target))

    had_table = bool(entries.table)
    has_table = False
    segments: list[_Segment] = [_Segment("", body_line)]
    for block in blocks:
        line = body_line + block.line - 1
        for href in block.links:
            target = href.split("#", 1)[0]
            if target.endswith(".md") and "://" not in target:
                entries.links.append(Link(f"{path}:{line}", href, (path.parent / target)))
        if block.kind == "heading":
            if block.level >= 2:
                segments.append(_Segment(block.text, line))
            continue
        if block.kind == "table":
            has_table = True
            _read_table(r, data, block, line, section or eid, subjects, entries)
            continue
        seg = segments[-1]
        seg.lines.extend(block.text.splitlines())
        if block.kind == "item":
            seg.items += 1
        else:
            seg.paragraphs += 1

    first = True
    for seg in segments:
        if not seg.lines:
            if seg.heading:
                r.error(seg.line, f"the heading '{seg.heading}' has no text under it")
            continue
        pid = eid if first and not seg.heading else f"{eid}-{slug(seg.heading)}"
        listed = seg.items > 0 and seg.paragraphs == 0
        if first and is_list is not None:
            listed = bool(is_list)
        ptitle = seg.heading or title
        if not ptitle:
            r.error(1, "no title: give one in the front matter or start the body with '# Title'")
            return
        line = seg.line if seg.heading else r.key_line("id")
        if pid in entries.origins:
            also = entries.origins[pid]
            r.error(line, f"duplicate id (also {also})", f"entry '{pid}'")
            first = False
            continue
        entries.origins[pid] = f"{path}:{line}"
        entries.passages.append(
            Passage(
                id=pid,
                section=section or ptitle,
                title=ptitle,
                text="\n".join(line for line in seg.lines if line),
                subject=subject,
                facet=(facet or pid) if first else pid,
                questions=questions if first else (),
                keywords=keywords if first else (),
                is_list=listed,
            )
        )
        first = False
    owns_table = entries.table and not had_table
    if owns_table:  # the table follows the entry's own text, if it has any
        entries.table_after = entries.passages[-1].id if entries.passages else ""
    elif first and not has_table:
        r.error(1, "the entry has no text: the body is empty")


def _read_table(
    r: _Reader,
    data: dict[str, Any],
    block: markdown.Block,
    line: int,
    section: str,
    subjects: tuple[Subject, ...],
    entries: Entries,
) -> None:
    if entries.table:
        r.error(line, "a second comparison table (a knowledge base has one)")
        return
    header, *rows = block.rows
    columns: list[Subject] = []
    for label in header[1:]:
        subject = _match_subject(label, subjects)
        if subject is None:
            names = ", ".join(s.name for s in subjects)
            r.error(line, f"table column '{label}' names no subject (subjects: {names})")
            return
        columns.append(subject)
    missing = [s.name for s in subjects if s not in columns]
    if missing:
        r.error(line, f"the table has no column for {', '.join(missing)}")
        return
    extra = data.get("rows") or {}
    if not isinstance(extra, dict):
        r.error(r.key_line("rows"), "'rows' must map a row id to its fields (keywords)")
        extra = {}
    seen: set[str] = set()  # the aspects' slugs, which 'rows' is keyed by
    for i, cells in enumerate(rows):
        row_line = line + 2 + i
        aspect = cells[0] if cells else ""
        key = slug(aspect)
        if not key:
            r.error(row_line, "a table row with no aspect in its first column")
            continue
        seen.add(key)
        fields = extra.get(key) or {}
        if not isinstance(fields, dict):
            r.error(r.key_line("rows"), "expected a mapping with 'keywords'", f"row '{key}'")
            fields = {}
        rid = r.text(fields, "id") or key
        if rid in entries.origins or any(row.id == rid for row in entries.table):
            r.error(
                row_line,
                "duplicate id (ids must be unique across passages and rows)",
                f"row '{rid}'",
            )
            continue
        by_subject = dict(zip(columns, cells[1:], strict=False))
        empty = [s.id for s in subjects if not by_subject.get(s, "").strip()]
        if empty:
            r.error(row_line, f"no text for {', '.join(empty)}", f"row '{rid}'")
            continue
        entries.table.append(
            TableRow(
                id=rid,
                aspect=aspect,
                cells=tuple(Cell(s.id, s.short, by_subject[s]) for s in subjects),
                keywords=r.strings(fields, "keywords"),
            )
        )
        entries.origins[rid] = f"{r.path}:{row_line}"
    for key in extra:
        if key not in seen:
            r.error(r.key_line("rows"), f"'rows' names no row of the table: '{key}'")
    if not entries.table:
        r.error(line, "the table has no rows")
        return
    entries.table_section = section

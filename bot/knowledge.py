"""Load and validate a knowledge base: a folder of Markdown entries, or of YAML files.

The authored format (see :mod:`bot.entries`) is a folder with a root
``knowledge.yaml`` (the fields of ``source.yaml`` below), one Markdown file per
entry, and optionally ``vocabulary.yaml``. ``python -m bot kb migrate``
converts the earlier format, which is still read, into it.

The earlier format is a folder of up to four YAML files:

- ``source.yaml``: what the knowledge base is called, its source (title,
  date, kind: "article", "FAQ"...), the version shown in answers, the one-line
  scope, the subjects it is about (one, two or more, each with a name, a short
  label and the aliases a question may use), the questions offered when the
  bot declines, and optionally reply wording that overrides the defaults;
- ``passages.yaml``: the source split into passages, each about one subject
  (or none: general);
- ``table.yaml`` (optional): a side-by-side comparison, one column per subject
  and one entry per row;
- ``vocabulary.yaml`` (optional): synonyms and abbreviations of this
  knowledge base's own terms.

Everything about the language questions are asked in (greetings, follow-up
markers, question types) lives in the package's ``data/english.yaml``, not here.

Every problem is reported as a :class:`KnowledgeError` whose message names the
file, the entry and what is wrong, so an admin editing the YAML can fix it.
"""

from __future__ import annotations

import contextlib
import importlib.util
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from bot import yamlload
from bot.entries import EntryError, Link, read_entries
from bot.models import Cell, Passage, SourceInfo, Subject, TableRow


def _shipped_path() -> Path:
    """The shipped knowledge base: installed as ``bot._knowledge`` (a wheel, pipx, an
    editable install), or the checkout's ``knowledge/`` folder beside the package."""
    with contextlib.suppress(ModuleNotFoundError):
        spec = importlib.util.find_spec("bot._knowledge")  # a folder of data, no __init__
        for location in (spec.submodule_search_locations or []) if spec else []:
            if any((Path(location) / name).is_file() for name in ROOT_FILES):
                return Path(location)
    return Path(__file__).resolve().parent.parent / "knowledge"


ROOT_FILES = ("knowledge.yaml", "source.yaml")
DEFAULT_PATH = _shipped_path()
REQUIRED_FILES = ("source.yaml", "passages.yaml")
OPTIONAL_FILES = ("table.yaml", "vocabulary.yaml")


class KnowledgeError(ValueError):
    """The knowledge base is missing, unreadable or invalid.

    ``problems`` lists every problem found (one line each: file, line, entry,
    what is wrong); the message is all of them.
    """

    def __init__(self, message: str, problems: list[str] | None = None) -> None:
        super().__init__(message)
        self.problems = problems or [message]


@dataclass(frozen=True)
class KnowledgeBase:
    """Everything the engine knows, validated."""

    name: str
    source: SourceInfo
    source_kind: str  # how replies name the source: "article", "FAQ", "guide"
    scope: str
    subjects: tuple[Subject, ...]
    suggested_questions: tuple[str, ...]
    passages: tuple[Passage, ...]
    table: tuple[TableRow, ...]
    table_section: str
    table_after: str  # the passage the table follows in the source ("" for the end)
    synonyms: Mapping[str, tuple[str, ...]]
    replies: Mapping[str, str] = field(default_factory=dict)
    path: Path = DEFAULT_PATH
    root_file: str = "source.yaml"  # the file with the name, source and subjects
    origins: Mapping[str, str] = field(default_factory=dict)  # entry id -> "file:line"
    links: tuple[Link, ...] = ()  # references between entries, for kb check

    def origin(self, entry_id: str) -> str:
        """Where an entry (a passage or a table row) is defined: "file:line" or the file."""
        return self.origins.get(entry_id) or str(self.path / "passages.yaml")

    @property
    def sections(self) -> tuple[str, ...]:
        """The source's sections, in order, each once."""
        seen: dict[str, None] = {}
        for passage in self.passages:
            seen.setdefault(passage.section, None)
            if self.table and passage.id == self.table_after:
                seen.setdefault(self.table_section, None)
        if self.table:
            seen.setdefault(self.table_section, None)
        return tuple(seen)

    def subject(self, subject_id: str) -> Subject:
        """The subject with this id (KeyError if there is none)."""
        for subject in self.subjects:
            if subject.id == subject_id:
                return subject
        raise KeyError(subject_id)

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
            data = yamlload.load(raw)  # the safe loader's data, fast (bot.yamlload)
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


@dataclass(frozen=True)
class _Source:
    name: str
    info: SourceInfo
    kind: str
    scope: str
    subjects: tuple[Subject, ...]
    suggestions: tuple[str, ...]
    replies: Mapping[str, str]


def _load_subjects(f: _File, data: Mapping[str, Any]) -> tuple[Subject, ...]:
    raw = data.get("subjects")
    if not isinstance(raw, list) or not raw:
        raise f.error(None, "expected a non-empty list under 'subjects' (what the source is about)")
    subjects: list[Subject] = []
    seen: set[str] = set()
    for i, item in enumerate(raw):
        if not isinstance(item, dict):
            raise f.error(f"subject {i + 1}", "expected a mapping of fields")
        label = f"subject {i + 1}"
        sid = f.text(item, "id", label)
        label = f"subject '{sid}'"
        if sid in seen:
            raise f.error(label, "duplicate id")
        seen.add(sid)
        name = f.text(item, "name", label)
        short = f.optional_text(item, "short", label) or name
        aliases = f.strings(item, "aliases", label)
        subjects.append(Subject(sid, name, short, tuple(dict.fromkeys((name, short, *aliases)))))
    return tuple(subjects)


def _load_source(folder: Path, name: str = "source.yaml") -> _Source:
    f = _File(folder, name)
    data = f.load()
    kind = f.optional_text(data, "source_kind") or "source"
    info = SourceInfo(
        title=f.text(data, "title"),
        date=f.text(data, "date"),
        version=f.text(data, "version"),
        url=f.optional_text(data, "url"),
        publisher=f.optional_text(data, "publisher"),
        kind=kind,
    )
    subjects = _load_subjects(f, data)
    suggestions = f.strings(data, "suggested_questions")
    if not suggestions:
        raise f.error(None, "'suggested_questions' needs at least one question")
    replies_raw = data.get("replies") or {}
    if not isinstance(replies_raw, dict):
        raise f.error("replies", "expected a mapping of reply name to wording")
    replies: dict[str, str] = {}
    for key in replies_raw:  # the keys are checked against the language's replies
        replies[str(key)] = f.text(replies_raw, key, "replies")
    return _Source(
        name=f.optional_text(data, "name") or " vs ".join(s.name for s in subjects),
        info=info,
        kind=kind,
        scope=f.text(data, "scope"),
        subjects=subjects,
        suggestions=suggestions,
        replies=replies,
    )


def _load_passages(folder: Path, subject_ids: set[str]) -> tuple[Passage, ...]:
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
        subject = f.optional_text(item, "subject", label)
        if subject and subject not in subject_ids:
            known = ", ".join(sorted(subject_ids))
            raise f.error(label, f"subject must be one of {known} (or absent), not '{subject}'")
        passages.append(
            Passage(
                id=pid,
                section=f.text(item, "section", label),
                title=f.text(item, "title", label),
                text=_clean_text(f.text(item, "text", label)),
                subject=subject,
                facet=f.optional_text(item, "facet", label) or pid,
                questions=f.strings(item, "questions", label),
                keywords=f.strings(item, "keywords", label),
                is_list=bool(item.get("list", False)),
            )
        )
    return tuple(passages)


def _load_table(
    folder: Path, passage_ids: set[str], subjects: tuple[Subject, ...]
) -> tuple[str, str, tuple[TableRow, ...]]:
    f = _File(folder, "table.yaml")
    if not f.path.exists():
        return "", "", ()
    data = f.load()
    section = f.text(data, "section")
    after = f.optional_text(data, "after")
    if after and after not in passage_ids:
        raise f.error(None, f"'after' names no passage: '{after}'")
    by_id = {s.id: s for s in subjects}
    rows: list[TableRow] = []
    seen: set[str] = set()
    for i, item in enumerate(f.entries(data, "rows")):
        label = f"row {i + 1}"
        rid = f.text(item, "id", label)
        label = f"row '{rid}'"
        if rid in seen or rid in passage_ids:
            raise f.error(label, "duplicate id (ids must be unique across passages and rows)")
        seen.add(rid)
        values = item.get("values")
        if not isinstance(values, dict) or not values:
            raise f.error(
                label, "expected 'values': a mapping of subject id to that subject's text"
            )
        for key in values:
            if key not in by_id:
                raise f.error(label, f"'values' names no subject: '{key}'")
        missing = [s.id for s in subjects if s.id not in values]
        if missing:
            raise f.error(label, f"'values' has no text for {', '.join(missing)}")
        cells = tuple(
            Cell(s.id, s.short, f.text(values, s.id, f"{label} values")) for s in subjects
        )
        rows.append(
            TableRow(
                id=rid,
                aspect=f.text(item, "aspect", label),
                cells=cells,
                keywords=f.strings(item, "keywords", label),
            )
        )
    return section, after, tuple(rows)


def _load_synonyms(folder: Path) -> dict[str, tuple[str, ...]]:
    f = _File(folder, "vocabulary.yaml")
    if not f.path.exists():
        return {}
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
    return synonyms


def load(path: str | Path | None = None) -> KnowledgeBase:
    """Load and validate the knowledge base in ``path`` (a folder of YAML files).

    ``None`` means the knowledge base shipped with the project.
    """
    folder = Path(path) if path is not None else DEFAULT_PATH
    if not folder.is_dir():
        raise KnowledgeError(f"{folder}: knowledge folder not found")
    if (folder / "knowledge.yaml").is_file():
        return _load_entries(folder)
    source = _load_source(folder)
    passages = _load_passages(folder, {s.id for s in source.subjects})
    section, after, table = _load_table(folder, {p.id for p in passages}, source.subjects)
    return _assemble(
        source, folder, passages=passages, table=table, table_section=section, table_after=after
    )


def _assemble(source: _Source, folder: Path, **parts: Any) -> KnowledgeBase:
    """A knowledge base from its root file's ``source``, the folder's synonyms and ``parts``."""
    return KnowledgeBase(
        name=source.name,
        source=source.info,
        source_kind=source.kind,
        scope=source.scope,
        subjects=source.subjects,
        suggested_questions=source.suggestions,
        synonyms=_load_synonyms(folder),
        replies=source.replies,
        path=folder,
        **parts,
    )


def _load_entries(folder: Path) -> KnowledgeBase:
    """The authored format: ``knowledge.yaml`` and one Markdown file per entry."""
    source = _load_source(folder, "knowledge.yaml")
    try:
        entries = read_entries(folder, source.subjects)
    except EntryError as exc:
        raise KnowledgeError(str(exc), exc.problems) from None
    return _assemble(
        source,
        folder,
        passages=tuple(entries.passages),
        table=tuple(entries.table),
        table_section=entries.table_section,
        table_after=entries.table_after,
        root_file="knowledge.yaml",
        origins=entries.origins,
        links=tuple(entries.links),
    )

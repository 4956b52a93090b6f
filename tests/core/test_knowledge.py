"""The knowledge base: its content, and the loader's errors."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml

from bot.knowledge import DEFAULT_PATH, KnowledgeError, load

ARTICLE = Path(__file__).resolve().parents[3] / "shared" / "seed" / "article.txt"


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", text.lower().replace("’", "'"))


def test_shipped_knowledge_base_loads() -> None:
    kb = load()
    assert kb.source.title == "Generative AI vs. Machine Learning: Key Differences Explained"
    assert kb.source.date == "2026-06-11"
    assert kb.source.version
    assert len(kb.passages) >= 10
    assert [r.aspect for r in kb.table] == [
        "Primary Goal",
        "Output Type",
        "How it Evaluates",
        "User Interaction",
    ]


def test_every_passage_is_the_articles_own_text() -> None:
    """Passage text is faithful: each passage occurs in the article, word for word."""
    if not ARTICLE.exists():
        pytest.skip("the seed article is not beside the project")
    article = " ".join(_words(ARTICLE.read_text(encoding="utf-8")))
    kb = load()
    for passage in kb.passages:
        for line in passage.text.splitlines():
            assert " ".join(_words(line)) in article, passage.id
    for row in kb.table:
        for cell in (row.aspect, *(c.text for c in row.cells)):
            assert " ".join(_words(cell)) in article, row.id


def test_whole_article_is_covered() -> None:
    """Every content sentence of the article is in some passage or table row (no chrome)."""
    if not ARTICLE.exists():
        pytest.skip("the seed article is not beside the project")
    kb = load()
    covered = " ".join(
        " ".join(_words(t))
        for t in [p.text for p in kb.passages] + [c.text for r in kb.table for c in r.cells]
    )
    body = ARTICLE.read_text(encoding="utf-8").split("RELATED ARTICLES")[0]
    sentences = re.split(r"(?<=[.!?])\s+|\n", body)
    headings = set(kb.sections) | {"Feature", kb.source.title}
    missing = []
    for sentence in sentences:
        ws = " ".join(_words(sentence))
        skip = [*headings, *(r.aspect for r in kb.table)]
        low = sentence.strip().lower()
        if len(ws.split()) < 6 or any(h.lower() in low or low in h.lower() for h in skip):
            continue
        if ws not in covered:
            missing.append(sentence.strip())
    assert not missing


def test_ids_unique_and_sections_ordered() -> None:
    kb = load()
    ids = [p.id for p in kb.passages] + [r.id for r in kb.table]
    assert len(ids) == len(set(ids))
    assert kb.sections[0] == "Introduction"
    assert kb.sections[-2:] == (kb.table_section, "How They Work Together")


# The earlier YAML format, still read (tests/data/kb_tea is in it).


def _edit(folder: Path, name: str, change) -> None:  # type: ignore[no-untyped-def]
    path = folder / name
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")


def test_duplicate_id_names_file_and_entry(legacy_copy: Path) -> None:
    def dup(data: dict) -> None:  # type: ignore[type-arg]
        data["passages"][1]["id"] = data["passages"][0]["id"]

    _edit(legacy_copy, "passages.yaml", dup)
    with pytest.raises(KnowledgeError, match=r"passages\.yaml, passage 'intro': duplicate id"):
        load(legacy_copy)


@pytest.mark.parametrize("field", ["id", "section", "title", "text"])
def test_missing_required_field(legacy_copy: Path, field: str) -> None:
    def drop(data: dict) -> None:  # type: ignore[type-arg]
        del data["passages"][2][field]

    _edit(legacy_copy, "passages.yaml", drop)
    with pytest.raises(
        KnowledgeError, match=rf"passages\.yaml, passage .*missing required field '{field}'"
    ):
        load(legacy_copy)


def test_empty_text(legacy_copy: Path) -> None:
    def empty(data: dict) -> None:  # type: ignore[type-arg]
        data["passages"][0]["text"] = "   "

    _edit(legacy_copy, "passages.yaml", empty)
    with pytest.raises(KnowledgeError, match=r"passage 'intro': field 'text' is empty"):
        load(legacy_copy)


def test_incomplete_table_row(legacy_copy: Path) -> None:
    def incomplete(data: dict) -> None:  # type: ignore[type-arg]
        del data["rows"][1]["values"]["coffee"]

    _edit(legacy_copy, "table.yaml", incomplete)
    with pytest.raises(
        KnowledgeError, match=r"table\.yaml, row 'flavour': 'values' has no text for coffee"
    ):
        load(legacy_copy)


def test_table_cell_for_an_unknown_subject(legacy_copy: Path) -> None:
    def extra(data: dict) -> None:  # type: ignore[type-arg]
        data["rows"][0]["values"]["quantum"] = "Qubits."

    _edit(legacy_copy, "table.yaml", extra)
    with pytest.raises(KnowledgeError, match="'values' names no subject: 'quantum'"):
        load(legacy_copy)


def test_bad_subject(legacy_copy: Path) -> None:
    def subject(data: dict) -> None:  # type: ignore[type-arg]
        data["passages"][0]["subject"] = "quantum"

    _edit(legacy_copy, "passages.yaml", subject)
    with pytest.raises(
        KnowledgeError, match=r"passage 'intro': subject must be one of coffee, tea"
    ):
        load(legacy_copy)


def test_subjects_are_required(legacy_copy: Path) -> None:
    def no_subjects(data: dict) -> None:  # type: ignore[type-arg]
        del data["subjects"]

    _edit(legacy_copy, "source.yaml", no_subjects)
    with pytest.raises(
        KnowledgeError, match=r"source\.yaml: expected a non-empty list under 'subjects'"
    ):
        load(legacy_copy)


def test_table_and_vocabulary_are_optional(legacy_copy: Path) -> None:
    (legacy_copy / "table.yaml").unlink()
    (legacy_copy / "vocabulary.yaml").unlink()
    kb = load(legacy_copy)
    assert kb.table == () and kb.synonyms == {}
    assert kb.table_section not in kb.sections


def test_broken_yaml_names_line(legacy_copy: Path) -> None:
    (legacy_copy / "table.yaml").write_text("rows:\n  - id: [unclosed\n", encoding="utf-8")
    with pytest.raises(KnowledgeError, match=r"table\.yaml: invalid YAML at line \d+, column \d+"):
        load(legacy_copy)


def test_missing_file_and_folder(legacy_copy: Path, tmp_path: Path) -> None:
    (legacy_copy / "passages.yaml").unlink()
    with pytest.raises(KnowledgeError, match=r"passages\.yaml: file not found"):
        load(legacy_copy)
    with pytest.raises(KnowledgeError, match="knowledge folder not found"):
        load(tmp_path / "nowhere")


def test_wrong_shapes(legacy_copy: Path) -> None:
    (legacy_copy / "passages.yaml").write_text("- just\n- a list\n", encoding="utf-8")
    with pytest.raises(KnowledgeError, match="expected a mapping of keys at the top level"):
        load(legacy_copy)
    (legacy_copy / "passages.yaml").write_text("passages: []\n", encoding="utf-8")
    with pytest.raises(KnowledgeError, match="expected a non-empty list under 'passages'"):
        load(legacy_copy)
    (legacy_copy / "passages.yaml").write_text("passages:\n  - plain text\n", encoding="utf-8")
    with pytest.raises(KnowledgeError, match="entry 1: expected a mapping of fields"):
        load(legacy_copy)


def test_not_utf8(legacy_copy: Path) -> None:
    (legacy_copy / "source.yaml").write_bytes(b"title: \xff\xfe bad\n")
    with pytest.raises(KnowledgeError, match=r"source\.yaml: cannot read the file"):
        load(legacy_copy)


def test_default_path_is_the_projects_folder() -> None:
    assert DEFAULT_PATH.name == "knowledge"
    assert (DEFAULT_PATH / "knowledge.yaml").is_file()


def test_installed_knowledge_base_is_found(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """A wheel installs knowledge/ as bot._knowledge; the loader finds it there."""
    import importlib.machinery
    import importlib.util

    import bot.knowledge as knowledge

    installed = tmp_path / "site-packages" / "bot" / "_knowledge"
    shutil.copytree(DEFAULT_PATH, installed)
    spec = importlib.machinery.ModuleSpec("bot._knowledge", None, is_package=True)
    spec.submodule_search_locations = [str(installed)]
    monkeypatch.setattr(importlib.util, "find_spec", lambda name: spec)
    assert knowledge._shipped_path() == installed
    monkeypatch.setattr(importlib.util, "find_spec", lambda name: None)
    assert (
        knowledge._shipped_path() == Path(knowledge.__file__).resolve().parent.parent / "knowledge"
    )


def test_wheel_includes_the_knowledge_base() -> None:
    """pyproject maps knowledge/ into the package and ships its YAML (see the README)."""
    tomllib = pytest.importorskip("tomllib")  # Python 3.11+
    root = Path(__file__).resolve().parents[2]
    config = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))["tool"]
    assert config["setuptools"]["package-dir"]["bot._knowledge"] == "knowledge"
    assert "bot._knowledge" in config["setuptools"]["packages"]
    assert config["setuptools"]["package-data"]["bot._knowledge"] == ["*.yaml", "*.md"]

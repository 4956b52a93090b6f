"""The authored format: Markdown entries with front matter, ``kb migrate``, and their errors."""

from __future__ import annotations

import dataclasses
import io
import shutil
from pathlib import Path

import pytest

from bot.__main__ import main
from bot.authoring import passage_markdown
from bot.entries import read_entries
from bot.knowledge import KnowledgeBase, KnowledgeError, load
from bot.markdown import blocks, escape
from bot.migrate import migrate
from bot.models import Passage, Subject

DATA = Path(__file__).resolve().parents[1] / "data"
SUBJECTS = (Subject("tea", "Tea", "Tea", ("tea",)), Subject("coffee", "Coffee", "Coffee"))


def _content(kb: KnowledgeBase) -> KnowledgeBase:
    return dataclasses.replace(kb, path=Path(), root_file="", origins={}, links=())


def _write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_shipped_knowledge_base_is_markdown_entries() -> None:
    kb = load()
    assert kb.root_file == "knowledge.yaml"
    assert kb.origin("intro").endswith("010-intro.md:2")
    assert kb.origin("primary-goal").endswith("100-comparison.md:16")
    assert kb.table_after == "genai-examples"


@pytest.mark.parametrize("name", ["kb_faq", "kb_tea", "kb_solar"])
def test_migrate_reads_back_the_same(name: str, tmp_path: Path) -> None:
    before = load(DATA / name)
    after = migrate(DATA / name, tmp_path / name)
    assert after.root_file == "knowledge.yaml"
    assert _content(after) == _content(before)


def test_migrate_in_place_from_the_console(legacy_copy: Path) -> None:
    before = load(legacy_copy)
    out, err = io.StringIO(), io.StringIO()
    code = main(["kb", "migrate", "--knowledge", str(legacy_copy)], io.StringIO(), out, err)
    assert code == 0, err.getvalue()
    assert "9 passages, 4 rows" in out.getvalue()
    assert not (legacy_copy / "passages.yaml").exists()
    assert (legacy_copy / "knowledge.yaml").is_file()
    assert _content(load(legacy_copy)) == _content(before)
    code = main(["kb", "migrate", "--knowledge", str(legacy_copy)], io.StringIO(), out, err)
    assert code == 2 and "already in the Markdown format" in err.getvalue()


@pytest.mark.parametrize(
    "text",
    [
        "1. Not a numbered list",
        "- not a bullet",
        "# not a heading",
        "a * b * c and under_scores_here",
        "[brackets] <angle> `ticks` back\\slash | pipe",
        "Fish &amp; chips, &#169; and AT&T",
        "> not a quote",
    ],
)
def test_escaped_text_reads_back(text: str) -> None:
    (block,) = blocks(escape(text))
    assert block.text == text


def test_passage_round_trip_keeps_lists_and_lines(tmp_path: Path) -> None:
    passages = [
        Passage("a", "S", "A list", "First: one.\nSecond: two.", "tea", "examples", is_list=True),
        Passage(
            "b", "S", "Two lines", "One paragraph.\nAnother one.", facet="b", questions=("Why?",)
        ),
    ]
    for i, passage in enumerate(passages):
        _write(tmp_path, f"{i}-{passage.id}.md", passage_markdown(passage))
    assert read_entries(tmp_path, SUBJECTS).passages == passages


def test_headings_start_passages_and_defaults_come_from_the_file(tmp_path: Path) -> None:
    _write(
        tmp_path,
        "010-brewing.md",
        "# Brewing tea\n\nHeat the water first.\n\n## Steeping\n\nSteep for three minutes.\n"
        "\n## Kinds\n\n- Green: light.\n- Black: strong.\n",
    )
    entries = read_entries(tmp_path, SUBJECTS)
    got = [(p.id, p.title, p.section, p.text, p.is_list) for p in entries.passages]
    assert got == [
        ("brewing", "Brewing tea", "Brewing tea", "Heat the water first.", False),
        ("brewing-steeping", "Steeping", "Brewing tea", "Steep for three minutes.", False),
        ("brewing-kinds", "Kinds", "Brewing tea", "Green: light.\nBlack: strong.", True),
    ]
    assert entries.origins["brewing-steeping"].endswith("010-brewing.md:5")


def test_a_table_becomes_comparison_rows(tmp_path: Path) -> None:
    _write(tmp_path, "010-intro.md", "---\ntitle: Intro\n---\nTea and coffee.\n")
    _write(
        tmp_path,
        "020-table.md",
        "---\nsection: Side by side\nrows:\n  caffeine:\n    keywords: [buzz]\n---\n"
        "| Aspect | Tea | coffee |\n|---|---|---|\n| Caffeine | Less. | More. |\n"
        "| Origin | China. | Ethiopia. |\n",
    )
    entries = read_entries(tmp_path, SUBJECTS)
    assert [(r.id, r.aspect, r.cell("coffee"), r.keywords) for r in entries.table] == [
        ("caffeine", "Caffeine", "More.", ("buzz",)),
        ("origin", "Origin", "Ethiopia.", ()),
    ]
    assert entries.table_section == "Side by side" and entries.table_after == "intro"
    assert entries.origins["origin"].endswith("020-table.md:10")


def _problems(folder: Path) -> list[str]:
    with pytest.raises(KnowledgeError) as caught:
        load(folder)
    return caught.value.problems


def test_front_matter_errors_name_file_line_and_entry(kb_copy: Path) -> None:
    path = kb_copy / "040-ml-definition.md"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("questions:\n", "questions: [unclosed\n", 1), encoding="utf-8")
    (problem,) = _problems(kb_copy)
    assert problem.startswith(f"{path}:")
    assert "invalid YAML in the front matter" in problem


def test_every_problem_is_reported_at_once(kb_copy: Path) -> None:
    intro = kb_copy / "010-intro.md"
    intro.write_text(
        intro.read_text(encoding="utf-8").replace("facet: overview", "subject: quantum\nfacet: x"),
        encoding="utf-8",
    )
    goals = kb_copy / "030-goals.md"
    goals.write_text(
        goals.read_text(encoding="utf-8").replace("id: goals", "id: intro\nquestons: [x]"),
        encoding="utf-8",
    )
    table = kb_copy / "100-comparison.md"
    table.write_text(
        table.read_text(encoding="utf-8").replace("| Generative AI |", "| Quantum |", 1),
        encoding="utf-8",
    )
    problems = _problems(kb_copy)
    assert any(
        p.startswith(f"{intro}:5, entry 'intro': subject must be one of genai, ml")
        for p in problems
    ), problems
    assert any(
        p.startswith(f"{goals}:3, entry 'intro': unknown field 'questons'") for p in problems
    )
    assert any(f"{goals}:2, entry 'intro': duplicate id (also {intro}:2)" in p for p in problems)
    assert any("table column 'Quantum' names no subject" in p for p in problems)
    assert len(problems) == 4, problems


def test_table_shape_errors(tmp_path: Path) -> None:
    _write(tmp_path, "010-a.md", "---\ntitle: A\n---\nText.\n")
    _write(
        tmp_path,
        "020-t.md",
        "| Aspect | Tea |\n|---|---|\n| Caffeine | Less. |\n",
    )
    with pytest.raises(Exception, match="the table has no column for Coffee"):
        read_entries(tmp_path, SUBJECTS)
    _write(tmp_path, "020-t.md", "| Aspect | Tea | Coffee |\n|---|---|---|\n| Caffeine | Less. |\n")
    with pytest.raises(Exception, match=r"020-t\.md:3, row 'caffeine': no text for coffee"):
        read_entries(tmp_path, SUBJECTS)


def test_unreadable_and_empty_entries(tmp_path: Path) -> None:
    shutil.copyfile(DATA / "kb_tea" / "source.yaml", tmp_path / "knowledge.yaml")
    with pytest.raises(KnowledgeError, match="no entries"):
        load(tmp_path)
    _write(tmp_path, "010-a.md", "---\ntitle: A\n")
    (tmp_path / "020-b.md").write_bytes(b"\xff\xfe title")
    _write(tmp_path, "030-c.md", "---\ntitle: C\nupdated: last week\n---\n")
    problems = _problems(tmp_path)
    assert any("010-a.md:1" in p and "never closed" in p for p in problems)
    assert any("020-b.md" in p and "cannot read the file" in p for p in problems)
    assert any("030-c.md:3" in p and "'updated' must be a date" in p for p in problems)
    assert any("030-c.md:1" in p and "the body is empty" in p for p in problems)


def test_bold_marks_left_unmatched_are_no_words() -> None:
    found = blocks("**General\n\nTools**\n\nUse `a ** b` for powers.")
    assert [b.text for b in found] == ["General", "Tools", "Use a ** b for powers."]

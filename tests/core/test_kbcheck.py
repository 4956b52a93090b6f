"""``kb check``: errors with file, line and entry; warnings for weak entries; exit codes."""

from __future__ import annotations

import io
from pathlib import Path

from bot.__main__ import main


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), io.StringIO(), out, err)
    return code, out.getvalue(), err.getvalue()


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_shipped_knowledge_base_passes_with_the_folder_as_argument(kb_copy: Path) -> None:
    code, out, err = run("kb", "check", str(kb_copy))
    assert code == 0, err
    assert f"knowledge base OK: {kb_copy}" in out and err == ""


def test_every_error_names_file_line_and_entry(kb_copy: Path) -> None:
    intro = kb_copy / "010-intro.md"
    _edit(intro, "id: intro", "id: intro\nsubject: quantum")
    _edit(kb_copy / "030-goals.md", "id: goals", "id: goals\nsubjet: ml")
    code, out, err = run("kb", "check", str(kb_copy))
    assert code == 2 and out == ""
    assert f"error: {intro}:3, entry 'intro': subject must be one of genai, ml" in err
    assert "030-goals.md:3, entry 'goals': unknown field 'subjet'" in err
    assert "2 error(s), 0 warning(s)" in err and "Traceback" not in err


def test_broken_links_and_duplicate_questions(kb_copy: Path) -> None:
    _edit(kb_copy / "010-intro.md", "facet: overview", "facet: overview\nrelated: [nowhere, goals]")
    _edit(
        kb_copy / "030-goals.md",
        "easiest way to separate",
        "easiest way ([see](040-ml-definition.md), [gone](999-gone.md)) to separate",
    )
    _edit(
        kb_copy / "040-ml-definition.md",
        "- Define ML",
        "- Define ML\n- what is THIS article about",
    )
    code, _, err = run("check", "--knowledge", str(kb_copy))
    assert code == 1
    assert "010-intro.md:6: related entry 'nowhere' does not exist" in err
    assert "030-goals.md:15: the link to '999-gone.md' leads to no file" in err
    assert (
        "040-ml-definition.md:2, passage 'ml-definition': the example question "
        "“what is THIS article about” is also passage 'intro's" in err
    )


def test_own_question_that_finds_another_entry(kb_copy: Path) -> None:
    _edit(kb_copy / "040-ml-definition.md", "- Define ML", "- Define ML\n- What is generative AI?")
    code, _, err = run("kb", "check", str(kb_copy))
    assert code == 1
    assert (
        "040-ml-definition.md:2, passage 'ml-definition': its question “What is generative AI?” "
        "finds passage 'genai-definition' first" in err
    )


def test_weak_entries_warn_and_strict_fails(kb_copy: Path) -> None:
    (kb_copy / "125-short.md").write_text("---\ntitle: Short\n---\nIt is short.\n", "utf-8")
    code, out, err = run("kb", "check", str(kb_copy))
    assert code == 0
    assert "warning: " in err and "125-short.md:1, passage 'short': no example questions" in err
    assert "passage 'short': only 3 words" in err
    assert "warnings: 2" in out
    code, out, err = run("kb", "check", "--strict", str(kb_copy))
    assert code == 1 and out == "" and "0 error(s), 2 warning(s)" in err


def test_missing_folder_is_an_error() -> None:
    code, out, err = run("kb", "check", "/nonexistent/kb")
    assert code == 2 and out == ""
    assert "knowledge folder not found" in err

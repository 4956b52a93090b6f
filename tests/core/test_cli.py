"""The command line: output formats, the JSON-lines contract, check, chat, bad input."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from bot.__main__ import main

ROOT = Path(__file__).resolve().parents[2]


def run(*argv: str, stdin: str = "") -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), io.StringIO(stdin), out, err)
    return code, out.getvalue(), err.getvalue()


def test_ask_prints_answer_and_source() -> None:
    code, out, _ = run("ask", "What is generative AI?")
    assert code == 0
    assert "Generative AI is a newer" in out
    assert "Source: What is Generative AI?" in out


def test_ask_json_is_one_object() -> None:
    code, out, _ = run("ask", "--json", "compare ML and GenAI")
    data = json.loads(out)
    assert code == 0 and data["kind"] == "compare"
    assert {"kind", "answer", "sources", "suggestions", "rows"} <= set(data)
    assert len(data["rows"]) == 4
    assert {"id", "section", "title", "score"} <= set(data["sources"][0])


def test_ask_without_question_is_a_usage_error() -> None:
    code, _, err = run("ask")
    assert code == 2 and "give a question" in err


def test_jsonl_contract_in_order_with_conversations() -> None:
    lines = [
        {"question": "What is generative AI?", "conversation": "a"},
        {"question": "What is machine learning?", "conversation": "b"},
        {"question": "examples?", "conversation": "a"},
        {"question": "examples?", "conversation": "b"},
        {"question": "recipe for lasagna?"},
    ]
    code, out, _ = run("ask", "--jsonl", stdin="\n".join(json.dumps(x) for x in lines) + "\n")
    results = [json.loads(line) for line in out.splitlines()]
    assert code == 0 and len(results) == 5
    assert [r["kind"] for r in results] == ["answer", "answer", "answer", "answer", "refusal"]
    assert results[2]["sources"][0]["id"] == "genai-examples"
    assert results[3]["sources"][0]["id"] == "ml-examples"


def test_jsonl_bad_lines_get_an_error_object_and_lose_nothing() -> None:
    stdin = '{"question": "hey"}\nnot json\n{"q": 1}\n\n{"question": "What is ML?"}\n'
    code, out, err = run("ask", "--jsonl", stdin=stdin)
    results = [json.loads(line) for line in out.splitlines()]
    assert [r["kind"] for r in results] == ["smalltalk", "error", "error", "answer"]
    assert code == 1 and "line 2" in err and "line 3" in err


def test_jsonl_flushes_each_line() -> None:
    """A reader gets each answer before sending the next question (a real pipe)."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot", "ask", "--jsonl"],
        cwd=ROOT,
        text=True,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert proc.stdin and proc.stdout
    try:
        for question in ("What is ML?", "hello"):
            proc.stdin.write(json.dumps({"question": question}) + "\n")
            proc.stdin.flush()
            assert json.loads(proc.stdout.readline())["kind"] in {"answer", "smalltalk"}
    finally:
        proc.stdin.close()
        proc.wait(timeout=30)
    assert proc.returncode == 0


@pytest.mark.parametrize("command", [["check"], ["kb", "check"]])
def test_check_summarizes(command: list[str]) -> None:
    code, out, _ = run(*command)
    assert code == 0
    assert "passages: 12" in out and "table rows: 4" in out and "version:" in out


def test_kb_alone_shows_its_commands() -> None:
    code, out, err = run("kb")
    assert code == 2 and out == ""
    assert "check" in err and "Traceback" not in err


def test_check_reports_broken_knowledge(tmp_path: Path) -> None:
    import shutil

    from bot.knowledge import DEFAULT_PATH

    kb = tmp_path / "kb"
    shutil.copytree(DEFAULT_PATH, kb)
    (kb / "knowledge.yaml").write_text("subjects: [\n", encoding="utf-8")
    code, out, err = run("check", "--knowledge", str(kb))
    assert code == 2 and out == ""
    assert "knowledge.yaml: invalid YAML" in err and "Traceback" not in err
    code, _, err = run("ask", "--knowledge", str(kb), "What is ML?")
    assert code == 2 and "knowledge.yaml" in err


def test_knowledge_path_from_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("KNOWLEDGE_PATH", str(tmp_path / "missing"))
    code, _, err = run("check")
    assert code == 2 and "knowledge folder not found" in err


def test_knowledge_path_from_env_file(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """ask, chat and check read KNOWLEDGE_PATH from .env as run and sync do."""
    monkeypatch.delenv("KNOWLEDGE_PATH", raising=False)
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".env").write_text(f"KNOWLEDGE_PATH={tmp_path / 'missing'}\n", encoding="utf-8")
    code, _, err = run("check")
    assert code == 2 and "missing: knowledge folder not found" in err
    code, _, err = run("ask", "hi")
    assert code == 2 and "knowledge folder not found" in err
    (tmp_path / ".env").write_text("not an assignment\n", encoding="utf-8")
    code, _, err = run("check")
    assert code == 2 and ".env, line 1" in err and "Traceback" not in err


def test_chat_keeps_history_and_commands() -> None:
    stdin = "What is generative AI?\nexamples?\n/compare\n/help\nquit\nnever read\n"
    code, out, _ = run("chat", stdin=stdin)
    assert code == 0
    assert "ChatGPT or Claude" in out  # the follow-up resolved to GenAI examples
    assert "Primary Goal" in out and "/compare" in out
    assert out.rstrip().endswith("Bye!") and "never read" not in out


def test_chat_ends_on_end_of_input() -> None:
    code, out, _ = run("chat", stdin="hello\n")
    assert code == 0 and "Hi!" in out


def test_help_and_unknown_command() -> None:
    code, out, _ = run()
    assert code == 2 and "ask" in out and "chat" in out
    code, _, _ = run("frobnicate")
    assert code == 2
    code, _, _ = run("--version")
    assert code == 0


def test_version_names_the_package_discord_py_and_python() -> None:
    import platform

    from bot.__main__ import version_line

    line = version_line()
    assert line.startswith("mlgenai-bot 0.1.0 (discord.py ")
    assert line.endswith(f"Python {platform.python_version()})")


def test_console_mode_does_not_import_discord() -> None:
    """The console (and the core) never load discord.py."""
    script = (
        "import sys, io; from bot.__main__ import main; "
        "main(['ask', 'hi'], io.StringIO(), io.StringIO(), io.StringIO()); "
        "print('discord' in sys.modules)"
    )
    out = subprocess.run(  # noqa: S603 - our own interpreter and script
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "False"


def test_format_reply_wraps_for_a_terminal() -> None:
    from bot.cli import format_reply
    from bot.engine import Engine

    engine = Engine.load()
    reply = engine.ask("What are some examples of generative AI?")
    wrapped = format_reply(reply, engine, width=50)
    assert all(len(line) <= 50 for line in wrapped.splitlines())
    assert "\n  " in wrapped  # a long bullet continues indented under itself
    assert format_reply(reply, engine) == format_reply(reply, engine, None)
    assert " ".join(wrapped.split()) == " ".join(format_reply(reply, engine).split())

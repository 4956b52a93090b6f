"""The console and the store: ask and chat record, kb gaps reads, --no-store is off."""

from __future__ import annotations

import csv
import io
import os
import sqlite3
from pathlib import Path

import pytest

from bot.__main__ import main
from tests.pgserver import free_port

PRICE = ("How much does ChatGPT cost?", "What is the price of ChatGPT?", "ChatGPT pricing?")


def run(*argv: str, stdin: str = "") -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), stdin=io.StringIO(stdin), stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def stored_questions() -> list[str]:
    path = Path(os.environ["DATA_DIR"]) / "bot.sqlite3"
    if not path.exists():
        return []
    with sqlite3.connect(path) as conn:
        return [r[0] for r in conn.execute("SELECT question FROM answers ORDER BY created_at")]


def test_ask_and_chat_record_and_kb_gaps_groups_three_wordings(tmp_path: Path) -> None:
    for question in PRICE[:2]:
        assert run("ask", question)[0] == 0
    code, out, _ = run("chat", stdin=f"{PRICE[2]}\nWho invented ChatGPT?\nWhat is ML?\nquit\n")
    assert code == 0 and "bot>" in out
    assert set(PRICE) <= set(stored_questions())
    target = tmp_path / "gaps.csv"
    code, out, err = run("kb", "gaps", "--since", "7d", "--csv", str(target))
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0].startswith("2 topic(s) from 4 flagged question(s) in the last 7 day(s)")
    assert "×3" in lines[1] and "3 declined" in lines[1]
    assert "×1" in lines[2] and "invented" in lines[2]
    rows = list(csv.DictReader(target.open(encoding="utf-8")))
    assert len(rows) == 4
    assert {r["question"] for r in rows if r["topic"] == "1"} == set(PRICE)
    assert {r["topic_count"] for r in rows if r["topic"] == "1"} == {"3"}
    assert all(r["flag"] == "declined" and r["kind"] == "refusal" for r in rows)


def test_no_store_and_store_questions_false_record_nothing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert run("ask", "--no-store", PRICE[0])[0] == 0
    assert run("chat", "--no-store", stdin=f"{PRICE[1]}\n")[0] == 0
    assert stored_questions() == []
    monkeypatch.setenv("STORE_QUESTIONS", "false")
    assert run("ask", PRICE[0])[0] == 0
    assert stored_questions() == []
    code, _, err = run("kb", "gaps")
    assert code == 1 and err.strip() == "error: nothing is stored: STORE_QUESTIONS=false"


def test_jsonl_batches_are_recorded() -> None:
    batch = '{"question": "Who invented ChatGPT?"}\n{"question": "What is ML?"}\n'
    assert run("ask", "--jsonl", stdin=batch)[0] == 0
    assert stored_questions() == ["Who invented ChatGPT?", "What is ML?"]


def test_a_database_that_is_down_does_not_stop_the_answer(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("DATABASE_URL", f"postgresql://bot@127.0.0.1:{free_port()}/bot")
    code, out, err = run("ask", "What is machine learning?")
    assert code == 0 and "Source:" in out
    assert err.strip().splitlines() == [
        "warning: the store could not be reached; 1 question(s) were not recorded"
    ]
    code, _, err = run("kb", "gaps")
    assert code == 1 and err.startswith("error: store: the database is unreachable")
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1


def test_kb_gaps_bad_input_is_one_line() -> None:
    assert run("kb", "gaps", "--since", "soon")[0] == 2
    code, _, err = run("kb", "gaps", "--limit", "0")
    assert code == 2 and err.strip() == "error: --limit must be at least 1"
    code, out, _ = run("kb", "gaps")
    assert code == 0 and out.strip() == (
        "No declined, unsure or down-rated answers in the last 7 day(s)."
    )

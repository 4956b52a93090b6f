"""Clustering flagged questions into topics, the report and the CSV (pure functions)."""

from __future__ import annotations

import csv
import io
import time

import pytest

from bot.engine import Engine
from bot.store.gaps import cluster, parse_period, report, to_csv
from bot.store.store import Flagged


def flagged(question: str, kind: str = "refusal", downvotes: int = 0, n: int = 0) -> Flagged:
    return Flagged(f"id{n}", time.time() + n, question, kind, None, downvotes, ())


@pytest.fixture(scope="module")
def terms() -> object:
    engine = Engine.load()
    return lambda q: engine.tokenizer.tokenize(q, correct=True)


def test_wordings_of_one_topic_make_one_line(terms: object) -> None:
    items = [
        flagged("How much does ChatGPT cost?", n=1),
        flagged("Who invented ChatGPT?", n=2),
        flagged("What is the price of ChatGPT per month?", n=3),
        flagged("ChatGPT pricing?", n=4),
        flagged("What is ML?", kind="answer", downvotes=2, n=5),
    ]
    gaps = cluster(items, terms)  # type: ignore[arg-type]
    assert [g.count for g in gaps] == [3, 1, 1]
    assert {i.answer_id for i in gaps[0].items} == {"id1", "id3", "id4"}
    assert "chatgpt" in gaps[0].terms and "price" in gaps[0].terms
    text = report(gaps, 7, 2)
    assert (
        text.splitlines()[0]
        == "3 topic(s) from 5 flagged question(s) in the last 7 day(s); the top 2:"
    )
    assert len(text.splitlines()) == 3
    assert "1 rated down" in report(gaps, 7, 5)


def test_questions_without_content_terms_group_by_wording() -> None:
    gaps = cluster([flagged("??", n=1), flagged("??", n=2), flagged("!!", n=3)], lambda q: [])
    assert [g.count for g in gaps] == [2, 1]


def test_the_csv_parses_and_defuses_formulas() -> None:
    gaps = cluster([flagged("=HYPERLINK(1)", n=1), flagged("plain, with a comma", n=2)], str.split)
    rows = list(csv.DictReader(io.StringIO(to_csv(gaps))))
    assert {r["question"] for r in rows} == {"'=HYPERLINK(1)", "plain, with a comma"}
    assert {r["flag"] for r in rows} == {"declined"}


def test_periods() -> None:
    assert [parse_period(p) for p in ("7d", "2w", "30", " 1d ")] == [7, 14, 30, 1]
    for bad in ("", "soon", "0d", "99999d"):
        with pytest.raises(ValueError):
            parse_period(bad)

"""The engine on knowledge bases other than the shipped article.

``kb_faq`` is a one-subject community FAQ, ``kb_tea`` compares two other
things. Each comes with its own question set (same format as the grader's):
nothing in the engine may assume the article's subjects or wording.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.cli import own_question_misses
from bot.engine import Engine

DATA = Path(__file__).resolve().parents[1] / "data"
KINDS = {
    "in_scope": {"answer", "compare"},
    "compare": {"compare"},
    "refusal": {"refusal"},
    "help": {"help", "smalltalk"},
}
MAX_CHARS = {"in_scope": 800, "compare": 2000, "refusal": 800, "help": 1500}
# The question sets were written from the knowledge bases' text by someone who
# had not seen the engine; a few of their wordings use words neither the text nor
# the keywords have ("wake me up" for caffeine). Measured: see the closing note.
MIN_SHARE = 0.85


def _grade(engine: Engine, section: str, i: int, item: Any) -> str | None:
    if isinstance(item, str):
        item = {"q": item}
    turns = item.get("turns") or [item["q"]]
    for turn in turns:
        reply = engine.ask(turn, f"{section}-{i}")
    if reply.kind not in KINDS[section]:
        return f"{turns}: kind {reply.kind}"
    if len(reply.text) > MAX_CHARS[section]:
        return f"{turns}: {len(reply.text)} characters"
    for fact in item.get("facts", []):
        if not any(re.search(alt, reply.text, re.I) for alt in fact):
            return f"{turns}: missing {fact}"
    return None


@pytest.fixture(params=["kb_faq", "kb_tea"])
def other(request: pytest.FixtureRequest) -> tuple[Engine, dict[str, Any]]:
    folder = DATA / request.param
    questions = yaml.safe_load((folder / "questions.yaml").read_text(encoding="utf-8"))
    return Engine.load(folder), questions


def test_own_question_set(other: tuple[Engine, dict[str, Any]]) -> None:
    engine, questions = other
    report = []
    for section, items in questions.items():
        failures = [w for i, it in enumerate(items) if (w := _grade(engine, section, i, it))]
        share = 1 - len(failures) / len(items)
        if share < MIN_SHARE:
            report.append(f"{section}: {share:.0%}\n  " + "\n  ".join(failures))
    assert not report, "\n".join(report)


def test_own_example_questions_find_their_passage(other: tuple[Engine, dict[str, Any]]) -> None:
    engine, _ = other
    assert own_question_misses(engine) == []


def test_replies_name_their_own_subjects(other: tuple[Engine, dict[str, Any]]) -> None:
    engine, questions = other
    kb = engine.kb
    texts = [engine.help().text, engine.ask("hi").text, engine.topics().text]
    for items in questions.values():
        for item in items:
            q = item if isinstance(item, str) else (item.get("q") or item["turns"][-1])
            texts.append(engine.ask(q).text)
    for text in texts:
        assert "Machine Learning" not in text and "Generative AI" not in text, text
    assert kb.name in engine.help().text and kb.name in engine.ask("hello").text


def test_tea_follow_up_switches_subject() -> None:
    engine = Engine.load(DATA / "kb_tea")
    first = engine.ask("what is tea?", "c")
    assert first.sources[0].passage_id == "tea-definition"
    second = engine.ask("and coffee?", "c")
    assert second.sources[0].passage_id == "coffee-definition"
    other = engine.ask("what about the other one?", "c")
    assert other.sources[0].passage_id == "tea-definition"


def test_tea_row_is_labelled_with_its_subjects() -> None:
    engine = Engine.load(DATA / "kb_tea")
    reply = engine.compare("caffeine")
    assert reply.kind == "compare"
    assert [c.label for c in reply.rows[0].cells] == ["Tea", "Coffee"]
    assert "• Tea:" in reply.text and "• Coffee:" in reply.text
    one_side = engine.ask("how much caffeine does coffee have?")
    assert one_side.text.startswith("Caffeine — Coffee:"), one_side.text


def test_faq_without_a_table() -> None:
    engine = Engine.load(DATA / "kb_faq")
    assert engine.compare().kind == "refusal"
    assert "/compare" not in engine.help().text
    reply = engine.ask("When is the weekly challenge?")
    assert reply.kind == "answer" and "Friday" in reply.text
    refused = engine.ask("who invented pixel art?")
    assert refused.kind == "refusal" and refused.text.startswith("The FAQ doesn't say")

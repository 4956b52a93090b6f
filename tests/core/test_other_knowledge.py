"""The engine on knowledge bases other than the shipped article.

``kb_faq`` is a one-subject community FAQ, ``kb_tea`` compares two other
things. Each comes with its own question set (same format as the grader's):
nothing in the engine may assume the article's subjects or wording.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.engine import Engine
from bot.kbcheck import own_question_misses
from tests.core.grading import failures_by_section

DATA = Path(__file__).resolve().parents[1] / "data"
MIN_SHARE = 0.85


@pytest.fixture(params=["kb_faq", "kb_tea", "kb_solar"])
def other(request: pytest.FixtureRequest) -> tuple[Engine, dict[str, Any]]:
    folder = DATA / request.param
    questions = yaml.safe_load((folder / "questions.yaml").read_text(encoding="utf-8"))
    return Engine.load(folder), questions


def test_own_question_set(other: tuple[Engine, dict[str, Any]]) -> None:
    engine, questions = other
    report = [
        f"{section}: {len(failed)} of {len(questions[section])} failed\n  " + "\n  ".join(failed)
        for section, failed in failures_by_section(engine, questions).items()
        if len(failed) > (1 - MIN_SHARE) * len(questions[section])
    ]
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


def test_how_is_it_different_from_the_other_compares_the_two() -> None:
    engine = Engine.load(DATA / "kb_tea")
    engine.ask("tell me about tea", "c")
    reply = engine.ask("how is it different from coffee?", "c")
    assert reply.kind == "compare" and "• Tea:" in reply.text and "• Coffee:" in reply.text


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


def test_why_gives_the_reason_the_last_passage_states() -> None:
    engine = Engine.load(DATA / "kb_solar")
    engine.ask("do taller wind turbines capture more energy?", "c")
    reason = engine.ask("why?", "c")
    assert reason.kind == "answer"
    assert reason.text.startswith("Because wind is stronger and steadier"), reason.text

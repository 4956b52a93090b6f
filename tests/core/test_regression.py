"""The project's own question sets, graded: every section must reach 95%.

``regression.yaml`` is what the engine was tuned on; ``holdout.yaml`` was
written before tuning against it, to catch changes that only fit the first.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.engine import Engine
from tests.core.grading import failures_by_section

DATA = Path(__file__).resolve().parents[1] / "data"
MAX_CHARS = {"answer": 800, "compare": 2000, "refusal": 800, "help": 1500, "smalltalk": 1500}


def grade(engine: Engine, section: str, index: int, case: dict[str, Any]) -> str | None:
    turns = case.get("turns") or [case["q"]]
    key = f"{section}-{index}"
    reply = None
    for turn in turns:
        reply = engine.ask(turn, key)
    assert reply is not None
    kinds = case["kind"] if isinstance(case["kind"], list) else [case["kind"]]
    if reply.kind not in kinds:
        return f"kind {reply.kind}"
    if len(reply.text) > MAX_CHARS[reply.kind]:
        return f"{len(reply.text)} characters"
    if case.get("source"):
        first = reply.sources[0].passage_id if reply.sources else None
        if first not in case["source"]:
            return f"source {first}"
    for fact in case.get("facts", []):
        if not any(re.search(alt, reply.text, re.I) for alt in fact):
            return f"missing {fact}"
    return None


@pytest.mark.parametrize("name", ["regression.yaml", "holdout.yaml", "holdout2.yaml"])
def test_question_set(name: str) -> None:
    engine = Engine.load()
    data = yaml.safe_load((DATA / name).read_text(encoding="utf-8"))
    report = []
    for section, cases in data.items():
        failures = []
        for i, case in enumerate(cases):
            why = grade(engine, section, i, case)
            if why:
                failures.append(f"  {case.get('turns') or case['q']}: {why}")
        rate = 1 - len(failures) / len(cases)
        if rate < 0.95:
            report.append(f"{section}: {rate:.0%}\n" + "\n".join(failures))
    assert not report, "\n".join(report)


# The share of each section that must pass. paraphrase-f.yaml is held lower: its
# questions reword the article heavily ("make up new stuff" for "create new
# content"), which lexical retrieval meets only through synonyms; it measures
# where the engine stands on them, and a change that loses ground fails here.
TUNING_SETS = [
    ("chat-a.yaml", 0.9),
    ("mixed-b.yaml", 0.9),
    ("terse-c.yaml", 0.9),
    ("course-d.yaml", 0.9),
    ("public-e.yaml", 0.9),
    ("paraphrase-f.yaml", 0.75),
]


@pytest.mark.parametrize(("name", "min_share"), TUNING_SETS)
def test_tuning_set(name: str, min_share: float) -> None:
    """Sets written blind by others, now tuned on: each section at ``min_share`` or more."""
    engine = Engine.load()
    data = yaml.safe_load((DATA / "tuning" / name).read_text(encoding="utf-8"))
    report = [
        f"{section}: {len(failed)} of {len(data[section])} failed\n  " + "\n  ".join(failed)
        for section, failed in failures_by_section(engine, data).items()
        if len(failed) > round((1 - min_share) * len(data[section]), 6)
    ]
    assert not report, "\n".join(report)

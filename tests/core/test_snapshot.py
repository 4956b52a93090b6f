"""The engine gives exactly the replies recorded in ``tests/data/replies.json``.

Work on the engine's speed must not change what it says: every question set
in the repository is asked again and each reply compared with the snapshot
(see ``snapshot.py`` for what it holds and how to regenerate it).
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.core.snapshot import SNAPSHOT, snapshot


@pytest.fixture(scope="module")
def recorded() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(SNAPSHOT.read_text(encoding="utf-8"))
    return data


@pytest.fixture(scope="module")
def current() -> dict[str, Any]:
    # Through JSON, so rounding and tuples compare as stored.
    data: dict[str, Any] = json.loads(json.dumps(snapshot(), ensure_ascii=False))
    return data


def test_same_question_sets(recorded: dict[str, Any], current: dict[str, Any]) -> None:
    assert sorted(current) == sorted(recorded)


def test_snapshot_covers_every_kind_of_reply(recorded: dict[str, Any]) -> None:
    kinds = {r["kind"] for s in recorded.values() for case in s["replies"] for r in case["replies"]}
    assert kinds == {"answer", "compare", "refusal", "help", "smalltalk"}


def test_same_replies(recorded: dict[str, Any], current: dict[str, Any]) -> None:
    changed = [
        (name, case["turns"])
        for name in recorded
        for case, now in zip(recorded[name]["replies"], current[name]["replies"], strict=True)
        if case != now
    ]
    assert not changed, f"{len(changed)} replies changed, first: {changed[:3]}"
    assert current == recorded


def test_same_autocomplete(recorded: dict[str, Any], current: dict[str, Any]) -> None:
    for name in recorded:
        assert current[name]["suggest"] == recorded[name]["suggest"], name

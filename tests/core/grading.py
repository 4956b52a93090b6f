"""Grading of question sets in the format of ``../shared/eval/grade.py``.

Sections name the reply kind expected (``in_scope``, ``compare``, ``refusal``,
``help``); a case is a question or a conversation (``turns``, the last one
graded) with ``facts``: lists of regular expressions, one of each must match.
"""

from __future__ import annotations

import re
from typing import Any

from bot.engine import Engine

KINDS = {
    "in_scope": {"answer", "compare"},
    "compare": {"compare"},
    "refusal": {"refusal"},
    "help": {"help", "smalltalk"},
}
MAX_CHARS = {"in_scope": 800, "compare": 2000, "refusal": 800, "help": 1500}


def grade_case(engine: Engine, key: str, section: str, item: Any) -> str | None:
    """Why one case fails (None when it passes); its turns share the conversation ``key``."""
    if isinstance(item, str):
        item = {"q": item}
    turns = item.get("turns") or [item["q"]]
    for turn in turns:
        reply = engine.ask(turn, key)
    if reply.kind not in KINDS[section]:
        return f"{turns}: kind {reply.kind}"
    if len(reply.text) > MAX_CHARS[section]:
        return f"{turns}: {len(reply.text)} characters"
    for fact in item.get("facts", []):
        if not any(re.search(alt, reply.text, re.I) for alt in fact):
            return f"{turns}: missing {fact}"
    return None


def failures_by_section(engine: Engine, data: dict[str, list[Any]]) -> dict[str, list[str]]:
    """Each section's failures, in order."""
    return {
        section: [
            why
            for i, item in enumerate(items)
            if (why := grade_case(engine, f"{section}-{i}", section, item))
        ]
        for section, items in data.items()
    }

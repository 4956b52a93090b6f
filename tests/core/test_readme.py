"""The README's example conversation, run turn by turn against the engine."""

from __future__ import annotations

import re
from pathlib import Path

from bot.cli import format_reply
from bot.engine import Engine

README = Path(__file__).resolve().parents[2] / "README.md"


def _conversation() -> list[tuple[str, str]]:
    """The (question, reply) pairs of the first ``text`` block under "What to ask"."""
    section = README.read_text(encoding="utf-8").split("## What to ask", 1)[1]
    block = section.split("```text\n", 1)[1].split("```", 1)[0]
    turns: list[tuple[str, list[str]]] = []
    for line in block.splitlines():
        if line.startswith("you> "):
            turns.append((line[5:], []))
        elif line.startswith("bot> "):
            turns[-1][1].append(line[5:])
        else:
            turns[-1][1].append(line.strip())
    return [(q, " ".join(reply)) for q, reply in turns]


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def test_readme_conversation_runs_turn_by_turn(engine: Engine) -> None:
    turns = _conversation()
    assert len(turns) >= 5
    for question, shown in turns:
        reply = engine.ask(question, "readme")
        assert _flat(format_reply(reply, engine)) == _flat(shown), question

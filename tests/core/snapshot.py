"""Every reply the engine gives to every question set in the repository, as JSON.

The question sets are the repository's own: ``tests/data/*.yaml`` and
``tests/data/tuning/*.yaml`` (about the shipped knowledge base), each test
knowledge base's ``questions.yaml``, and the example questions of every
passage and the suggested questions of every knowledge base (shipped and test
ones). Each case is one question or a conversation (``turns``); every turn's
reply is recorded in full: kind, text, sources (ids, sections, titles and
scores rounded to 6 decimals), rows, suggestions, question and title. Autocomplete
is recorded too, for prefixes of every example question.

``test_snapshot.py`` compares the engine with the stored snapshot, so a change
meant to make the engine faster can show it changes no reply. After a change
meant to change replies, regenerate it and review the diff::

    .venv/bin/python -m tests.core.snapshot
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

from bot.engine import Engine
from bot.knowledge import DEFAULT_PATH, KnowledgeBase, load
from bot.models import Reply

DATA = Path(__file__).resolve().parent.parent / "data"
SNAPSHOT = DATA / "replies.json"
SCORE_DECIMALS = 6
SUGGESTIONS = 10


def _cases(data: Any) -> Iterator[list[str]]:
    """Each case of a question set, as its list of turns (any section, any nesting)."""
    if isinstance(data, str):
        yield [data]
    elif isinstance(data, list):
        for item in data:
            yield from _cases(item)
    elif isinstance(data, dict):
        if "turns" in data:
            yield [str(t) for t in data["turns"]]
        elif "q" in data:
            yield [str(data["q"])]
        else:
            for value in data.values():
                if isinstance(value, (list, dict)):
                    yield from _cases(value)


def _kb_questions(kb: KnowledgeBase) -> list[list[str]]:
    """The knowledge base's own example and suggested questions, one case each."""
    questions = [*kb.suggested_questions, *(q for p in kb.passages for q in p.questions)]
    return [[q] for q in dict.fromkeys(questions)]


def question_sets() -> dict[str, tuple[Path, list[list[str]]]]:
    """Name -> (knowledge base folder, cases), for every question set in the repository."""
    sets: dict[str, tuple[Path, list[list[str]]]] = {}
    shipped = [*sorted(DATA.glob("*.yaml")), *sorted((DATA / "tuning").glob("*.yaml"))]
    for path in shipped:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        sets[str(path.relative_to(DATA))] = (DEFAULT_PATH, list(_cases(data)))
    sets["knowledge/questions"] = (DEFAULT_PATH, _kb_questions(load(DEFAULT_PATH)))
    for folder in sorted(p for p in DATA.glob("kb_*") if p.is_dir()):
        questions = folder / "questions.yaml"
        if questions.is_file():
            data = yaml.safe_load(questions.read_text(encoding="utf-8"))
            sets[f"{folder.name}/questions.yaml"] = (folder, list(_cases(data)))
        sets[f"{folder.name}/questions"] = (folder, _kb_questions(load(folder)))
    return sets


def reply_json(reply: Reply) -> dict[str, Any]:
    """A reply as plain JSON, scores rounded so that only real changes show."""
    return {
        "kind": reply.kind,
        "text": reply.text,
        "sources": [
            [s.passage_id, s.section, s.title, round(s.score, SCORE_DECIMALS)]
            for s in reply.sources
        ],
        "rows": [r.id for r in reply.rows],
        "suggestions": list(reply.suggestions),
        "question": reply.question,
        "title": reply.title,
    }


def _prefixes(question: str) -> list[str]:
    """What a user has typed on the way to ``question``: its first word, half, all but one."""
    first = question.split(" ", 1)[0]
    return list(dict.fromkeys([question[:3], first, question[: len(question) // 2], question[:-1]]))


def snapshot() -> dict[str, Any]:
    """Every question set's replies, and autocomplete for its first questions."""
    engines: dict[Path, Engine] = {}
    out: dict[str, Any] = {}
    for name, (folder, cases) in question_sets().items():
        engine = engines.get(folder)
        if engine is None:
            engine = engines[folder] = Engine.load(folder)
        replies = []
        for i, turns in enumerate(cases):
            key = f"{name}#{i}"
            replies.append(
                {"turns": turns, "replies": [reply_json(engine.ask(t, key)) for t in turns]}
            )
        typed = {
            prefix: engine.suggest(prefix, SUGGESTIONS)
            for turns in cases
            for prefix in _prefixes(turns[-1])
        }
        out[name] = {"replies": replies, "suggest": typed}
    return out


def main() -> int:
    """Write the snapshot (``tests/data/replies.json``)."""
    SNAPSHOT.write_text(
        json.dumps(snapshot(), indent=1, ensure_ascii=False, sort_keys=True) + "\n",
        encoding="utf-8",
    )
    print(f"wrote {SNAPSHOT}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

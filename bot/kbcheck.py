"""``kb check``: everything wrong with a knowledge base, entry by entry.

Errors stop the knowledge base from being served as it is: the schema (every
problem the loader finds, each with file, line and entry), ids, empty text,
the table's shape, links between entries that lead nowhere, an example question
given by two entries, and an entry's own example question that finds another
entry first (users asking that way would get the other answer). Warnings name
weak entries that still work: no example questions, text too short to stand
alone, or too long to show whole.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from bot.compose import MAX_ANSWER_CHARS
from bot.engine import Engine
from bot.knowledge import KnowledgeBase, KnowledgeError, load

MIN_WORDS = 8  # a passage shorter than this rarely answers anything alone


@dataclass
class Report:
    """What ``kb check`` found: errors, warnings, and the knowledge base when it loaded."""

    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    kb: KnowledgeBase | None = None


def check(path: str | None) -> Report:
    """Check the knowledge base in ``path`` (``None``: the shipped one)."""
    report = Report()
    try:
        kb = load(path)
        engine = Engine(kb)  # builds the index, which checks what the loader cannot
    except KnowledgeError as exc:
        report.errors.extend(exc.problems)
        return report
    report.kb = kb
    report.errors.extend(broken_links(kb))
    report.errors.extend(duplicate_questions(kb))
    report.errors.extend(own_question_misses(engine))
    report.warnings.extend(weak_entries(kb))
    return report


def broken_links(kb: KnowledgeBase) -> list[str]:
    """Links to entries (``related:`` ids, relative ``.md`` links) that lead nowhere."""
    ids = {p.id for p in kb.passages} | {r.id for r in kb.table}
    problems = []
    for link in kb.links:
        if link.path is None and link.target not in ids:
            problems.append(f"{link.where}: related entry '{link.target}' does not exist")
        elif link.path is not None and not link.path.is_file():
            problems.append(f"{link.where}: the link to '{link.target}' leads to no file")
    return problems


def _normal(question: str) -> str:
    return " ".join(re.findall(r"\w+", question.lower()))


def duplicate_questions(kb: KnowledgeBase) -> list[str]:
    """Example questions that two entries both give (one of them can never be found first)."""
    owner: dict[str, str] = {}
    problems = []
    for passage in kb.passages:
        for question in passage.questions:
            key = _normal(question)
            first = owner.setdefault(key, passage.id)
            if first != passage.id:
                problems.append(
                    f"{kb.origin(passage.id)}, passage '{passage.id}': the example question "
                    f"“{question}” is also passage '{first}'s ({kb.origin(first)})"
                )
    return problems


def own_question_misses(engine: Engine) -> list[str]:
    """Each passage's example questions that do not find that passage first."""
    kb = engine.kb
    problems = []
    for passage in kb.passages:
        for question in passage.questions:
            reply = engine.ask(question)
            first = reply.sources[0].passage_id if reply.sources else None
            if first != passage.id:
                got = f"passage '{first}'" if first else f"a reply of kind {reply.kind}"
                problems.append(
                    f"{kb.origin(passage.id)}, passage '{passage.id}': "
                    f"its question “{question}” finds {got} first"
                )
    return problems


def weak_entries(kb: KnowledgeBase) -> list[str]:
    """Entries that work but answer poorly: no example questions, too short, too long."""
    problems = []
    for passage in kb.passages:
        where = f"{kb.origin(passage.id)}, passage '{passage.id}'"
        if not passage.questions:
            problems.append(f"{where}: no example questions (add how people would ask for it)")
        words = len(passage.text.split())
        if words < MIN_WORDS:
            problems.append(f"{where}: only {words} words, too short to answer alone")
        if len(passage.text) > MAX_ANSWER_CHARS:
            problems.append(
                f"{where}: {len(passage.text)} characters, longer than an answer shows "
                f"({MAX_ANSWER_CHARS}); split it with '##' headings"
            )
    return problems

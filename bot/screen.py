"""Whether any of several regular expressions matches a text, answered faster.

The language's cue lists ("what can you do", "how do I use you", ...) are only
ever asked "does any of these match?". One alternation of them answers that,
and :class:`AnyOf` gives the same answer at less cost, two ways:

* Its alternation groups the patterns by how they start. Most start with
  ``\\b``; kept together, the regex parser factors that out and tests it once
  at each character for all of them, where one pattern starting otherwise
  (``^help$``) among them made it test every pattern at every character: the 26
  help cues took 32 us on a one-line question, 9 us grouped. The order of the
  alternatives does not change whether one matches.
* On a long text (a 2,000-character message's last 80 words), where every
  pattern tried costs in proportion to the text, it first looks up, for each
  pattern, a set of literal strings one of which every match of it contains
  ("commands"; or one of "do" and "can"), read once from the pattern with the
  standard library's own regex parser. A match lies in the text, so a pattern
  none of whose strings is there cannot match, and only the others are run. A
  pattern it cannot read so (case-insensitive, with nothing literal) is always
  run; with a back-reference or a flag for the whole alternation in any of
  them, the plain alternation is.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Sequence
from typing import Any


def _stdlib(name: str, old_name: str) -> Any:
    """The standard library's regex parser module (renamed in Python 3.11)."""
    try:
        return importlib.import_module(name)
    except ImportError:  # pragma: no cover - Python 3.10
        return importlib.import_module(old_name)


sre_parse = _stdlib("re._parser", "sre_parse")
sre_constants = _stdlib("re._constants", "sre_constants")
Needles = frozenset[str]  # one of these strings is in every match
# Texts screened from this length on (characters): below it, looking the strings up
# costs about what the grouped alternation does (measured on the question sets).
LONG_TEXT = 100
UNIONS_KEPT = 256  # alternations of the patterns a text may match, kept once compiled

_REPEATS = {
    op
    for name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT")
    if (op := getattr(sre_constants, name, None)) is not None
}
_ATOMIC = getattr(sre_constants, "ATOMIC_GROUP", None)  # Python 3.11+


def _sequence(items: Any) -> list[Needles]:
    """The needle sets of a parsed sequence: every one of them holds in any match."""
    out: list[Needles] = []
    run: list[str] = []
    for op, av in items:
        if op is sre_constants.LITERAL:
            run.append(chr(av))
            continue
        if run:
            out.append(frozenset({"".join(run)}))
            run = []
        out += _item(op, av)
    if run:
        out.append(frozenset({"".join(run)}))
    return out


def _item(op: Any, av: Any) -> list[Needles]:
    """The needle sets of one parsed item other than a literal character."""
    if op is sre_constants.SUBPATTERN:
        _group, add_flags, _del_flags, items = av
        return [] if add_flags & re.IGNORECASE else _sequence(items)
    if _ATOMIC is not None and op is _ATOMIC:  # "(?>...)": its items
        return _sequence(av)
    if op in _REPEATS:
        low, _high, items = av
        return _sequence(items) if low >= 1 else []
    if op is sre_constants.BRANCH:
        alternatives = [_best(_sequence(items)) for items in av[1]]
        if any(a is None for a in alternatives):
            return []
        return [frozenset().union(*(a for a in alternatives if a is not None))]
    if op is sre_constants.IN and all(o is sre_constants.LITERAL for o, _ in av):
        return [frozenset(chr(c) for _, c in av)]  # a set of characters: one of them
    return []  # anchors, classes, look-arounds: nothing that must be in the text


def _best(sets: list[Needles]) -> Needles | None:
    """The most telling of ``sets`` (its shortest string longest), or None."""
    return max(sets, key=lambda s: (min(map(len, s)), -len(s)), default=None)


# Back-references ("\\1", "(?P=name)", "(?(1)...)"): a group's number in one pattern is
# another in the alternation, so an alternation holding one is run as it is.
_ANCHORS = ("\\b", "^")  # how most cue patterns start: a word boundary, the text's start
_BACK_REFERENCE = re.compile(r"\\[1-9]|\(\?P=|\(\?\(")


def needles(pattern: str) -> Needles | None:
    """The most telling set of strings one of which is in every match of ``pattern``
    (its shortest string longest); None when the pattern cannot be read so."""
    parsed = sre_parse.parse(pattern)
    if parsed.state.flags & re.IGNORECASE:
        return None
    return _best(_sequence(parsed))


def _alternation(patterns: Sequence[re.Pattern[str]]) -> re.Pattern[str]:
    """One alternation of ``patterns``, those that start the same way (``\\b``, ``^``)
    grouped together (see the module)."""
    groups: dict[str, list[str]] = {}
    for p in patterns:
        start = next((a for a in _ANCHORS if p.pattern.startswith(a)), "")
        groups.setdefault(start, []).append(f"(?:{p.pattern})")
    parts = [
        "|".join(members) if not start or len(members) == 1 else "(?:" + "|".join(members) + ")"
        for start, members in groups.items()
    ]
    return re.compile("|".join(parts) or "(?!)")


class AnyOf:
    """Whether any of ``patterns`` matches somewhere in a text (see the module)."""

    def __init__(self, patterns: Sequence[re.Pattern[str]]) -> None:
        self.pattern = "|".join(f"(?:{p.pattern})" for p in patterns)
        plain = re.compile(self.pattern or "(?!)")  # no pattern: one that never matches
        # Flags set for the whole alternation (an inline "(?i)"), or a back-reference:
        # the patterns regrouped or alone would not be what they are in the alternation.
        whole = plain.flags != re.compile("").flags or bool(_BACK_REFERENCE.search(self.pattern))
        self.union = plain if whole else _alternation(patterns)
        screened: list[tuple[Needles, re.Pattern[str]]] = []
        rest: list[re.Pattern[str]] = []
        for p in patterns:
            found = None if whole else needles(p.pattern)
            if found is None:
                rest.append(p)
            else:
                screened.append((found, p))
        self._screened = tuple(screened)
        self._needles = frozenset().union(*(found for found, _ in screened))
        self._rest = tuple(rest)
        self._unions: dict[tuple[int, ...], re.Pattern[str] | None] = {}

    def search(self, text: str) -> bool:
        """Whether the alternation of the patterns finds a match in ``text``."""
        if not self._screened or len(text) < LONG_TEXT:
            return self.union.search(text) is not None
        present = {n for n in self._needles if n in text}
        chosen = tuple(
            i for i, (found, _) in enumerate(self._screened) if not present.isdisjoint(found)
        )
        try:  # one look-up: another thread may clear the cache in between two
            pattern = self._unions[chosen]
        except KeyError:
            pattern = self._union_of(chosen)
        return pattern is not None and pattern.search(text) is not None

    def find(self, text: str) -> str | None:
        """The text the first match of the alternation spans, or None (for a text
        :meth:`search` said matches: it is read once more, in full)."""
        match = self.union.search(text)
        return match.group(0) if match else None

    def _union_of(self, chosen: tuple[int, ...]) -> re.Pattern[str] | None:
        """The alternation of the screened patterns ``chosen`` and of those never
        screened (None when there are none), kept for the next text (a bounded few)."""
        patterns = [self._screened[i][1] for i in chosen] + list(self._rest)
        union = _alternation(patterns) if patterns else None
        if len(self._unions) >= UNIONS_KEPT:
            self._unions.clear()
        self._unions[chosen] = union
        return union


__all__ = ["AnyOf", "needles"]

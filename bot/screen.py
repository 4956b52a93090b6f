"""Whether any of several regular expressions matches a text, answered faster.

The language's cue lists ("what can you do", "how do I use you", ...) are only
ever asked "does any of these match?". One alternation of them answers that,
but Python's regex engine tries every alternative at every character of the
text, and most start with ``\\b``, which gives it nothing to skip ahead with:
about 30 us for the 26 help cues on a one-line question.

:class:`AnyOf` gives the alternation's answer. For a long list it reads each
pattern once (with the standard library's own parser) for a set of literal
strings one of which every match of it contains ("commands"; or one of "do"
and "can"), and at search time runs only the patterns one of whose strings is
in the text: a match lies in the text, so a pattern none of whose strings is
there cannot match. A pattern it cannot read that way (case-insensitive,
nothing literal, or a back-reference in any of them) is always run.
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
# Screened from this many patterns on: below, the needles' look-ups cost about what
# the alternation does (measured: 26 help cues 30 -> 9 us; 4 to 11 cues no faster).
SCREEN_FROM = 16
LONG_TEXT = 100  # characters
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
_BACK_REFERENCE = re.compile(r"\\[1-9]|\(\?P=|\(\?\(")


def needles(pattern: str) -> Needles | None:
    """The most telling set of strings one of which is in every match of ``pattern``
    (its shortest string longest); None when the pattern cannot be read so."""
    parsed = sre_parse.parse(pattern)
    if parsed.state.flags & re.IGNORECASE:
        return None
    return _best(_sequence(parsed))


class AnyOf:
    """Whether any of ``patterns`` matches somewhere in a text (see the module).

    A list of ``SCREEN_FROM`` patterns or more is screened on every text; a shorter
    one on texts of ``LONG_TEXT`` characters or more (a long message's 80 words),
    where each pattern tried costs in proportion to the text, and looking up a few
    strings far less.
    """

    def __init__(self, patterns: Sequence[re.Pattern[str]]) -> None:
        # No pattern: an alternation that never matches.
        self.union = re.compile("|".join(f"(?:{p.pattern})" for p in patterns) or "(?!)")
        self.pattern = self.union.pattern
        # Flags set for the whole alternation (an inline "(?i)"), or a back-reference:
        # each pattern alone would not be what it is within the alternation.
        whole = self.union.flags != re.compile("").flags or _BACK_REFERENCE.search(self.pattern)
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
        self._from = 0 if len(patterns) >= SCREEN_FROM else LONG_TEXT
        self._unions: dict[tuple[int, ...], re.Pattern[str] | None] = {}

    def search(self, text: str) -> bool:
        """Whether the alternation of the patterns finds a match in ``text``."""
        if not self._screened or len(text) < self._from:
            return self.union.search(text) is not None
        present = {n for n in self._needles if n in text}
        chosen = tuple(
            i for i, (found, _) in enumerate(self._screened) if not present.isdisjoint(found)
        )
        unions = self._unions
        pattern = unions[chosen] if chosen in unions else self._union_of(chosen)
        return pattern is not None and pattern.search(text) is not None

    def _union_of(self, chosen: tuple[int, ...]) -> re.Pattern[str] | None:
        """The alternation of the screened patterns ``chosen`` and of those never
        screened (None when there are none), kept for the next text (a bounded few)."""
        patterns = [self._screened[i][1] for i in chosen] + list(self._rest)
        union = re.compile("|".join(f"(?:{p.pattern})" for p in patterns)) if patterns else None
        if len(self._unions) >= UNIONS_KEPT:
            self._unions.clear()
        self._unions[chosen] = union
        return union


__all__ = ["AnyOf", "needles"]

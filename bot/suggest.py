"""Autocomplete: the questions a knowledge base answers, best match for what is typed.

A question's score for the typed text is, in this order: the sum of ``idf + 1``
over the terms they share (in sorted order), plus 10 when the question starts
with the typed text or else 5 when it contains it, plus 1 when one of its words
starts with the last word typed (two letters or more). Questions scoring
nothing are left out; ties go to the question offered first.

Each part is found through an index rather than by reading every question
(which took 546 ms a keystroke at 100,000 passages): the questions holding a
term, the questions in sorted order (those starting with the typed text are one
range of it), the words in sorted order (those starting with the last word
typed are one range, each with its questions), and the questions joined into
one text, searched for the typed text. The result is the same as scoring every
question (``tests/core/test_suggest.py`` checks it against that definition).
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Iterable, Sequence

import numpy as np
import numpy.typing as npt

from bot.text import words

Ints = npt.NDArray[np.int64]
STARTS = 10.0
CONTAINS = 5.0
WORD_PREFIX = 1.0
_END = "\U0010ffff"  # sorts after every character: [p, p + _END) holds what starts with p
_SLACK = 1e-9  # rounding room when comparing bounds of sums of floats
_FEW = 2000  # questions tested one by one before the one-word search takes every word
_SAMPLED = 8192  # scores partitioned whole; more are first bounded by a sample's


def normalized(text: str) -> str:
    """Text as autocomplete compares it: its words, lower case, one space apart."""
    return " ".join(words(text))


def _flat(groups: Iterable[list[int]]) -> tuple[Ints, Ints]:
    """Offsets and concatenated ids of ``groups``, in order."""
    lists = list(groups)
    offsets = np.zeros(len(lists) + 1, dtype=np.int64)
    np.cumsum([len(g) for g in lists], out=offsets[1:])
    ids = np.fromiter((i for g in lists for i in g), dtype=np.int64, count=int(offsets[-1]))
    return offsets, ids


class Suggester:
    """Ranks ``questions`` for typed text, as the module describes."""

    def __init__(
        self,
        questions: Sequence[str],
        tokenize: Callable[[str], Iterable[str]],
        idf: Callable[[str], float],
    ) -> None:
        self.questions = tuple(questions)
        self._idf = idf  # a bound method of the retriever: pickled with it
        self._norms = [normalized(q) for q in self.questions]
        by_term: dict[str, list[int]] = {}
        by_word: dict[str, list[int]] = {}
        for i, (q, norm) in enumerate(zip(self.questions, self._norms, strict=True)):
            for term in dict.fromkeys(tokenize(q)):
                by_term.setdefault(term, []).append(i)
            for word in dict.fromkeys(norm.split()):
                by_word.setdefault(word, []).append(i)
        # Postings as one array and offsets (a few large arrays save and load fast;
        # an array per term does not): term j's questions are ids[offsets[j]:offsets[j + 1]].
        self._term_number = {t: j for j, t in enumerate(by_term)}
        self._term_offsets, self._term_ids = _flat(by_term.values())
        # Words sorted, so that the words starting with a prefix, and their
        # questions, are each one slice.
        self._words = sorted(by_word)
        self._word_offsets, self._word_ids = _flat(by_word[w] for w in self._words)
        self._word_blob = "\n".join(self._words)
        self._word_start_list = _line_starts(self._words)
        order = sorted(range(len(self._norms)), key=self._norms.__getitem__)
        self._sorted_norms = [self._norms[i] for i in order]
        self._sorted_ids = np.asarray(order, dtype=np.int64)
        self._blob = "\n".join(self._norms)
        # Where each question starts in the joined questions: made here and saved (made
        # on first use, it took 15 ms of a keystroke at 100,000 passages).
        self._starts = _question_starts(self._norms)

    def __getstate__(self) -> dict[str, object]:
        state = dict(self.__dict__)
        # Lists made again on load: the joined text's lines, the words' offsets.
        del state["_norms"], state["_sorted_norms"], state["_word_start_list"]
        return state

    def __setstate__(self, state: dict[str, object]) -> None:
        self.__dict__.update(state)
        self._norms = self._blob.split("\n") if self.questions else []
        self._sorted_norms = [self._norms[i] for i in self._sorted_ids.tolist()]
        self._word_start_list = _line_starts(self._words)

    def suggest(self, typed_norm: str, typed_terms: Iterable[str], limit: int) -> list[str]:
        """The ``limit`` best questions for ``typed_norm`` (see :func:`normalized`) and
        its terms."""
        if limit <= 0 or not self.questions:
            return []
        n = len(self.questions)
        score = np.zeros(n)
        weights = []
        for term in sorted(set(typed_terms)):
            j = self._term_number.get(term)
            if j is not None:
                weight = self._idf(term) + 1.0
                weights.append(weight)
                # Postings hold each question once: the same sums as ``score[ids] +=``.
                np.add.at(
                    score, self._term_ids[self._term_offsets[j] : self._term_offsets[j + 1]], weight
                )
        if all(w > 0 for w in weights):
            member = score > 0  # a scatter of every posting again costs more
        else:
            member = np.zeros(n, dtype=np.bool_)
            for term in set(typed_terms):
                j = self._term_number.get(term)
                if j is not None:
                    member[self._term_ids[self._term_offsets[j] : self._term_offsets[j + 1]]] = True
        lo = bisect.bisect_left(self._sorted_norms, typed_norm)
        hi = bisect.bisect_left(self._sorted_norms, typed_norm + _END)
        starting = self._sorted_ids[lo:hi]
        starts = np.zeros(n, dtype=np.bool_)
        starts[starting] = True
        last = typed_norm.split()[-1]
        prefixed = np.zeros(n, dtype=np.bool_)
        if len(last) >= 2:
            w_lo = bisect.bisect_left(self._words, last)
            w_hi = bisect.bisect_left(self._words, last + _END)
            prefixed[self._word_ids[self._word_offsets[w_lo] : self._word_offsets[w_hi]]] = True
        contains = np.zeros(n, dtype=np.bool_)
        if " " not in typed_norm:
            contains |= prefixed  # a word starting with the one word typed contains it
        # Whether a question contains the typed text decides 5 points. It is looked up
        # only where it can change the list: for the questions scoring for another
        # reason whose 5 points could lift them to the limit-th best score, and, when
        # that score is 5 or less, for the first ``limit`` others (which score 5).
        others = member | starts | prefixed
        # Each part added as 0 or its points (not through masks, which cost more): the
        # same sums in the same order as the definition's.
        lower = score + starts * STARTS
        lower += (contains & ~starts) * CONTAINS
        lower += prefixed * WORD_PREFIX
        kth = self._kth_of(lower, others, limit)
        undecided = others & ~starts & ~contains
        # ``lower + 5 >= kth`` with room for rounding (a few more tested exactly).
        maybe = np.flatnonzero(undecided & (lower >= kth - CONTAINS - 2 * _SLACK))
        pure = limit if kth <= CONTAINS + _SLACK else 0
        decided = contains.copy()
        if len(maybe) or pure:
            self._settle(typed_norm, maybe, others, starts, contains, pure)
        # The final scores are ``lower`` but where the lookup found 5 more points:
        # added there in the definition's order (adding 0 changes no sum).
        found = np.flatnonzero(contains & ~decided & ~starts)
        final = lower
        final[found] = (score[found] + CONTAINS) + prefixed[found] * WORD_PREFIX
        score = final
        positive = np.count_nonzero(score > 0)
        if positive > limit:
            # Only the best ``limit`` are sorted: all above the limit-th best score
            # (the same over every question, the best ``limit`` all scoring), then
            # the first of those equal to it, in question order.
            kth = _kth_largest(score, limit)
            above = np.flatnonzero(score > kth)
            chosen = np.concatenate([above, np.flatnonzero(score == kth)[: limit - len(above)]])
        else:
            chosen = np.flatnonzero(score > 0)
        best = chosen[np.lexsort((chosen, -score[chosen]))[:limit]]
        return [self.questions[int(i)] for i in best]

    @staticmethod
    def _kth_of(lower: npt.NDArray[np.float64], others: npt.NDArray[np.bool_], limit: int) -> float:
        """The ``limit``-th best of ``lower`` over ``others`` (-inf if fewer): over every
        question when that is positive (the rest score 0, so the best ``limit`` are
        ``others``), which spares gathering them."""
        if np.count_nonzero(others) < limit:
            return -np.inf
        kth = _kth_largest(lower, limit)
        return kth if kth > 0 else _kth_largest(lower[others], limit)

    def _settle(
        self,
        typed_norm: str,
        maybe: Ints,
        others: npt.NDArray[np.bool_],
        starts: npt.NDArray[np.bool_],
        contains: npt.NDArray[np.bool_],
        pure: int,
    ) -> None:
        """Mark in ``contains`` which of ``maybe`` contain ``typed_norm``, and (at least)
        the first ``pure`` questions containing it that are not ``others``."""
        typed_words = typed_norm.split()
        if len(typed_words) == 1:
            # One word: the few to decide tested one by one, and the first ``pure``
            # others found in the joined questions; else (or when that finds too
            # many that score already) the questions holding a word that contains
            # it, every one.
            if len(maybe) > _FEW or not self._first_containing(
                typed_norm, maybe, others, contains, pure
            ):
                contains[self._with_infix(typed_norm)] = True
            return
        # Several: a question holding them has a word starting with the last typed
        # and every word typed between the first and the last.
        holds = self._with_prefix(typed_words[-1])
        for word in typed_words[1:-1]:
            holds &= self._with_word(word)
        testing = np.zeros(len(self.questions), dtype=np.bool_)
        testing[maybe] = True
        last_maybe = int(maybe[-1]) if len(maybe) else -1
        found = 0
        for i in np.flatnonzero(holds & ~starts & (testing | ~others)).tolist():
            if found >= pure and i > last_maybe:
                break
            if not testing[i] and found >= pure:
                continue
            if typed_norm in self._norms[i]:
                contains[i] = True
                if not others[i]:
                    found += 1

    def _first_containing(
        self,
        text: str,
        maybe: Ints,
        others: npt.NDArray[np.bool_],
        contains: npt.NDArray[np.bool_],
        pure: int,
    ) -> bool:
        """Mark which of ``maybe`` contain ``text``, and the first ``pure`` questions
        containing it that are not ``others``; False if that meant passing more than
        :data:`_FEW` questions that are (``contains`` then holds a part of the answer)."""
        for i in maybe.tolist():
            if text in self._norms[i]:
                contains[i] = True
        if not pure:
            return True
        blob, starts = self._blob, self._starts
        found = passed = 0
        pos = blob.find(text)
        while pos != -1 and found < pure:
            i = int(np.searchsorted(starts, pos, side="right")) - 1
            if others[i]:
                passed += 1
                if passed > _FEW:
                    return False
            else:
                contains[i] = True
                found += 1
            pos = blob.find(text, int(starts[i + 1]) if i + 1 < len(starts) else len(blob))
        return True

    def _with_prefix(self, prefix: str) -> npt.NDArray[np.bool_]:
        """Which questions hold a word starting with ``prefix``."""
        out = np.zeros(len(self.questions), dtype=np.bool_)
        lo = bisect.bisect_left(self._words, prefix)
        hi = bisect.bisect_left(self._words, prefix + _END)
        out[self._word_ids[self._word_offsets[lo] : self._word_offsets[hi]]] = True
        return out

    def _with_word(self, word: str) -> npt.NDArray[np.bool_]:
        """Which questions hold ``word``."""
        out = np.zeros(len(self.questions), dtype=np.bool_)
        j = bisect.bisect_left(self._words, word)
        if j < len(self._words) and self._words[j] == word:
            out[self._word_ids[self._word_offsets[j] : self._word_offsets[j + 1]]] = True
        return out

    def _with_infix(self, text: str) -> Ints:
        """The questions holding a word that contains ``text`` (searched for in the
        joined words, a small fraction of the joined questions)."""
        blob, starts = self._word_blob, self._word_start_list
        chosen = np.zeros(len(self._words), dtype=np.bool_)
        pos = blob.find(text)
        while pos != -1:
            j = bisect.bisect_right(starts, pos) - 1
            chosen[j] = True
            pos = blob.find(text, starts[j + 1] if j + 1 < len(starts) else len(blob))
        return self._word_ids[np.repeat(chosen, np.diff(self._word_offsets))]


def _kth_largest(values: npt.NDArray[np.float64], k: int) -> float:
    """The ``k``-th largest of ``values`` (at least ``k`` of them), partitioning only
    those above a bound when there are many: a sample's ``k``-th largest is at most
    the whole's, so the answer is that bound or lies above it."""
    while len(values) > _SAMPLED and k <= _SAMPLED // 16:
        sample = values[:: len(values) // (_SAMPLED // 8)]
        bound = np.partition(sample, len(sample) - k)[len(sample) - k]
        above = values[values > bound]
        if len(above) < k:
            return float(bound)
        values = above
    return float(np.partition(values, len(values) - k)[len(values) - k])


def _question_starts(norms: Sequence[str]) -> Ints:
    """Where each of ``norms`` starts in them joined by newlines."""
    lengths = np.fromiter((len(n) + 1 for n in norms), np.int64, len(norms))
    return np.concatenate([[0], np.cumsum(lengths)[:-1]]).astype(np.int64)


def _line_starts(lines: Sequence[str]) -> list[int]:
    """Where each of ``lines`` starts in the lines joined by newlines."""
    starts = [0]
    for line in lines[:-1]:
        starts.append(starts[-1] + len(line) + 1)
    return starts

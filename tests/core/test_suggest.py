"""Autocomplete through its indexes gives what scoring every question does."""

from __future__ import annotations

import random
from collections.abc import Callable

import numpy as np
import pytest

from bot.engine import Engine
from bot.suggest import Suggester, _kth_largest, normalized


def _reference(
    questions: list[str],
    tokenize: Callable[[str], list[str]],
    idf: Callable[[str], float],
    typed_norm: str,
    typed_terms: set[str],
    limit: int,
) -> list[str]:
    """The definition (the engine's code before the indexes): every question scored."""
    last = typed_norm.split()[-1]
    scored = []
    for order, q in enumerate(questions):
        norm = normalized(q)
        score = sum(idf(t) + 1.0 for t in sorted(typed_terms & set(tokenize(q))))
        if norm.startswith(typed_norm):
            score += 10.0
        elif typed_norm in norm:
            score += 5.0
        if len(last) >= 2 and any(w.startswith(last) for w in norm.split()):
            score += 1.0
        if score > 0:
            scored.append((-score, order, q))
    scored.sort()
    return [q for _, _, q in scored[:limit]]


def _words_of(text: str) -> list[str]:
    return [w for w in normalized(text).split() if w not in {"what", "is", "the", "how"}]


@pytest.mark.parametrize("size", [50, 3000, 10000])
def test_same_as_scoring_every_question(size: int) -> None:
    """Many ties, common words, prefixes and infixes, one word typed or several."""
    rng = random.Random(size)
    vocabulary = ["ab", "abc", "abd", "b", "ba", "bab", "cab", "dab", "the", "what", "is", "how"]
    questions = [
        " ".join(rng.choices(vocabulary, k=rng.randint(1, 6))).capitalize() + "?"
        for _ in range(size)
    ]
    idf = {w: i / 3 for i, w in enumerate(vocabulary)}.get
    suggester = Suggester(questions, _words_of, lambda t: idf(t) or 0.0)
    typed_texts = ["a", "ab", "what is", "what is a", "b ab", "bab c", "cab dab", "zz", "is the ab"]
    typed_texts += ["bc", "b", "ab ab", "is ab b", "b is the", "s the", "ab x", "x ab"]
    typed_texts += [" ".join(rng.choices(vocabulary, k=rng.randint(1, 3)))[:-1] for _ in range(40)]
    for typed in typed_texts:
        norm = normalized(typed)
        if not norm:
            continue
        for limit in (1, 5, 25):
            expected = _reference(
                questions, _words_of, lambda t: idf(t) or 0.0, norm, set(_words_of(norm)), limit
            )
            assert suggester.suggest(norm, _words_of(norm), limit) == expected, (typed, limit)


def test_shipped_engine_matches_the_definition(shipped_engine: Engine) -> None:
    tok = shipped_engine.tokenizer
    questions = list(shipped_engine.index.suggestions)
    for q in questions[:20]:
        for typed in (q[:1], q[:5], q[: len(q) // 2], q):
            norm = normalized(typed)
            typed_terms = set(tok.tokenize(norm, correct=True))
            expected = _reference(
                questions, tok.tokenize, shipped_engine.retriever.idf, norm, typed_terms, 25
            )
            assert shipped_engine.suggest(typed) == expected, typed


@pytest.mark.parametrize("seed", range(5))
def test_kth_largest_bounded_by_a_sample_is_exact(seed: int) -> None:
    """Many scores, few distinct values (as autocomplete's): the same k-th largest as sorting."""
    rng = np.random.default_rng(seed)
    for n, distinct in ((20_000, 4), (50_000, 40), (100_000, 100_000), (9_000, 2)):
        values = rng.choice(rng.random(distinct) * 20, size=n)
        for k in (1, 3, 25):
            assert _kth_largest(values, k) == np.sort(values)[-k]


def test_terms_weighing_nothing_or_less_match_the_definition() -> None:
    """Weights of 0 or below (which the fast paths for positive weights cannot take)."""
    rng = random.Random(7)
    vocabulary = ["ab", "abc", "b", "ba", "cab", "the", "what", "is"]
    questions = [
        " ".join(rng.choices(vocabulary, k=rng.randint(1, 5))).capitalize() + "?"
        for _ in range(3000)
    ]
    weights = {"ab": -3.0, "abc": -1.0, "b": 0.5, "ba": -0.2, "cab": 2.0}

    def idf(t: str) -> float:
        return weights.get(t, 0.0)

    suggester = Suggester(questions, _words_of, idf)
    for typed in ["ab", "abc", "ab b", "ba", "cab ab", "ab abc", "b", "c", "ab ba cab"]:
        norm = normalized(typed)
        for limit in (1, 5, 25):
            expected = _reference(questions, _words_of, idf, norm, set(_words_of(norm)), limit)
            assert suggester.suggest(norm, _words_of(norm), limit) == expected, (typed, limit)


def test_best_scores_below_zero_match_the_definition() -> None:
    """Fewer questions score above 0 before the contains lookup than are asked for."""
    questions = ["The b?"] * 50 + ["B the?", "What is?"] * 2 + ["The ab b?"] * 3

    def idf(t: str) -> float:
        return -4.0 if t == "b" else 1.0

    suggester = Suggester(questions, _words_of, idf)
    for typed in ["b", "the b", "ab b"]:
        norm = normalized(typed)
        for limit in (1, 5, 25):
            expected = _reference(questions, _words_of, idf, norm, set(_words_of(norm)), limit)
            assert suggester.suggest(norm, _words_of(norm), limit) == expected, (typed, limit)

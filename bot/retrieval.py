"""BM25 retrieval over the knowledge base, behind a small interface of our own.

rank-bm25 does the scoring. The variant is BM25Plus (k1=1.2, b=0.5,
delta=0.5), chosen by measurement (``benchmarks/choose_bm25.py``: the share of
144 questions whose expected passage comes first was 97.9-98.6% for both
BM25Plus and BM25Okapi over k1 0.9-1.5 and b 0.5-0.75, 98.6% at the chosen
setting, and 94.4% for BM25L). Between the two leaders, BM25Plus is kept because BM25Okapi
gives a term found in half the documents or more an idf of zero or less (here
"machine learning" and "generative ai", which the table rows and most passages
name), while the engine relies on those terms to tell which side a question
is about. BM25Plus keeps every idf positive but adds a floor to every
document, so a non-zero score does not mean a match: :meth:`Retriever.search`
only returns documents that share a term with the query, and reports scores
above that floor.

rank-bm25 is the reference, not the engine: it keeps a dict per document and
scores every document on every call, which is linear in the size of the
knowledge base (80 ms a question at 100,000 passages). For BM25Plus the
retriever computes the same formula once, at build, for every (term,
document) posting, with numpy, in the same floating-point operations as
rank-bm25 (so the scores are identical, not merely close; the parity tests in
``tests/core/test_retrieval.py`` check it), and answers a question by adding
up the postings of its terms: its cost follows its matches, not the size of
the knowledge base. A question whose terms hold few postings (every question,
on a small knowledge base) is added up in plain Python, the same sums in the
same order: numpy's cost per call is larger than the work there. BM25Okapi and
BM25L (for ``benchmarks/choose_bm25.py``) take their postings' scores from
rank-bm25 itself.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from itertools import chain
from typing import NamedTuple

import numpy as np
import numpy.typing as npt
from rank_bm25 import BM25L, BM25Okapi, BM25Plus

VARIANTS = {"okapi": BM25Okapi, "plus": BM25Plus, "l": BM25L}
DEFAULT_VARIANT = "plus"
DEFAULT_PARAMS: dict[str, float] = {"k1": 1.2, "b": 0.5, "delta": 0.5}
RANK_BM25_DEFAULTS: dict[str, dict[str, float]] = {
    "okapi": {"k1": 1.5, "b": 0.75},
    "plus": {"k1": 1.5, "b": 0.75, "delta": 1.0},
    "l": {"k1": 1.5, "b": 0.75, "delta": 0.5},
}

# Pruning in search() is tried on queries whose postings hold more than this many
# documents, and only on candidates that, looked up in each of the query's terms,
# cost less than reading every posting once (a lookup counted as this many reads).
PRUNE_FROM = 1000
LOOKUP_COST = 2
# A query whose postings hold at most this many documents is scored in plain Python:
# below it numpy's cost per call (a dozen calls a search) outweighs its speed per item.
PLAIN_UP_TO = 256
PLAIN_KEPT = 1 << 16  # terms whose postings are kept as Python lists once read

Ints = npt.NDArray[np.int64]
Floats = npt.NDArray[np.float64]


@dataclass(frozen=True)
class Document:
    """A unit of retrieval: a passage or a comparison-table row."""

    id: str
    terms: tuple[str, ...]


class Hit(NamedTuple):
    """A document that matched, with its score above the no-match baseline (a named
    tuple: several are made for every question, at a fraction of a dataclass's cost)."""

    id: str
    score: float
    matched: frozenset[str]


@dataclass(frozen=True)
class Postings:
    """An inverted index with each posting's BM25 contribution (above the floor).

    Term ``j`` (of ``terms``) occurs in documents ``docs[offsets[j]:offsets[j + 1]]``
    (ascending), adding ``scores[...]`` to each. Plain arrays, so that they can be
    saved and memory-mapped (:mod:`bot.store`).
    """

    ids: tuple[str, ...]
    terms: tuple[str, ...]
    offsets: Ints
    docs: Ints
    scores: Floats
    idf: Floats


def _count(documents: Sequence[Document]) -> tuple[list[str], Ints, Ints, Ints, Ints]:
    """Terms, and per posting: term number, document number, term frequency; and lengths."""
    lengths = np.fromiter((len(d.terms) for d in documents), dtype=np.int64, count=len(documents))
    # Terms numbered in order of first occurrence; then each posting's term number
    # straight into an array (a list of millions of ints would take several times the
    # memory), without a Python step per posting.
    number = {t: j for j, t in enumerate(dict.fromkeys(_every_term(documents)))}
    flat = np.fromiter(
        map(number.__getitem__, _every_term(documents)), dtype=np.int64, count=int(lengths.sum())
    )
    doc_of = np.repeat(np.arange(len(documents), dtype=np.int64), lengths)
    keys, tf = np.unique(flat * len(documents) + doc_of, return_counts=True)
    return list(number), keys // len(documents), keys % len(documents), tf, lengths


def _every_term(documents: Sequence[Document]) -> Iterator[str]:
    """The terms of ``documents``, one after the other."""
    return chain.from_iterable(d.terms for d in documents)


def build_postings(
    documents: Sequence[Document],
    variant: str = DEFAULT_VARIANT,
    params: dict[str, float] | None = None,
) -> Postings:
    """Score every posting of ``documents`` once (see the module's notes)."""
    if not documents:
        raise ValueError("a retriever needs at least one document")
    options = {**RANK_BM25_DEFAULTS[variant], **(DEFAULT_PARAMS if params is None else params)}
    if variant == "okapi":
        options.pop("delta", None)
    terms, term_of, doc_of, tf, lengths = _count(documents)
    n = len(documents)
    offsets = np.zeros(len(terms) + 1, dtype=np.int64)
    np.cumsum(np.bincount(term_of, minlength=len(terms)), out=offsets[1:])
    if variant == "plus":
        k1, b, delta = options["k1"], options["b"], options["delta"]
        df = np.diff(offsets)
        idf = np.array([math.log((n + 1) / int(f)) for f in df], dtype=np.float64)
        avgdl = int(lengths.sum()) / n
        term_idf = idf[term_of]
        # rank-bm25's BM25Plus.get_scores, operation for operation, on the postings only.
        raw = term_idf * (
            delta + (tf * (k1 + 1)) / (k1 * (1 - b + b * lengths[doc_of] / avgdl) + tf)
        )
        scores = raw - delta * term_idf
    else:
        reference = VARIANTS[variant]([list(d.terms) for d in documents], **options)
        k1 = reference.k1
        delta = getattr(reference, "delta", 0.0)
        floor_factor = (k1 + 1) * delta / (k1 + delta) if variant == "l" else 0.0
        idf = np.array([float(reference.idf.get(t, 0.0)) for t in terms], dtype=np.float64)
        scores = np.empty(len(doc_of), dtype=np.float64)
        for j, term in enumerate(terms):
            lo, hi = offsets[j], offsets[j + 1]
            column = reference.get_scores([term])
            scores[lo:hi] = column[doc_of[lo:hi]] - floor_factor * float(idf[j])
    return Postings(tuple(d.id for d in documents), tuple(terms), offsets, doc_of, scores, idf)


class Retriever:
    """Ranks documents for query terms, each term optionally weighted.

    A document's score is the sum, over the query terms it contains, of the
    term's weight times its BM25 contribution above the no-match floor. Only
    the documents in the terms' postings are visited, so a question costs in
    proportion to its matches, not to the size of the knowledge base.
    """

    def __init__(
        self,
        documents: Sequence[Document] = (),
        variant: str = DEFAULT_VARIANT,
        params: dict[str, float] | None = None,
        *,
        postings: Postings | None = None,
    ) -> None:
        self.postings = postings or build_postings(documents, variant, params)
        p = self.postings
        self._ids = p.ids
        self._number = {t: j for j, t in enumerate(p.terms)}
        self.vocabulary = frozenset(p.terms)
        self._offsets = p.offsets.tolist()
        self._idf = p.idf.tolist()
        # Each document's place in id order, to break ties in score the same way.
        order = sorted(range(len(p.ids)), key=p.ids.__getitem__)
        self._id_rank = np.empty(len(p.ids), dtype=np.int64)
        self._id_rank[order] = np.arange(len(p.ids), dtype=np.int64)
        # Each term's largest contribution, to skip what cannot reach the top (search()).
        self._term_max = np.maximum.reduceat(p.scores, p.offsets[:-1]) if len(p.terms) else p.idf
        self._nonnegative = bool((p.scores >= 0).all())
        self._local = threading.local()
        self._plain: dict[int, tuple[list[int], list[float]]] = {}

    def __len__(self) -> int:
        return len(self._ids)

    def __getstate__(self) -> dict[str, object]:
        state = dict(self.__dict__)
        del state["_local"], state["_plain"]  # per-thread buffers, a memo: made again on use
        return state

    def __setstate__(self, state: dict[str, object]) -> None:
        self.__dict__.update(state)
        self._local = threading.local()
        self._plain = {}

    def document_frequency(self, term: str) -> int:
        """How many documents contain ``term``."""
        j = self._number.get(term)
        return 0 if j is None else self._offsets[j + 1] - self._offsets[j]

    def idf(self, term: str) -> float:
        """The inverse document frequency the scorer uses for ``term`` (0 when unknown)."""
        j = self._number.get(term)
        return 0.0 if j is None else float(self._idf[j])

    def _slice(self, term: str) -> tuple[Ints, Floats]:
        j = self._number[term]
        lo, hi = self._offsets[j], self._offsets[j + 1]
        return self.postings.docs[lo:hi], self.postings.scores[lo:hi]

    def _buffers(self) -> tuple[Floats, npt.NDArray[np.bool_]]:
        """A zeroed score and an unset mark per document, one pair per thread (left
        zeroed and unset after each search)."""
        buffers: tuple[Floats, npt.NDArray[np.bool_]] | None = getattr(self._local, "buffers", None)
        if buffers is None:
            n = len(self._ids)
            buffers = self._local.buffers = (np.zeros(n), np.zeros(n, dtype=np.bool_))
        return buffers

    def search(self, terms: Sequence[str] | Mapping[str, float], k: int = 5) -> list[Hit]:
        """The ``k`` best documents sharing at least one term with ``terms``, best first.

        ``terms`` is a list (a repeated term counts each time, as in rank-bm25)
        or a mapping of term to weight. Ties in score go to the smaller id.
        """
        if isinstance(terms, Mapping):
            weights = {t: float(w) for t, w in terms.items() if w > 0}
        else:
            weights = {}
            for t in terms:
                weights[t] = weights.get(t, 0.0) + 1.0
        query = [t for t in weights if t in self._number]
        if not query or k <= 0:
            return []
        if self._postings_read(query) <= PLAIN_UP_TO:
            return self._search_plain(query, weights, k)
        slices = [self._slice(t) for t in query]
        pruned = self._pruned(query, weights, slices, k)
        if pruned is not None:
            touched, totals = pruned
        else:
            touched, totals = self._everything(query, weights, slices)
        if len(touched) > k:
            kth = np.partition(totals, len(totals) - k)[len(totals) - k]
            keep = totals >= kth
            touched, totals = touched[keep], totals[keep]
        best = np.lexsort((self._id_rank[touched], -totals))[:k]
        chosen = touched[best]
        # Which terms each chosen document holds: one lookup per term for all of them.
        holds = [
            (docs[np.minimum(np.searchsorted(docs, chosen), len(docs) - 1)] == chosen).tolist()
            for docs, _ in slices
        ]
        scores = totals[best].tolist()
        return [
            Hit(
                self._ids[doc],
                scores[n],
                frozenset(t for t, held in zip(query, holds, strict=True) if held[n]),
            )
            for n, doc in enumerate(chosen.tolist())
        ]

    def _postings_read(self, query: list[str]) -> int:
        """How many postings the known terms ``query`` hold."""
        offsets, number = self._offsets, self._number
        return sum(offsets[number[t] + 1] - offsets[number[t]] for t in query)

    def _search_plain(self, query: list[str], weights: dict[str, float], k: int) -> list[Hit]:
        """:meth:`search` of a query with few postings, in plain Python: the same sums,
        term by term in query order, the same order (score, then id) and terms held."""
        totals: dict[int, float] = {}
        holds: dict[int, list[str]] = {}
        for term in query:
            docs, scores = self._plain_postings(self._number[term])
            weight = weights[term]
            for doc, score in zip(docs, scores, strict=True):
                totals[doc] = totals.get(doc, 0.0) + weight * score
                holds.setdefault(doc, []).append(term)
        ids = self._ids
        best = sorted(totals, key=lambda d: (-totals[d], ids[d]))[:k]
        return [Hit(ids[d], totals[d], frozenset(holds[d])) for d in best]

    def _plain_postings(self, j: int) -> tuple[list[int], list[float]]:
        """Term ``j``'s documents and scores as Python lists, kept once made (all dropped
        when ``PLAIN_KEPT`` terms are kept, so that memory stays bounded)."""
        plain = self._plain.get(j)
        if plain is None:
            lo, hi = self._offsets[j], self._offsets[j + 1]
            if len(self._plain) >= PLAIN_KEPT:
                self._plain.clear()
            plain = self._plain[j] = (
                self.postings.docs[lo:hi].tolist(),
                self.postings.scores[lo:hi].tolist(),
            )
        return plain

    def _everything(
        self, query: list[str], weights: dict[str, float], slices: list[tuple[Ints, Floats]]
    ) -> tuple[Ints, Floats]:
        """Every document in the terms' postings, with its score."""
        buffer, mark = self._buffers()
        seen = []
        for term, (docs, scores) in zip(query, slices, strict=True):
            # Term by term, as a sum per document would be: the same floating-point result.
            buffer[docs] += weights[term] * scores
            new = docs[~mark[docs]]
            mark[new] = True
            seen.append(new)
        touched = seen[0] if len(seen) == 1 else np.concatenate(seen)
        totals = buffer[touched]
        buffer[touched] = 0.0
        mark[touched] = False
        return touched, totals

    def _pruned(
        self,
        query: list[str],
        weights: dict[str, float],
        slices: list[tuple[Ints, Floats]],
        k: int,
    ) -> tuple[Ints, Floats] | None:
        """The documents of the query's strongest terms, scored on every term, when no
        other document can reach the top ``k`` (None when that cannot be shown).

        Each term's largest contribution, times its weight, bounds what it can add to
        a document. The terms are taken strongest first (the rarest, mostly) until
        the bounds of the rest add up to less than the ``k``-th best score among the
        documents of the terms taken: no other document can then reach the top, and
        the rest's long postings need not be read, only looked up for those
        documents (MaxScore pruning). A term found everywhere with a tiny idf, or a
        subject's name carried from the conversation, is then never read whole.
        The scores are the same sums, term by term in query order.
        """
        if not self._nonnegative or len(query) < 2:
            return None
        postings = sum(len(docs) for docs, _ in slices)
        if postings <= PRUNE_FROM:
            return None  # reading every posting costs little
        bounds = [weights[t] * float(self._term_max[self._number[t]]) for t in query]
        order = sorted(range(len(query)), key=lambda i: -bounds[i])
        rest = sum(bounds)
        taken: list[Ints] = []
        for count, i in enumerate(order[:-1], start=1):
            rest -= bounds[i]
            taken.append(slices[i][0])
            size = sum(len(docs) for docs in taken)
            if size * len(query) * LOOKUP_COST > postings:
                return None  # no cheaper than reading every posting (and growing)
            if size < k or len(slices[order[count]][0]) < 2 * size:
                continue  # the next term's documents are as cheap to take in
            candidates = taken[0] if count == 1 else _union(taken)
            if len(candidates) < k:
                continue
            totals = np.zeros(len(candidates))
            for term, (docs, scores) in zip(query, slices, strict=True):
                at = np.minimum(np.searchsorted(docs, candidates), len(docs) - 1)
                totals += weights[term] * np.where(docs[at] == candidates, scores[at], 0.0)
            kth = np.partition(totals, len(totals) - k)[len(totals) - k]
            if max(rest, 0.0) * (1 + 1e-9) + 1e-12 < kth:
                return candidates, totals
        return None


def _union(arrays: list[Ints]) -> Ints:
    """The sorted distinct values of ``arrays``."""
    joined = np.concatenate(arrays)
    joined.sort()
    keep = np.empty(len(joined), dtype=np.bool_)
    keep[:1] = True
    np.not_equal(joined[1:], joined[:-1], out=keep[1:])
    return joined[keep]


__all__ = [
    "DEFAULT_PARAMS",
    "DEFAULT_VARIANT",
    "Document",
    "Hit",
    "Postings",
    "Retriever",
    "build_postings",
]

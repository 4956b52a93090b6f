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
"""

from __future__ import annotations

import heapq
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from rank_bm25 import BM25L, BM25Okapi, BM25Plus

VARIANTS = {"okapi": BM25Okapi, "plus": BM25Plus, "l": BM25L}
DEFAULT_VARIANT = "plus"
DEFAULT_PARAMS: dict[str, float] = {"k1": 1.2, "b": 0.5, "delta": 0.5}


@dataclass(frozen=True)
class Document:
    """A unit of retrieval: a passage or a comparison-table row."""

    id: str
    terms: tuple[str, ...]


@dataclass(frozen=True)
class Hit:
    """A document that matched, with its score above the no-match baseline."""

    id: str
    score: float
    matched: frozenset[str]


class Retriever:
    """Ranks documents for query terms, each term optionally weighted.

    A document's score is the sum, over the query terms it contains, of the
    term's weight times its BM25 contribution above the no-match floor. Only
    the documents in the terms' postings are visited, so a question costs in
    proportion to its matches, not to the size of the knowledge base; each
    term's column of scores is computed by rank-bm25 once and cached.
    """

    def __init__(
        self,
        documents: Sequence[Document],
        variant: str = DEFAULT_VARIANT,
        params: dict[str, float] | None = None,
    ) -> None:
        if not documents:
            raise ValueError("a retriever needs at least one document")
        self.documents = tuple(documents)
        self._ids = tuple(d.id for d in self.documents)
        self._sets = [frozenset(d.terms) for d in self.documents]
        options = dict(DEFAULT_PARAMS if params is None else params)
        if variant == "okapi":
            options.pop("delta", None)
        self._bm25 = VARIANTS[variant]([list(d.terms) for d in self.documents], **options)
        # What a query term adds to a document that lacks it: BM25L and BM25Plus
        # give every document this floor, BM25Okapi none.
        k1, delta = self._bm25.k1, getattr(self._bm25, "delta", 0.0)
        if variant == "plus":
            self._floor_factor = delta
        elif variant == "l":
            self._floor_factor = (k1 + 1) * delta / (k1 + delta)
        else:
            self._floor_factor = 0.0
        postings: dict[str, list[int]] = {}
        for i, doc_terms in enumerate(self._sets):
            for term in doc_terms:
                postings.setdefault(term, []).append(i)
        self._postings = {t: tuple(ix) for t, ix in postings.items()}
        self.vocabulary = frozenset(self._postings)
        self._columns: dict[str, tuple[float, ...]] = {}

    def document_frequency(self, term: str) -> int:
        """How many documents contain ``term``."""
        return len(self._postings.get(term, ()))

    def idf(self, term: str) -> float:
        """The inverse document frequency the scorer uses for ``term`` (0 when unknown)."""
        return float(self._bm25.idf.get(term, 0.0))

    def _column(self, term: str) -> tuple[float, ...]:
        """``term``'s contribution to each document in its postings, above the floor."""
        column = self._columns.get(term)
        if column is None:
            scores = self._bm25.get_scores([term])
            floor = self._floor_factor * self.idf(term)
            column = tuple(float(scores[i]) - floor for i in self._postings[term])
            self._columns[term] = column
        return column

    def search(self, terms: Sequence[str] | Mapping[str, float], k: int = 5) -> list[Hit]:
        """The ``k`` best documents sharing at least one term with ``terms``, best first.

        ``terms`` is a list (a repeated term counts each time, as in rank-bm25)
        or a mapping of term to weight.
        """
        if isinstance(terms, Mapping):
            weights = {t: float(w) for t, w in terms.items() if w > 0}
        else:
            weights = {}
            for t in terms:
                weights[t] = weights.get(t, 0.0) + 1.0
        query = [t for t in weights if t in self._postings]
        if not query or k <= 0:
            return []
        totals: dict[int, float] = {}
        matched: dict[int, set[str]] = {}
        for term in query:
            weight = weights[term]
            for i, score in zip(self._postings[term], self._column(term), strict=True):
                totals[i] = totals.get(i, 0.0) + weight * score
                matched.setdefault(i, set()).add(term)
        ids = self._ids
        best = heapq.nsmallest(k, totals, key=lambda i: (-totals[i], ids[i]))
        return [Hit(ids[i], totals[i], frozenset(matched[i])) for i in best]

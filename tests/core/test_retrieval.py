"""The retriever: our interface over rank-bm25, checked against it."""

from __future__ import annotations

import pytest
from rank_bm25 import BM25Okapi, BM25Plus

from bot.engine import Engine
from bot.retrieval import Document, Retriever

DOCS = [
    Document("a", ("cat", "sat", "mat")),
    Document("b", ("dog", "sat", "log")),
    Document("c", ("cat", "dog", "play", "play")),
]


def test_scores_match_rank_bm25_above_the_baseline() -> None:
    """Our scores are BM25Plus's, less the floor every document gets per query term."""
    retriever = Retriever(DOCS, "plus", {"k1": 1.2, "b": 0.5, "delta": 0.5})
    reference = BM25Plus([list(d.terms) for d in DOCS], k1=1.2, b=0.5, delta=0.5)
    raw = reference.get_scores(["cat", "play"])
    floor = 0.5 * (reference.idf["cat"] + reference.idf["play"])
    hits = {h.id: h.score for h in retriever.search(["cat", "play"])}
    assert hits["a"] == pytest.approx(raw[0] - floor)
    assert hits["c"] == pytest.approx(raw[2] - floor)
    assert "b" not in hits  # shares no term: not a hit, though BM25Plus scores it


def test_okapi_variant_matches_reference() -> None:
    retriever = Retriever(DOCS, "okapi", {"k1": 1.5, "b": 0.75})
    reference = BM25Okapi([list(d.terms) for d in DOCS], k1=1.5, b=0.75)
    hits = {h.id: h.score for h in retriever.search(["play"])}
    assert hits == {"c": pytest.approx(reference.get_scores(["play"])[2])}


def test_ranking_and_matched_terms() -> None:
    hits = Retriever(DOCS).search(["play", "dog"], k=2)
    assert [h.id for h in hits] == ["c", "b"]
    assert hits[0].matched == {"play", "dog"}


def test_edge_cases() -> None:
    retriever = Retriever(DOCS)
    assert retriever.search([]) == []
    assert retriever.search(["unknown", "words"]) == []
    assert retriever.search(["cat"], k=0) == []
    assert retriever.idf("unknown") == 0.0
    with pytest.raises(ValueError, match="at least one document"):
        Retriever([])


def test_every_passage_is_found_first_by_its_own_questions(shipped_engine: Engine) -> None:
    """Each passage's example questions retrieve it first (the knowledge base's own test)."""
    wrong = []
    for passage in shipped_engine.kb.passages:
        for question in passage.questions:
            reply = shipped_engine.ask(question)
            first = reply.sources[0].passage_id if reply.sources else reply.kind
            if first != passage.id:
                wrong.append((passage.id, question, first))
    assert not wrong

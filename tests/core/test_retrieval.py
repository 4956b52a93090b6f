"""The retriever: our interface over rank-bm25, checked against it."""

from __future__ import annotations

import random
from concurrent.futures import ThreadPoolExecutor

import pytest
from rank_bm25 import BM25Okapi, BM25Plus

from bot import retrieval
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


def _zipf_corpus(size: int, seed: int) -> list[Document]:
    """Documents of a made-up Zipf vocabulary: many ties, common and rare terms."""
    rng = random.Random(seed)
    vocabulary = [f"w{i}" for i in range(300)]
    weights = [1 / (r + 1) for r in range(len(vocabulary))]
    return [
        Document(f"d{i:04d}", tuple(rng.choices(vocabulary, weights, k=rng.randint(1, 40))))
        for i in range(size)
    ]


def _reference_top(
    reference: BM25Plus, docs: list[Document], query: list[str], k: int, delta: float
) -> list[tuple[str, float]]:
    """rank-bm25's ranking: BM25Plus scores above the floor, documents sharing a term."""
    raw = reference.get_scores(query)
    floor = sum(delta * reference.idf.get(t, 0.0) for t in query)
    shared = [i for i, d in enumerate(docs) if set(query) & set(d.terms)]
    ranked = sorted(shared, key=lambda i: (-(raw[i] - floor), docs[i].id))
    return [(docs[i].id, raw[i] - floor) for i in ranked[:k]]


@pytest.mark.parametrize(
    ("prune_from", "plain_up_to"), [(10**6, 0), (3, 0), (30, 0), (10**6, 10**6)]
)
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_parity_with_rank_bm25_on_synthetic_corpora(
    seed: int, prune_from: int, plain_up_to: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Same top 5 and the same scores as rank-bm25's BM25Plus, on Zipf corpora, with
    every posting read (with numpy, or in plain Python) or the common terms' skipped
    where they cannot matter."""
    monkeypatch.setattr(retrieval, "PRUNE_FROM", prune_from)
    monkeypatch.setattr(retrieval, "PLAIN_UP_TO", plain_up_to)
    monkeypatch.setattr(retrieval, "LOOKUP_COST", 0 if prune_from < 100 else 2)
    docs = _zipf_corpus(400, seed)
    params = {"k1": 1.2, "b": 0.5, "delta": 0.5}
    retriever = Retriever(docs, "plus", params)
    reference = BM25Plus([list(d.terms) for d in docs], **params)
    rng = random.Random(seed)
    for _ in range(60):
        query = list(dict.fromkeys(rng.choices([f"w{i}" for i in range(320)], k=rng.randint(1, 6))))
        hits = retriever.search(query, k=5)
        expected = _reference_top(reference, docs, query, 5, params["delta"])
        assert [h.id for h in hits] == [i for i, _ in expected], query
        for hit, (_, score) in zip(hits, expected, strict=True):
            assert hit.score == pytest.approx(score, rel=1e-12, abs=1e-12)
        known = [t for t in query if t in retriever.vocabulary]
        if not known:
            continue
        full = retriever._everything(
            known, dict.fromkeys(known, 1.0), [retriever._slice(t) for t in known]
        )
        exact = dict(zip(full[0].tolist(), full[1].tolist(), strict=True))
        for hit in hits:  # bit for bit the sums of reading every posting
            assert hit.score == exact[int(hit.id[1:])]
            assert hit.matched == frozenset(query) & frozenset(docs[int(hit.id[1:])].terms)


def test_weighted_query_is_the_weighted_sum_of_single_terms() -> None:
    docs = _zipf_corpus(200, 7)
    retriever = Retriever(docs)
    single = {t: {h.id: h.score for h in retriever.search([t], k=200)} for t in ("w0", "w5")}
    hits = retriever.search({"w0": 2.0, "w5": 0.5}, k=200)
    for hit in hits:
        expected = 2.0 * single["w0"].get(hit.id, 0.0) + 0.5 * single["w5"].get(hit.id, 0.0)
        assert hit.score == pytest.approx(expected)
    assert retriever.search({"w0": 0.0}) == []


def test_searches_from_threads_do_not_mix() -> None:
    """Each thread scores in its own buffers."""
    docs = _zipf_corpus(300, 4)
    retriever = Retriever(docs)
    queries = [[f"w{i}", f"w{i + 7}"] for i in range(40)]
    expected = [retriever.search(q, k=8) for q in queries]
    with ThreadPoolExecutor(max_workers=4) as pool:
        for _ in range(5):
            assert list(pool.map(lambda q: retriever.search(q, k=8), queries)) == expected


def test_plain_postings_kept_are_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    """The postings kept as Python lists never pass PLAIN_KEPT terms; results stay the same."""
    docs = _zipf_corpus(200, 5)
    expected = [Retriever(docs).search([f"w{i}", f"w{i + 3}"]) for i in range(50)]
    monkeypatch.setattr(retrieval, "PLAIN_KEPT", 4)
    retriever = Retriever(docs)
    for i, hits in enumerate(expected):
        assert retriever.search([f"w{i}", f"w{i + 3}"]) == hits
        assert len(retriever._plain) <= 4

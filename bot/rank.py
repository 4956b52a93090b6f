"""Stage 4: retrieve with BM25 and rank for the plan.

BM25 (rank-bm25) scores passages and table rows for the plan's weighted terms.
The ranking then prefers, by measurement on the tuning sets: documents that
cover more of what the question asks (each term weighted by its idf), the
subject the question is about (a question about Generative AI gets Generative
AI passages), and the facet its wording asks for (examples, how it works).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import NamedTuple

from bot.analysis import Query, facets_asked
from bot.index import Index
from bot.resolve import Plan
from bot.retrieval import Hit

SAME_SUBJECT = 1.3
OTHER_SUBJECT = 0.5
FACET = 1.4
FACET_NAMED = 2.0
CANDIDATES = 8
SUBJECT_SHARE = 0.3
KNOWN_SALIENCE_FLOOR = 0.25
COVERAGE_BASE = 0.2
RARE = 0.25  # the salience of a word that is not everyday English ("metering", not "popular")
TITLE = 0.5
HEADING = 0.5  # a heading the question names all of
FOLLOWS = 2.0
BARE_ROW = 0.5  # a row of marks ("✅", "❌") whose aspect has a section of its own
UNKNOWN = 1.5  # an unknown word, against a known term found in one passage (swept 1-2)


class Ranked(NamedTuple):
    """A retrieved document with its final score and how much of the question it covers
    (a named tuple, as :class:`bot.retrieval.Hit`)."""

    hit: Hit
    score: float
    coverage: float


def coverage(
    terms: set[str],
    matched: frozenset[str],
    index: Index,
    unknown: Sequence[str] = (),
    surface: Mapping[str, str] | None = None,
) -> float:
    """The idf-weighted share of ``terms`` found in ``matched``.

    Each ``unknown`` word (one the knowledge base lacks) counts as a term
    found nowhere, weighted by how rare it is in English. A known everyday
    word ("traditional", "modern") counts less than a specific one.
    """
    weight, missing = weights(terms, index, unknown, surface)
    return share(weight, missing, matched)


def share(weight: Mapping[str, float], missing: float, matched: frozenset[str]) -> float:
    """The share of the weight of the terms in ``matched`` (``missing``: found nowhere)."""
    return share_each(weight, missing, (matched,))[0]


def share_each(
    weight: Mapping[str, float], missing: float, matches: Sequence[frozenset[str]]
) -> list[float]:
    """:func:`share` for each of ``matches``, the total weight added up once."""
    total = sum(weight.values()) + missing
    if total <= 0:
        return [1.0] * len(matches)
    items = list(weight.items())
    return [sum([w for t, w in items if t in matched]) / total for matched in matches]


def weights(
    terms: set[str],
    index: Index,
    unknown: Sequence[str] = (),
    surface: Mapping[str, str] | None = None,
) -> tuple[dict[str, float], float]:
    """Each known term's weight in :func:`coverage`, and the unknown words' total."""
    salience = index.language.salience
    surface = surface or {}
    weight: dict[str, float] = {}
    for t in terms:
        if t not in index.retriever.vocabulary:
            continue  # an unknown word counts through ``unknown``
        w = index.retriever.idf(t)
        word = surface.get(t, "")
        if word and " " not in word:
            w *= max(KNOWN_SALIENCE_FLOOR, salience(word))
        weight[t] = w
    for t in terms & index.subject_of_term.keys():
        # A subject is named everywhere, so its idf is low, yet it is what is asked about.
        weight[t] = max(weight[t], index.max_idf * SUBJECT_SHARE)
    # Each further unknown word counts half the one before: one rare word sinks a
    # question, a handful of everyday ones ("regular", "ever", "directly") do not.
    names = unknown.names if isinstance(unknown, NamedWords) else frozenset()
    ranked = sorted((1.0 if w in names else salience(w) for w in unknown), reverse=True)
    return weight, sum(UNKNOWN * index.max_idf * s * 0.5**i for i, s in enumerate(ranked))


class NamedWords(list[str]):
    """Unknown words, with those written as names ("Siri", "British") marked: a name
    the source never mentions says as much as a rare word."""

    def __init__(self, words: Sequence[str], names: frozenset[str]) -> None:
        super().__init__(words)
        self.names = names


def plan_terms(query: Query, plan: Plan, index: Index) -> set[str]:
    """What the question asks about: its content terms and subjects, a name that
    stands in for its subject replaced by that subject."""
    wanted = set(query.content) | {index.subject_term[s] for s in query.subjects}
    for name, subject in plan.stand_ins.items():
        wanted.discard(name)
        wanted.add(index.subject_term[subject])
    return wanted


def asks_of_it(query: Query, index: Index) -> bool:
    """Whether a follow-up asks in everyday words only ("how do I fix it?", "is there a
    fix?"): then it asks about the passage just shown, whatever words that holds."""
    salience = index.language.salience
    rare = any(salience(w) >= RARE for w in query.unknown)
    return not rare and all(salience(query.surface.get(t, t)) < RARE for t in query.content)


def rank(query: Query, plan: Plan, index: Index) -> list[Ranked]:
    """The plan's candidates, best first."""
    facets = facets_asked(query, index)
    hits = index.retriever.search(plan.weights, k=CANDIDATES)
    if not hits:
        return []
    subjects = plan.subjects
    focus = subjects[0] if len(subjects) == 1 else None
    wanted = plan_terms(query, plan, index)
    weight, _ = weights(wanted, index, surface=query.surface)
    content = set(query.content)
    shares = share_each(weight, 0.0, [hit.matched for hit in hits]) if wanted else []
    of_it = bool(plan.follows) and asks_of_it(query, index)
    # The rest of a section split in parts goes on about what was shown ("what unit is
    # it measured in?" of the part just shown: "measured in bits" is in the next part).
    followed = {index.docs[i].passage for i in plan.follows if i in index.docs}
    parts_of = {p.section for p in followed if p is not None}
    # Another passage holds all the question asks and some of what was asked before.
    carried = set(plan.carried_terms)
    elsewhere = (
        bool(content)
        and bool(plan.follows)
        and any(
            h.id not in plan.follows and content <= h.matched and h.matched & carried for h in hits
        )
    )
    asked = content | {index.subject_term[s] for s in query.subjects}
    out = []
    for n, hit in enumerate(hits):
        doc = index.docs[hit.id]
        factor = 1.0
        if focus and doc.subject:
            factor *= SAME_SUBJECT if doc.subject == focus else OTHER_SUBJECT
        elif focus and doc.row is not None:
            factor *= SAME_SUBJECT
        if doc.facet_terms & content:
            factor *= FACET_NAMED  # "what are the rules?" names the passage's facet
        elif doc.facet in facets:
            factor *= FACET
        if doc.row is not None and len(subjects) < 2 and doc.id in index.explained_rows:
            factor *= BARE_ROW
        # The passage the conversation is about, or another part of its section where
        # the question asks more; unless the question asks something it does not
        # hold that another passage does ("which models power GenAI?" then "what are
        # they trained on?": the passage on how it is trained, not the one shown).
        shown = hit.id in plan.follows
        part = bool(content) and doc.passage is not None and doc.passage.section in parts_of
        if (shown or part) and not (elsewhere and not hit.matched & content):
            factor *= FOLLOWS
        titled = hit.matched & doc.title & content
        if titled:  # the question names what the passage's heading names
            factor *= 1 + TITLE * len(titled) / len(query.content)
            # ... and the more of a heading that asks a question (a FAQ's) it names, the
            # more it is that question ("why is it called meson" of "Why is it called
            # Meson?", not of "Why does MSVC output static libraries called libfoo.a?").
            if doc.passage is not None and doc.passage.section.endswith("?"):
                factor *= 1 + HEADING * (len(doc.title & asked) / len(doc.title)) ** 2
        cov = shares[n] if wanted and not (of_it and hit.id in plan.follows) else 1.0
        out.append(Ranked(hit, hit.score * factor * (COVERAGE_BASE + cov), cov))
    out.sort(key=lambda r: (-r.score, r.hit.id))
    return out

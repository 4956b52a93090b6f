"""Stage 3: resolve a question against the conversation, into a plan.

A plan says what to do: answer from retrieval, show the comparison (all of it
or some rows), show examples, go on from the last answer, or tell which
subject a named thing belongs to, and with which subjects and terms. Follow-ups
take what they lack from the last turns of the same conversation: "and the
other one?" switches subject, "examples?" asks for the examples of the
subject last discussed, "why?" goes on, "is it ML or GenAI?" takes the thing
last asked about.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal, NamedTuple

from bot.analysis import Query, facets_asked
from bot.conversation import Turn
from bot.index import Doc, Index

Action = Literal["ask", "compare", "examples", "more", "why", "classify", "repeat", "item"]
CONTEXT_WEIGHT = 0.35  # a preamble's terms, against the question's 1.0
CARRIED_WEIGHT = 0.6  # terms carried from the previous turn
RARE_WORD = 0.25  # an unknown word this telling is a new topic, not a follow-up


@dataclass
class Plan:
    """What the engine will do for one question."""

    action: Action
    subjects: list[str] = field(default_factory=list)
    weights: dict[str, float] = field(default_factory=dict)  # retrieval terms
    rows: list[str] = field(default_factory=list)  # table rows named
    entity: str | None = None
    carried: bool = False  # the conversation filled something in
    last: Turn | None = None
    stand_ins: dict[str, str] = field(default_factory=dict)  # a name asked about as its subject
    carried_terms: list[str] = field(default_factory=list)  # content taken from the last turn
    # The passages of the last answer, when the question goes on about them ("what
    # does GenAI do in it?", "over what time frame?").
    follows: tuple[str, ...] = ()
    item: int = 0  # "the second one": the item of the list just shown (1-based; -1 the last)


def _matches(patterns: Sequence[object], text: str) -> bool:
    return any(p.search(text) for p in patterns)  # type: ignore[attr-defined]


def named_rows(query: Query, index: Index, *, distinct: bool = False) -> list[str]:
    """Table rows whose aspect words the question uses, in table order.

    ``distinct``: none where only words several rows share name them ("repository",
    "use"): a question names rows by a word of their own ("compare authentication,
    browsing and moving"), and then the rows its shared words find come too ("goal,
    output, evaluation and how people use them").
    """
    terms = set(query.terms)
    named = {rid: terms & row_terms for rid, row_terms in index.row_terms.items()}
    named = {rid: held for rid, held in named.items() if held}
    if not distinct:
        return list(named)
    counts = Counter(t for held in named.values() for t in held)
    own = any(counts[t] == 1 for held in named.values() for t in held)
    return list(named) if own else []


_IN_IT = re.compile(r"\b(?:in|from|of) (?:it|that|this|there)\b|\bthere\b")
_GOES_ON = frozenset({"and", "then", "so"})  # a follow-up's first word that goes on
_IT = frozenset({"it", "its", "that", "this"})  # the subject just asked about
_BOTH = frozenset({"them", "both", "they", "two"})  # the subjects set apart, not named
_COMPARED_TO = re.compile(r"\b(?:compared|comparing|relative) (?:to|with)\b")


def is_comparison(query: Query, index: Index) -> bool:
    """Whether the question asks for the comparison rather than one passage.

    Explicit ("compare", "side by side", "table"), "X vs Y" without asking for
    "the difference", or differences asked for in the plural or exhaustively
    ("the key differences", "every difference").
    """
    lang = index.language
    ws = set(query.words)
    plural = bool(ws & lang.plural_difference_words)
    every = bool(ws & lang.exhaustive_words)
    joined = query.joined.replace("to the table", "")  # "what does each bring to the table"
    explicit = bool(set(joined.split()) & lang.compare_words) or any(
        p in joined for p in lang.compare_phrases
    )
    differs = bool(ws & lang.difference_words) or bool(
        lang.difference_phrase.search(joined)
    )  # "in which ways is B not like A?"
    # "In which ways do they differ?" where no passage tells how they differ.
    counted = bool(ws & lang.difference_counters) and not index.tells_difference
    if plural or ((every or counted) and (explicit or differs)):
        return True  # "all the differences", "compare them on every point"
    back = bool(ws & {"them", "both", "two", "they", "each", "these", "those"})
    back = back or (explicit and "it" in ws)  # "compare it with GenAI"
    if len(query.subjects) == 1 and not back:
        return False  # "How does ML compare predictions?" is about one side
    if "together" in facets_asked(query, index):
        return False  # "ML vs GenAI: do I have to pick one?" asks how they combine
    others = [t for t in query.content if t not in index.comparison_terms]
    if len(query.subjects) < 2 and not back and others:
        return False  # "supervised vs unsupervised learning" compares other things
    if others and _COMPARED_TO.search(joined) and not ws & lang.difference_words:
        return False  # "where does GenAI fit compared to ML?" asks where it fits
    singular = bool(ws & (lang.difference_words - lang.plural_difference_words))
    # "ML vs GenAI" is the comparison; "ML vs GenAI: what's the key difference?" one answer.
    asks = bool(ws & {"what", "how", "which", "why", "whats"})
    versus = bool(ws & lang.versus_words) and not (singular and asks)
    return explicit or versus


SIDE_WORDS = 3  # the words of each side of "A vs B" that name it


class Sides(NamedTuple):
    """Two things set against each other: the terms that name each, and its words."""

    a: tuple[str, ...]
    b: tuple[str, ...]
    name_a: str
    name_b: str

    @property
    def terms(self) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """The terms of each side."""
        return self.a, self.b


def contrasted(query: Query, index: Index) -> Sides | None:
    """The terms of two things of the source the question sets against each other
    ("rclone sync vs rclone copy", "between typed and untyped constants"): what each
    side names that the other does not, or None. Where the knowledge base compares
    subjects, its table or prose compares them, so sides that name them are none (a
    one-subject source's subject is a side like any other: "a variable vs a constant")."""
    vocabulary = index.retriever.vocabulary
    subject_terms = index.subject_name_terms if len(index.kb.subjects) > 1 else frozenset()
    for pattern in index.language.contrast_patterns:
        found = pattern.search(query.joined)
        if found is None:
            continue
        words_a = found.group("a").split()[-SIDE_WORDS:]
        words_b = found.group("b").split()[:SIDE_WORDS]
        a = index.tokenizer.tokenize(" ".join(words_a))
        b = index.tokenizer.tokenize(" ".join(words_b))
        own_a = tuple(dict.fromkeys(t for t in a if t not in b and t in vocabulary))
        own_b = tuple(dict.fromkeys(t for t in b if t not in a and t in vocabulary))
        if own_a and own_b and not (set(own_a) | set(own_b)) & subject_terms:
            return Sides(own_a, own_b, _named(words_a, own_a, index), _named(words_b, own_b, index))
    return None


def _named(side: list[str], own: tuple[str, ...], index: Index) -> str:
    """The words of a side that name it ("sync" of "rclone sync"), as asked."""
    return " ".join(w for w in side if set(index.tokenizer.tokenize(w)) & set(own))


def _ordinal(query: Query, ordinals: Mapping[str, int], nouns: frozenset[str]) -> int | None:
    """The item "the second one", "the last item", "2nd?" points at, or None ("which
    came first?" points at none: no noun follows it, and it says more)."""
    ws = query.words
    for i, w in enumerate(ws):
        if w in ordinals and (len(ws) <= 3 or (i + 1 < len(ws) and ws[i + 1] in nouns)):
            return ordinals[w]
    return None


_NAMED_ONE = re.compile(r"\bthe (\w+) (\w+)\b")


def _named_item(query: Query, items: Sequence[str], index: Index) -> int | None:
    """The item "the bank one" points at: the one item of the list shown that holds
    that word (its position from 1), or None."""
    lang = index.language
    match = next(
        (m for m in _NAMED_ONE.finditer(query.joined) if m.group(2) in lang.ordinal_nouns), None
    )  # "the bank one", "the fraud example"
    if match is None or match.group(1) in lang.ordinals:
        return None
    wanted = set(index.tokenizer.tokenize(match.group(1)))
    holding = [i for i, item in enumerate(items) if wanted & set(index.tokenizer.tokenize(item))]
    return holding[0] + 1 if wanted and len(holding) == 1 else None


def _subject_only(query: Query, index: Index) -> bool:
    """ "and ML?", "what about genai": a subject and nothing else that carries meaning."""
    return bool(query.subjects) and not query.content


def _entity(query: Query, index: Index) -> str | None:
    """A named thing in the question that belongs to one subject ("chatgpt")."""
    for term in query.content:
        if term in index.term_subject and term in index.names:
            return term
    return None


def _or_subject(query: Query, index: Index) -> bool:
    """Whether "or" sets subjects as choices ("is Netflix ML or GenAI?"), not other
    things ("can i import .unitypackage files or FBX models into godot?")."""
    ws = query.words
    subject_terms = set(index.subject_term.values())
    tok = index.tokenizer
    return any(
        w == "or" and set(tok.tokenize(" ".join(ws[i + 1 : i + 3]))) & subject_terms
        for i, w in enumerate(ws)
    )


def _of_both_shown(query: Query, last: Turn, index: Index) -> bool:
    """Whether "and which part does GenAI handle?" asks of the passage just shown: it
    goes on ("and ..."), names a subject, and that passage, of no one subject, names it."""
    if not query.subjects or not query.words or query.words[0] not in _GOES_ON:
        return False
    shown = index.docs.get(last.passage_ids[0]) if last.passage_ids else None
    if shown is None or shown.passage is None or shown.subject:
        return False
    held = {t for _, terms in index.pieces(shown) for t in terms}
    return all(index.subject_term[s] in held for s in query.subjects)


def _implied_subject(query: Query, index: Index) -> str | None:
    """The one subject the question's terms point to, when it names none."""
    found = {index.term_subject[t] for t in query.content if t in index.term_subject}
    return next(iter(found)) if len(found) == 1 else None


def _on_a_topic(doc: Doc, index: Index) -> bool:
    """Whether a passage shown is on a topic rather than on one subject: a passage
    (not a table row) under a heading that names no subject ("Missing data")."""
    if doc.passage is None or doc.row is not None:
        return False
    heading = doc.passage.section or doc.passage.title
    subject_terms = set(index.subject_term.values())
    return not (set(index.tokenizer.tokenize(heading)) & subject_terms)


def _carry_terms(result: Plan, last: Turn) -> None:
    """The last turn's terms, at :data:`CARRIED_WEIGHT`, added to those ``result``
    weighs (the question's own weights stay)."""
    for t in last.terms:
        if t not in result.weights:
            result.weights[t] = CARRIED_WEIGHT
            result.carried_terms.append(t)


def plan(query: Query, history: Sequence[Turn], index: Index) -> Plan:
    """The :class:`Plan` for ``query`` given the conversation so far."""
    lang = index.language
    last = history[-1] if history else None
    weights: dict[str, float] = {}
    for t in query.context:
        weights[t] = weights.get(t, 0.0) + CONTEXT_WEIGHT
    asks_more = bool(query.content or query.subjects)
    for t in query.terms:
        if asks_more and t in index.source_terms and query.surface.get(t, t) in index.source_words:
            continue  # "what uses does the article list?": not the passage that says "article"
        weights[t] = weights.get(t, 0.0) + 1.0
    result = Plan("ask", list(query.subjects), weights, last=last)
    joined = query.joined
    all_subjects = [s.id for s in index.subjects]
    ws = set(query.words)
    differs = bool(set(query.terms) & index.difference_terms)
    both = (
        (last is None or bool(last.subjects))
        and not query.subjects
        and len(all_subjects) > 1
        and bool(ws & _BOTH)
        and differs
    )
    if both:
        # "whats the simplest way to tell them apart", first thing in a conversation or
        # after a turn about a subject: "them" are the subjects the knowledge base sets
        # apart.
        result.subjects = list(all_subjects)
        result.carried = True

    entity = _entity(query, index)
    if entity is None and query.context and set(query.words) & lang.back_references:
        # "Someone swears Spotify is GenAI. Which category does it fall into?"
        entity = next(
            (t for t in query.context if t in index.term_subject and t in index.names), None
        )
    wants_which = _matches(lang.which_patterns, joined) or (
        entity is not None
        and entity in index.names
        and bool(query.subjects)
        and _or_subject(query, index)
    )
    others = [t for t in query.content if t != entity and t in index.retriever.vocabulary]
    if wants_which and len(all_subjects) > 1 and len(others) <= 2:
        # "Is Netflix ML or GenAI?"; not "which one provides the analytical brainpower
        # and which the creative execution?", which asks what a passage says.
        carried_entity = entity
        if entity is None and last is not None and not query.content:
            carried_entity = last.entity  # "is it ML or GenAI?" about the thing just asked
        if carried_entity is not None:
            result.action = "classify"
            result.entity = carried_entity
            result.carried = entity is None
            return result

    # "tell me about elixir" then "how is it different from erlang?" (or "now erlang.
    # how do they differ?"): the two compared.
    other_of_it = (
        last is not None
        and len(last.subjects) == 1
        and len(query.subjects) == 1
        and last.subjects[0] != query.subjects[0]
        and bool(ws & (_IT | _BOTH))
        and differs
        and not [t for t in query.content if t not in index.comparison_terms]
    )
    if other_of_it and last is not None:
        result.subjects = [*last.subjects, *query.subjects]
        result.carried = True
    if (index.kb.table or index.compares_in_prose) and (is_comparison(query, index) or other_of_it):
        result.action = "compare"
        every = set(query.words) & lang.exhaustive_words
        named = named_rows(query, index)
        # "contrast them on every point of the table": all of it, not the one row a word
        # finds; "on every aspect - land, upkeep, where they work": those rows.
        result.rows = [] if every and len(named) <= 1 else named
        return result
    if (
        index.kb.table
        and len(query.subjects) > 1
        and set(query.words) & lang.difference_words
        and not index.tells_difference
    ):
        # "How do Kotlin Multiplatform and Flutter differ?" where no passage tells the
        # difference: the table does.
        result.action = "compare"
        result.rows = named_rows(query, index)
        return result
    if (
        index.compares_in_prose
        and len(query.subjects) > 1
        and set(query.words) & lang.difference_words
        and not [
            t
            for t in query.content
            if t in index.retriever.vocabulary and t not in index.comparison_terms
        ]
    ):
        # "ruby vs crystal - quick rundown of how they differ?": nothing but how they
        # differ, which a prose comparison tells point by point.
        result.action = "compare"
        return result
    rows = named_rows(query, index, distinct=True) if index.kb.table else []
    row_terms = set().union(*(index.row_terms[r] for r in rows)) if rows else set()
    only_rows = bool(rows) and set(query.content) <= row_terms
    if rows and (
        (len(query.subjects) > 1 and only_rows) or set(query.words) & lang.difference_words
    ):
        # "Do tea and coffee taste different?": those rows of the comparison.
        result.action = "compare"
        result.rows = rows
        return result

    if last is not None and last.items:
        item = _ordinal(query, lang.ordinals, lang.ordinal_nouns)
        if item is None:
            item = _named_item(query, last.items, index)
        if item is not None and -len(last.items) <= item <= len(last.items):
            result.action = "item"
            result.item = item
            result.subjects = list(last.subjects)
            result.carried = True
            return result

    if last is not None:
        other = _matches(lang.other_patterns, joined) and not query.subjects
        if other and last.subjects and len(all_subjects) > 1:
            result.subjects = [s for s in all_subjects if s not in last.subjects]
            result.action = "repeat"
            result.carried = True
            return result
        if (
            _subject_only(query, index)
            and not _IN_IT.search(joined)  # "what does GenAI do in it?" asks about the last
            and last.kind in ("answer", "compare")
            and (set(query.subjects) != set(last.subjects) or last.kind == "compare")
        ):
            result.carried = True
            shown = index.docs.get(last.passage_ids[0]) if last.passage_ids else None
            if last.kind == "answer" and shown is not None and _on_a_topic(shown, index):
                # After a passage on a topic ("Missing data"), "and in pandas?" asks the
                # same of the other one: that question, found again, not its facet.
                _carry_terms(result, last)
                return result
            result.action = "repeat"
            return result
        if _matches(lang.more_patterns, joined) or _matches(lang.why_patterns, joined):
            result.action = "why" if _matches(lang.why_patterns, joined) else "more"
            result.subjects = list(last.subjects)
            result.carried = True
            return result

    examples = _matches(lang.example_patterns, joined)
    # "examples?", "some ML examples": nothing asked but examples (of subjects named or
    # carried); "the house price example" asks for one example, found by retrieval.
    extra = [t for t in query.content if t not in index.list_terms]
    other_facets = facets_asked(query, index) - {"examples"}
    if examples and not extra and entity is None and not other_facets:
        if not query.subjects and last is not None:
            result.subjects = list(last.subjects) or all_subjects
            result.carried = True
        result.action = "examples" if (result.subjects or not last) else "ask"
        if result.action == "examples" and not result.subjects:
            result.subjects = all_subjects
        return result

    result.entity = entity
    facets = facets_asked(query, index)
    if entity is not None and "how-it-works" in facets and len(all_subjects) > 1:
        # "How does ChatGPT work?" asks how its subject works: the subject stands
        # in for the name, which only says which subject (of several: with one,
        # "how do I get it working on Windows?" asks about Windows).
        subject = index.term_subject[entity]
        result.stand_ins[entity] = subject
        weights.pop(entity, None)
        term = index.subject_term[subject]
        weights[term] = weights.get(term, 0.0) + 1.0
    back = bool(set(query.words) & lang.back_references)
    if last is not None and query.subjects and back and last.kind == "answer" and not entity:
        # "whats the svn counterpart to those" (of CVS modules): what was shown, asked of
        # the subject it names.
        result.carried = True
        result.follows = last.passage_ids
        _carry_terms(result, last)
    if last is not None and not query.subjects and last.kind in ("answer", "compare"):
        unknown = any(lang.salience(w) >= RARE_WORD for w in query.unknown)
        short = len(query.words) <= 7
        if (back or (short and not unknown)) and entity is None:
            result.subjects = list(all_subjects) if both else list(last.subjects)
            result.carried = True
            result.follows = last.passage_ids if last.kind == "answer" else ()
            _carry_terms(result, last)
            for s in last.subjects:
                term = index.subject_term[s]
                weights[term] = weights.get(term, 0.0) + CARRIED_WEIGHT
        elif back and last.entity and entity is None:
            result.entity = last.entity
            weights[last.entity] = weights.get(last.entity, 0.0) + CARRIED_WEIGHT
            result.carried = True
    if (
        last is not None
        and last.kind == "answer"
        and (_IN_IT.search(joined) or _of_both_shown(query, last, index))
    ):
        result.follows = last.passage_ids  # "what does GenAI do in it?"
        parts = [t for t in query.content if query.surface.get(t, t) in lang.part_words]
        wording = [
            t
            for t in query.content
            if t not in parts and lang.salience(query.surface.get(t, t)) < RARE_WORD
        ]  # "play" of "what part does GenAI play in it?"
        if query.subjects and parts and len(parts) + len(wording) == len(query.content):
            # "which bit of that is the GenAI part?": what the passage shown says of
            # GenAI, not the passage about parts.
            for t in parts + wording:
                weights.pop(t, None)
            for t in last.terms:
                weights[t] = weights.get(t, 0.0) + CARRIED_WEIGHT
    if not result.subjects:
        implied = _implied_subject(query, index)
        if implied is not None:
            result.subjects = [implied]
    return result

"""The answer engine: a thin façade over a one-way pipeline of stages.

For each message: clean it; classify its dialogue act (:mod:`bot.acts`);
analyse it once (:mod:`bot.analysis`); resolve it against the conversation
into a plan (:mod:`bot.resolve`); retrieve and rank (:mod:`bot.rank`); judge
whether the best passage answers it (:mod:`bot.answerability`); compose the
reply (:mod:`bot.compose`). Each stage returns data to the next; none calls
back. The console, the Discord bot and the tests all call only this class.
"""

from __future__ import annotations

import gc
import logging
import re
from collections.abc import Callable, Sequence
from contextlib import suppress
from dataclasses import replace
from pathlib import Path

from bot import compose, saved_index
from bot.acts import Act, classify
from bot.analysis import Query, analyse, clean, facets_asked, question_parts
from bot.answerability import Verdict, intent, judge, poses
from bot.compose import quoted
from bot.conversation import ConversationStore, Turn
from bot.index import Index, is_code
from bot.knowledge import DEFAULT_PATH, KnowledgeBase, load
from bot.language import Language, english
from bot.models import Passage, Reply, Source
from bot.rank import Ranked, rank
from bot.resolve import Plan, Sides, contrasted, named_rows, plan
from bot.retrieval import DEFAULT_VARIANT
from bot.suggest import normalized

log = logging.getLogger(__name__)

MAX_QUESTION_CHARS = 2000
BIG = 5000  # passages: a knowledge base whose indexing is worth a log line
MAX_ANSWER_CHARS = compose.MAX_ANSWER_CHARS
SUGGESTIONS = 3
RUNNER_UP = 0.75  # of the best score: a passage ranked next that is shown beside it
MAX_BOTH = 1000  # characters of the best passage and the next: beyond, one is shown
SURE = 0.8  # coverage that answers one question of a message whose other is declined
TOPIC_COVERAGE = 0.6  # a comparison asked about a topic: the section must cover this much
SHARED_WEIGHT = 0.3  # "sync vs copy into the same folder": what both sides are asked about
CANDIDATES = 8  # passages read for each side of "A vs B"
SHORT_PART = 400  # characters: a part of a section this short is shown with the next
POSED_COVERAGE = 0.8  # a passage that asks the judgement asked must cover this much of it


class Engine:
    """Answers questions from one knowledge base.

    Build it with :meth:`load`. It is cheap to call and keeps per-conversation
    memory bounded (see :class:`bot.conversation.ConversationStore`).
    """

    def __init__(
        self,
        kb: KnowledgeBase,
        conversations: ConversationStore | None = None,
        *,
        language: Language | None = None,
        variant: str = DEFAULT_VARIANT,
        params: dict[str, float] | None = None,
        index: Index | None = None,
    ) -> None:
        self.kb = kb
        self.conversations = conversations or ConversationStore()
        self.index = index or Index(kb, language or english(), variant=variant, params=params)
        self.tokenizer = self.index.tokenizer
        self.retriever = self.index.retriever
        self.say = compose.wording_for(self.index)

    @classmethod
    def load(cls, path: str | Path | None = None, *, cache: bool = True) -> Engine:
        """An engine over the knowledge base in ``path`` (``None``: the shipped one).

        With ``cache``, the index is read from its saved copy when the knowledge
        base has not changed since it was saved, and saved once built
        (:mod:`bot.saved_index`).
        """
        folder = Path(path) if path is not None else DEFAULT_PATH
        key = None
        if cache:
            with suppress(OSError):  # an unreadable folder: load() says what is wrong
                key = saved_index.cache_key(folder, DEFAULT_VARIANT, None)
        index = saved_index.load_index(folder, key) if key else None
        if index is not None:
            engine = cls(index.kb, index=index)
        else:
            kb = load(folder)
            if key and len(kb.passages) >= BIG:
                log.info(
                    "indexing %s passages of %s (saved for the next start)",
                    f"{len(kb.passages):,}",
                    folder,
                )
            engine = cls(kb)
            if key:
                saved_index.save_index(folder, key, engine.index)
        engine.index.tokenizer.prepare()
        # What was just built lives as long as the engine: later collections need not
        # look at it again (a full collection took about 225 ms at 10,000 passages).
        gc.freeze()
        return engine

    # ------------------------------------------------------------------ public API

    def ask(self, question: str, conversation: str | None = None) -> Reply:
        """Answer ``question``; follow-ups resolve within the same ``conversation`` key."""
        text = clean(question)
        if not text:
            return Reply(
                "help", self.say("empty"), suggestions=self.kb.suggested_questions[:SUGGESTIONS]
            )
        if len(text) > MAX_QUESTION_CHARS:
            return Reply(
                "refusal",
                self.say("too_long", length=f"{len(text):,}", limit=f"{MAX_QUESTION_CHARS:,}"),
                suggestions=self.kb.suggested_questions[:SUGGESTIONS],
                question=text[:100],
            )
        history = self.conversations.turns(conversation) if conversation else ()
        reply, turn = self._respond(text, history)
        if conversation and turn is not None:
            self.conversations.add(conversation, turn)
        return reply

    def compare(self, aspect: str | None = None) -> Reply:
        """The comparison table: every row, or the one row named by ``aspect`` (id or words)."""
        if not self.kb.table:
            return self._contrast(aspect or "")
        if not aspect:
            return compose.table_reply(self.kb.table, self.index)
        row = self.index.rows.get(aspect)
        if row is None:
            found = named_rows(analyse(clean(aspect), self.index), self.index)
            row = self.index.rows[found[0]] if found else None
        if row is None:
            return Reply(
                "refusal",
                self.say(
                    "no_row", aspect=aspect[:80], rows=", ".join(r.aspect for r in self.kb.table)
                ),
                suggestions=(f"/compare {self.kb.table[0].aspect}",),
            )
        return compose.table_reply((row,), self.index)

    def _contrast(self, aspect: str, subjects: Sequence[str] = (), question: str = "") -> Reply:
        """The comparison of a knowledge base that compares its subjects in prose (of
        two or more ``subjects`` named, else of all), or its points about ``aspect``
        (words of their sections)."""
        named = subjects if len(subjects) > 1 else ()
        points = self.index.contrasts(named) if self.index.compares_in_prose else ()
        if not points:
            return Reply("refusal", self.say("no_table"), suggestions=self._default_suggestions())
        told = self.index.difference_section
        if not aspect and told:
            # The section that tells how they differ ("Differences"): the comparison the
            # source itself sums up, rather than a line from each of its sections.
            name = " vs ".join(self.kb.subject(s).name for s in named)
            # With the sections under it ("Key Differences: Personas", "...: Features").
            passages = [
                p
                for section, parts in self.index.by_section.items()
                if section == told or section.startswith(f"{told}: ")
                for p in parts
            ]
            return compose.contrast_sections(passages, self.index, name=name, question=question)
        if aspect:
            wanted = set(self.tokenizer.tokenize(aspect))
            about = [pt for pt in points if wanted & set(self.tokenizer.tokenize(pt[0].section))]
            if not about:
                sections = ", ".join(p.section for p, _ in points)
                return Reply("refusal", self.say("no_row", aspect=aspect[:80], rows=sections))
            points = tuple(about)
        name = " vs ".join(self.kb.subject(s).name for s in named)
        if len(points) <= 2:
            # One or two sections compare them: those sections, not one line of each.
            passages = [p for pt in points for p in self.index.by_section[pt[0].section]]
            return compose.contrast_sections(passages, self.index, name=name, question=question)
        return compose.contrast_reply(points, self.index, name=name, question=question)

    def _contrast_on(self, query: Query, the_plan: Plan) -> Reply | None:
        """A prose comparison asked about one topic ("how do the DNS resolvers of musl
        and glibc differ?"): the section that answers it, if one does well."""
        if not self.index.compares_in_prose:
            return None
        vocabulary = self.index.retriever.vocabulary
        topic = [
            t for t in query.content if t in vocabulary and t not in self.index.comparison_terms
        ]
        if not topic:
            return None  # "what will feel different on FreeBSD compared to Linux?": all of it
        ranked = rank(query, the_plan, self.index)
        if not ranked or ranked[0].coverage < TOPIC_COVERAGE:
            return None
        if not judge(query, the_plan, ranked, self.index).ok:
            return None
        doc = self.index.docs[ranked[0].hit.id]
        if doc.passage is None:
            return None
        passages = self.index.by_section[doc.passage.section]
        name = " vs ".join(self.kb.subject(s).name for s in query.subjects[:2])
        if len(query.subjects) < 2:
            name = ""
        return compose.contrast_sections(passages, self.index, name=name, question=query.text)

    def _sides(self, query: Query, reply: Reply) -> Reply:
        """``reply``, or where the question sets two things of the source against each
        other ("rclone sync vs rclone copy"), what it says of each."""
        if reply.kind != "answer" or len(set(query.subjects)) > 1:
            return reply
        sides = contrasted(query, self.index)
        if sides is None:
            return reply
        named = {t for side in sides.terms for t in side}
        first = reply.sources[0].passage_id if reply.sources else ""
        if first in self.index.passages and named <= set(self.tokenizer.tokenize(reply.text)):
            # The answer names both: it sets them against each other itself.
            return replace(reply, kind="compare", rows=())
        return self._contrast_sides(query, sides) or reply

    def _contrast_sides(self, query: Query, sides: Sides) -> Reply | None:
        """Two things of the source set against each other: the passage that ranks
        best for each side, with what the rest of the question asks (one passage,
        where the same one holds both)."""
        index = self.index
        named = {t for side in sides.terms for t in side}
        name = f"{sides.name_a} vs {sides.name_b}"
        shared = {t: SHARED_WEIGHT for t in query.content if t not in named}
        chosen: list[tuple[Passage, str]] = []
        for side in sides.terms:
            hits = index.retriever.search(shared | dict.fromkeys(side, 1.0), k=CANDIDATES)
            doc = next(
                (index.docs[h.id] for h in hits if set(side) & h.matched),
                None,
            )
            if doc is None or doc.passage is None:
                return None
            if any(doc.passage is p for p, _ in chosen):
                continue  # one passage holds both sides
            # A passage that names both sides sets them against each other itself; one
            # headed by the side says it all; another, its sentences about the side, then
            # about the rest of the question.
            pieces = index.pieces(doc)
            if named <= {t for _, terms in pieces for t in terms}:
                return compose.contrast_sides(
                    [(doc.passage, " ".join(text for text, _ in pieces))],
                    index,
                    name=name,
                    question=query.text,
                )
            if set(side) & set(self.tokenizer.tokenize(doc.passage.title)):
                chosen.append((doc.passage, " ".join(text for text, _ in pieces)))
                continue
            said = [text for text, terms in pieces if terms & set(side)]
            said += [text for text, terms in pieces if terms & set(shared) and text not in said]
            order = {text: i for i, (text, _) in enumerate(pieces)}
            chosen.append((doc.passage, " ".join(sorted(said, key=order.__getitem__))))
        return compose.contrast_sides(chosen, index, name=name, question=query.text)

    def examples(self, topic: str | None = None) -> Reply:
        """The examples of one subject (its id), or of every subject."""
        ids = [s.id for s in self.kb.subjects]
        subjects = [topic] if topic in ids else ids
        return self._examples(subjects, "")

    def topics(self) -> Reply:
        """What the bot covers, its source and the knowledge-base version."""
        src = self.kb.source
        sections = "\n".join(f"• {s}" for s in self.kb.sections)
        text = (
            f"I answer questions about {self.kb.scope}.\n\nSource: “{src.title}” ({src.date})"
            f"{', ' + src.publisher if src.publisher else ''}.\n"
            f"Knowledge base version {src.version}."
            f"\n\nSections:\n{sections}"
        )
        return Reply("help", text, suggestions=self._default_suggestions())

    def help(self) -> Reply:
        """How to ask, and what to ask."""
        examples = quoted(self.kb.suggested_questions[:3])
        return Reply(
            "help", self.say("help", examples=examples), suggestions=self._default_suggestions()
        )

    def passage(self, passage_id: str) -> Passage:
        """The passage with this id (KeyError if there is none)."""
        return self.index.passages[passage_id]

    def suggest(self, typed: str, limit: int = 25) -> list[str]:
        """Questions the knowledge base answers, best match for ``typed`` first (autocomplete)."""
        limit = max(0, min(limit, 25))
        typed_norm = normalized(typed[:200])
        if not typed_norm:
            return list(self.index.suggestions[:limit])
        typed_terms = self.tokenizer.tokenize(typed_norm, correct=True)
        return self.index.suggester.suggest(typed_norm, typed_terms, limit)

    # ------------------------------------------------------------------ the pipeline

    def _respond(self, text: str, history: Sequence[Turn]) -> tuple[Reply, Turn | None]:
        act = classify(text, self.index.language)
        small = self._act_reply(act)
        if small is not None:
            return small, None
        query = analyse(act.text, self.index)
        if not query.words:
            return self.help(), None
        the_plan = plan(query, history, self.index)
        return self._execute(query, the_plan, history)

    def _act_reply(self, act: Act) -> Reply | None:
        suggestions = self._default_suggestions()
        if act.kind == "greeting":
            return Reply("smalltalk", self.say("greeting"), suggestions=suggestions)
        if act.kind == "thanks":
            return Reply("smalltalk", self.say("thanks"))
        if act.kind == "bye":
            return Reply("smalltalk", self.say("bye"))
        if act.kind == "identity":
            return Reply("smalltalk", self.say("identity"), suggestions=suggestions)
        if act.kind == "help":
            return self.help()
        if act.kind == "command":
            return self._command(act)
        return None

    def _command(self, act: Act) -> Reply | None:
        """Slash commands typed as text (the console, or a message to the bot)."""
        if act.command == "compare":
            return self.compare(act.text or None)
        if act.command == "examples":
            query = analyse(act.text, self.index) if act.text else None
            subject = query.subjects[0] if query and len(query.subjects) == 1 else None
            return self.examples(subject)
        if act.command == "topics":
            return self.topics()
        if act.command == "ask" and act.text:
            return self.ask(act.text)
        return self.help()

    def _execute(
        self, query: Query, the_plan: Plan, history: Sequence[Turn]
    ) -> tuple[Reply, Turn | None]:
        action = the_plan.action
        if action in ("examples", "classify"):
            verdict = intent(query, self.index)
            if not verdict.ok:
                return self._refusal(verdict, []), None
        if action == "compare" and not self.kb.table:
            every = set(query.words) & self.index.language.exhaustive_words
            reply = (None if every else self._contrast_on(query, the_plan)) or self._contrast(
                "", query.subjects, question=query.text
            )  # "every difference" asks for all of it, not the section of a topic named
            return reply, self._turn(query, reply, the_plan)
        if action == "compare":
            rows = [self.index.rows[r] for r in the_plan.rows] or list(self.kb.table)
            reply = compose.table_reply(rows, self.index, question=query.text)
            return reply, self._turn(query, reply, the_plan)
        if action == "examples":
            reply = (
                self._section_example(the_plan.last, query)
                or self._passage_examples(the_plan.last, query)
                or self._examples(the_plan.subjects, query.text)
            )
            return reply, self._turn(query, reply, the_plan)
        if action == "repeat" and the_plan.last is not None:
            repeated = self._repeat(the_plan.last, the_plan.subjects, query)
            if repeated is not None:
                return repeated, self._turn(query, repeated, the_plan)
        if action == "why" and the_plan.last is not None:
            reason = self._why(the_plan.last, query)
            if reason is not None:
                return reason, self._turn(query, reason, the_plan)
            action = "more"
        if action == "more" and the_plan.last is not None:
            reply = self._more(the_plan.last, history)
            return reply, self._turn(query, reply, the_plan)
        if action == "item" and the_plan.last is not None:
            item = self._item(the_plan.last, the_plan.item, query)
            if item is not None:  # the list is still the one shown: "and the last one?"
                turn = replace(self._turn(query, item, the_plan), items=the_plan.last.items)
                return item, turn
        if action == "classify" and the_plan.entity is not None:
            classified = self._classify(the_plan.entity, query)
            if classified is not None:
                return classified, self._turn(query, classified, the_plan)
        if query.about_source and not query.content and not query.subjects:
            # "What is this article about?": its overview.
            overview = next(iter(self.index.by_facet.get("overview", ())), None)
            if overview is None:
                return self.topics(), None
            reply = compose.passages_reply(
                [overview], self.index, scores={}, terms=set(), whole=True, question=query.text
            )
            return reply, self._turn(query, reply, the_plan)
        parts = question_parts(query.focus, self.index.language.question_starts)
        if len(parts) > 1 and action == "ask":
            return self._several(parts, history, query)
        ranked = rank(query, the_plan, self.index)
        verdict = judge(query, the_plan, ranked, self.index)
        if verdict.reason == "no_opinion":
            # "which one should i use, rdb or aof?": a passage ranked lower that asks that
            # judgement itself ("Ok, so what should I use?") is the source's answer.
            posed = next(
                (r for r in ranked[1:] if r.coverage >= POSED_COVERAGE and poses(r, self.index)),
                None,
            )
            if posed is not None:
                ranked = [posed, *(r for r in ranked if r is not posed)]
                verdict = judge(query, the_plan, ranked, self.index)
        if not verdict.ok:
            reply = self._refusal(verdict, ranked)
            return reply, Turn(query.text, "refusal", tuple(the_plan.subjects))
        reply = self._sides(query, self._confident(self._answer(query, the_plan, ranked), ranked))
        reply = self._as_difference(query, reply, the_plan.subjects)
        return reply, self._turn(query, reply, the_plan)

    def _as_difference(self, query: Query, reply: Reply, subjects: Sequence[str] = ()) -> Reply:
        """``reply`` as a comparison where it answers "the difference" between the
        subjects named from a passage about them together (no single one): "What's the
        difference between ML and GenAI?" is the passage that says it, which compares
        them (the whole comparison one button away). ``subjects``: those the
        conversation carries ("whats the actual difference between them")."""
        lang = self.index.language
        asked = set(query.words) & (lang.difference_words | lang.versus_words)
        if len(set(query.subjects) | set(subjects)) < 2 or not asked or reply.kind != "answer":
            return reply
        first = self.index.passages.get(reply.sources[0].passage_id) if reply.sources else None
        if first is None or first.subject:
            return reply
        return replace(reply, kind="compare", rows=())

    @staticmethod
    def _confident(reply: Reply, ranked: list[Ranked]) -> Reply:
        """The reply with its confidence: how much of the question its best passage covers."""
        return replace(reply, confidence=round(ranked[0].coverage, 4)) if ranked else reply

    def _several(
        self, parts: list[str], history: Sequence[Turn], whole: Query
    ) -> tuple[Reply, Turn | None]:
        """Several questions in one message: the best answered one, unless another is
        declined and the best is not answered well ("does AI use much power? is it bad?")."""
        judged = []
        for part in parts:
            query = analyse(part, self.index)
            if not query.words:
                continue
            the_plan = plan(query, history, self.index)
            ranked = rank(query, the_plan, self.index)
            judged.append((query, the_plan, ranked, judge(query, the_plan, ranked, self.index)))
        answered = [j for j in judged if j[3].ok and j[2]]
        declined = [j for j in judged if not j[3].ok]
        if answered:
            best = max(answered, key=lambda j: self._specificity(j[0], j[2][0]))
            if not declined or best[2][0].coverage >= SURE:
                query, the_plan, ranked, _ = best
                reply = self._confident(self._answer(query, the_plan, ranked), ranked)
                # "ml and gen ai, what is the difference? explain me please"
                reply = self._as_difference(whole, self._sides(query, reply), the_plan.subjects)
                return reply, self._turn(query, reply, the_plan)
        if not declined:
            return self.help(), None
        query, the_plan, ranked, verdict = declined[0]
        return self._refusal(verdict, ranked), Turn(whole.text, "refusal", tuple(the_plan.subjects))

    def _specificity(self, query: Query, top: Ranked) -> float:
        """How much a question says that its best passage matches: "how does Netflix
        know what to show me?" more than "is that AI?"."""
        matched = top.hit.matched & set(query.content)
        return top.coverage * sum(self.retriever.idf(t) for t in matched)

    def _turn(self, query: Query, reply: Reply, the_plan: Plan) -> Turn:
        ids = tuple(s.passage_id for s in reply.sources)
        first = self.index.docs.get(ids[0]) if ids else None
        subjects = list(the_plan.subjects)
        if not subjects and first is not None and first.subject:
            subjects = [first.subject]
        return Turn(
            question=query.text,
            kind=reply.kind,
            subjects=tuple(subjects),
            passage_ids=ids,
            facet=first.facet if first is not None else None,
            terms=tuple(query.content),
            entity=the_plan.entity,
            items=_items(reply)
            if first is not None and first.passage and first.passage.is_list
            else (),
        )

    # ------------------------------------------------------------------ answers

    def _answer(self, query: Query, the_plan: Plan, ranked: list[Ranked]) -> Reply:
        index = self.index
        scores = {r.hit.id: r.hit.score for r in ranked}
        subjects = the_plan.subjects
        top = ranked[0]
        asked = facets_asked(query, index)
        if (
            len(subjects) == 1
            and not query.content
            and not the_plan.carried
            and not the_plan.follows
            and asked <= {"definition"}
            and not (
                set(query.words) & index.language.back_references
                and top.hit.matched & set(query.context)
            )
        ):  # "... guess what a house is worth. How would ML do that?": the story's house
            # "What is generative AI?", "explain ML": the subject's definition.
            definition = self._facet_passage(subjects[0], "definition") or self.index.defining(
                subjects[0]
            )
            if definition is not None:
                return compose.passages_reply(
                    [definition],
                    index,
                    scores=scores,
                    terms=set(query.terms),
                    whole=False,
                    question=query.text,
                )
        doc = index.docs[top.hit.id]
        separate = "each" in query.words or doc.subject or top.coverage < 1
        if len(subjects) > 1 and "together" not in asked and separate:
            # "How do ML and GenAI each work?": the facet asked, for every subject named.
            for facet in sorted(asked):
                pair = [self._facet_passage(s, facet) for s in subjects]
                if all(pair):
                    return compose.passages_reply(
                        [p for p in pair if p],
                        index,
                        scores=scores,
                        terms=set(query.terms),
                        whole=True,
                        question=query.text,
                    )
        if doc.row is not None:
            rows = [index.rows[r] for r in named_rows(query, index, distinct=True)]
            if len(rows) > 1 and len(subjects) != 1:
                return compose.table_reply(rows, index, scores=scores, question=query.text)
            if doc.id in index.explained_rows and len(subjects) < 2:
                # A row its section says again in passages: the passage of it that ranks
                # best answers a question of one side better than the row cut to fit.
                homes = set(index.row_homes[doc.id])
                parts = [r for r in ranked if r.hit.id in homes]
                if parts:
                    top, doc = parts[0], index.docs[parts[0].hit.id]
        if doc.row is not None:
            focus = subjects[0] if len(subjects) == 1 else None
            return compose.row_reply(
                doc.row, index, focus, score=top.hit.score, question=query.text
            )
        if doc.passage is None:  # every document is a passage or a row
            raise LookupError(doc.id)
        chosen = [doc.passage]
        if len(subjects) > 1 and doc.subject:
            for other in subjects:
                if other == doc.subject:
                    continue
                partner = next(
                    (
                        index.docs[r.hit.id].passage
                        for r in ranked
                        if index.docs[r.hit.id].subject == other
                        and index.docs[r.hit.id].facet == doc.facet
                    ),
                    None,
                ) or self._facet_passage(other, doc.facet)
                if partner is not None:
                    chosen.append(partner)
        for facet in sorted(asked - {doc.facet}) if len(asked) > 1 else ():
            # "What is X and how does it work?": one passage per facet asked.
            extra = self._facet_passage(doc.subject, facet) if doc.subject else None
            if extra is not None and extra not in chosen and len(chosen) < 2:
                chosen.append(extra)
        wants_list = bool(set(query.words) & index.language.list_words)
        if len(chosen) == 1 and not wants_list:
            rest = self._rest_of_section(doc.passage, set(query.content) - top.hit.matched)
            if rest is None:
                rest = self._runner_up(doc.passage, ranked, set(query.content))
            if rest is None and not doc.passage.is_list:
                rest = self._next_part(doc.passage)
            if rest is not None:
                return compose.passages_reply(
                    [doc.passage, rest],
                    index,
                    scores=scores,
                    terms=set(the_plan.weights),
                    whole=False,
                    question=query.text,
                )
        return compose.passages_reply(
            chosen,
            index,
            scores=scores,
            terms=the_plan.weights,
            whole=wants_list,
            question=query.text,
        )

    def _runner_up(
        self, passage: Passage, ranked: list[Ranked], content: set[str]
    ) -> Passage | None:
        """The passage ranked next where it ranks about as well as the best and holds a
        word of the question the best lacks: the two are shown, not a guess of one."""
        if len(ranked) < 2:
            return None
        top, runner = ranked[0], ranked[1]
        doc = self.index.docs[runner.hit.id]
        adds = (runner.hit.matched - top.hit.matched) & content
        if runner.score < RUNNER_UP * top.score or not adds or doc.passage is None:
            return None
        if doc.passage == passage or len(passage.text) + len(doc.passage.text) > MAX_BOTH:
            return None  # the two cut to fit would lose what either says
        return doc.passage

    def _rest_of_section(self, passage: Passage, missing: set[str]) -> Passage | None:
        """The sentences of ``passage``'s section, outside it, that hold the question's
        terms it lacks ("... and Cargofile?" answered in the section's next paragraph),
        as one passage; None when there are none."""
        missing &= self.index.retriever.vocabulary
        siblings = [p for p in self.index.by_section.get(passage.section, ()) if p != passage]
        if not missing or not siblings:
            return None
        found = [
            text
            for p in siblings
            for text, terms in self.index.pieces(self.index.docs[p.id])
            if terms & missing
        ]
        if not found:
            return None
        text = " ".join(found[:2])
        if len(passage.text) + len(text) + 2 > MAX_ANSWER_CHARS:
            return None  # both in full, or the passage alone
        first = next(p for p in siblings if any(t in p.text for t in found))
        return replace(first, text=text, is_list=False, subject="", facet="")

    def _next_part(self, passage: Passage) -> Passage | None:
        """The part of ``passage``'s section that follows it, where ``passage`` is short
        enough to be a lead-in ("This has turned out to be a polarizing issue and
        requires a long explanation.") and both fit in one answer; else None."""
        if len(passage.text) >= SHORT_PART:
            return None
        parts = self.index.by_section.get(passage.section, ())
        at = next((i for i, p in enumerate(parts) if p.id == passage.id), None)
        if at is None or at + 1 >= len(parts):
            return None
        following = parts[at + 1]
        if following.facet not in ("", following.id):
            return None  # a topic of its own ("the difference"), not the rest of this one
        if passage.subject and following.subject and following.subject != passage.subject:
            return None  # what the section says of the other subject
        if following.is_list or len(passage.text) + len(following.text) + 2 > MAX_ANSWER_CHARS:
            return None
        return following

    def _facet_passage(self, subject: str, facet: str) -> Passage | None:
        return next(iter(self.index.by_subject_facet.get((subject, facet), ())), None)

    def _examples(self, subjects: Sequence[str], question: str) -> Reply:
        chosen = [p for s in subjects for p in self.index.by_subject_facet.get((s, "examples"), ())]
        if not chosen:
            chosen = list(self.index.by_facet.get("examples", ()))
        if not chosen:
            return Reply(
                "refusal", self.say("no_examples"), suggestions=self._default_suggestions()
            )
        return compose.passages_reply(
            chosen, self.index, scores={}, terms=set(), whole=True, question=question
        )

    def _section_example(self, last: Turn | None, query: Query) -> Reply | None:
        """ "An example?" after a general passage: the example given in its section."""
        if last is None or query.subjects or not last.passage_ids:
            return None
        doc = self.index.docs.get(last.passage_ids[0])
        if doc is None or doc.passage is None or doc.subject:
            return None
        example = next(
            (
                p
                for p in self.index.by_section[doc.passage.section]
                if "example" in p.facet and p.id != doc.id
            ),
            None,
        )
        if example is None:
            return None
        return compose.passages_reply(
            [example], self.index, scores={}, terms=set(), whole=True, question=query.text
        )

    def _passage_examples(self, last: Turn | None, query: Query) -> Reply | None:
        """ "Examples?" after a passage on a topic of its own (no facet the language
        names, such as a FAQ's answer): the sentences of it that give examples ("flags
        like --opt-level=3"), rather than the subject's examples in general."""
        index = self.index
        if last is None or not last.passage_ids:
            return None
        doc = index.docs.get(last.passage_ids[0])
        if doc is None or doc.passage is None:
            return None
        if doc.facet in index.language.facets:
            return self._section_code(doc.passage, query)
        marker = index.language.illustrative
        # Its own sentences first, then those of the rest of its section (a section
        # split in parts gives its example further on: "An example ... is AES.").
        for passage in _section_from(doc.passage, index):
            chosen = [
                text for text, _ in index.pieces(index.docs[passage.id]) if marker.search(text)
            ]
            if chosen:
                return _part_of(passage, " ".join(chosen), query)
        return self._section_code(doc.passage, query)

    def _section_code(self, shown: Passage, query: Query) -> Reply | None:
        """The code a passage shows, or else its section ("how do named arguments
        work?" then "example?": "def process_data(a, b) ... process_data(b: 2)")."""
        index = self.index
        for passage in dict.fromkeys([shown, *index.by_section.get(shown.section, ())]):
            code = [text for text, _ in index.pieces(index.docs[passage.id]) if is_code(text)]
            if code:
                return _part_of(passage, "\n".join(code), query)
        return None

    def _item(self, last: Turn, item: int, query: Query) -> Reply | None:
        """ "Tell me more about the second one": that item of the list just shown."""
        doc = self.index.docs.get(last.passage_ids[0]) if last.passage_ids else None
        if doc is None or doc.passage is None:
            return None
        chosen = last.items[item - 1 if item > 0 else item]
        return _part_of(doc.passage, chosen, query)

    def _repeat(self, last: Turn, subjects: Sequence[str], query: Query) -> Reply | None:
        """The last question again, about other subjects ("and ML?", "the other one?")."""
        if not subjects:
            return None
        if last.facet == "row" and last.passage_ids:
            row = self.index.rows.get(last.passage_ids[0])
            if row is not None:
                focus = subjects[0] if len(subjects) == 1 else None
                return compose.row_reply(row, self.index, focus, question=query.text)
        shown = self.index.docs.get(last.passage_ids[0]) if last.passage_ids else None
        if shown is not None and shown.passage is not None and shown.passage.is_list:
            # "What pans work on induction?" then "and gas?": that list's gas items.
            terms = {self.index.subject_term[s] for s in subjects}
            text = compose.list_items(shown.passage, terms, self.index, whole=False)
            if text.count("\n") < len(shown.passage.text.splitlines()):
                return _part_of(shown.passage, text, query)
        facet = last.facet or "definition"
        chosen = [p for s in subjects if (p := self._facet_passage(s, facet)) is not None]
        if not chosen:
            chosen = [
                p for s in subjects if (p := self._facet_passage(s, "definition")) is not None
            ]
        if not chosen:
            return None
        return compose.passages_reply(
            chosen, self.index, scores={}, terms=set(last.terms), whole=True, question=query.text
        )

    def _why(self, last: Turn, query: Query) -> Reply | None:
        """ "why?" after an answer: the sentences of that passage that give a reason."""
        doc = self.index.docs.get(last.passage_ids[0]) if last.passage_ids else None
        if doc is None or doc.passage is None:
            return None
        causal = self.index.language.causal
        # The reason is in the passage shown, or else in another part of its section
        # ("why tho" of a first part whose next part says "for size reasons").
        parts = [doc] + [
            self.index.docs[p.id]
            for p in self.index.by_section.get(doc.passage.section, ())
            if p.id != doc.id and p.id in self.index.docs
        ]
        for part in parts:
            pieces = self.index.pieces(part)
            reasons = [text for text, terms in pieces if causal.search(text)]
            related = [t for t, terms in pieces if causal.search(t) and terms & set(last.terms)]
            chosen = related or reasons
            if chosen and part.passage is not None:
                return _part_of(part.passage, " ".join(chosen), query)
        if _ASKS_WHY.match(doc.passage.section):
            # "Why doesn't set -Ux work?" answered: the passage shown is the reason.
            return _part_of(doc.passage, doc.passage.text, query)
        return None

    def _more(self, last: Turn, history: Sequence[Turn]) -> Reply:
        """ "Tell me more", "why?": the next passage on the same subject not yet shown."""
        shown = {pid for t in history for pid in t.passage_ids}
        subjects = set(last.subjects)
        first = self.index.docs.get(last.passage_ids[0]) if last.passage_ids else None
        section = first.passage.section if first is not None and first.passage else None
        index = self.index
        on_subject = [index.by_subject.get(s, ()) for s in subjects or {""}]
        here = index.by_section.get(section, ()) if section is not None else ()
        # The first passage not yet shown: of the section and on the subject, of the
        # section, on the subject, any; each group read in source order, skipping
        # only what was shown.
        pool = [
            p
            for p in (
                _first(here, shown, lambda p: p.subject in subjects or not (subjects or p.subject)),
                _first(here, shown),
                min(
                    (q for q in (_first(group, shown) for group in on_subject) if q is not None),
                    key=lambda p: index.position[p.id],
                    default=None,
                ),
                _first(self.kb.passages, shown),
            )
            if p is not None
        ][:1]
        if not pool:
            return Reply(
                "answer",
                self.say("more_done")
                + " "
                + self.say("try")
                + " "
                + quoted(self._default_suggestions())
                + ".",
                suggestions=self._default_suggestions(),
            )
        return compose.passages_reply(pool[:1], self.index, scores={}, terms=set(), whole=True)

    def _classify(self, entity: str, query: Query) -> Reply | None:
        """Which subject a named thing belongs to: the passage that names it."""
        hits = self.retriever.search({entity: 1.0}, k=5)
        for hit in hits:
            doc = self.index.docs[hit.id]
            if doc.passage is not None and doc.subject:
                return compose.passages_reply(
                    [doc.passage],
                    self.index,
                    scores={hit.id: hit.score},
                    terms={entity},
                    whole=False,
                    question=query.text,
                )
        return None

    # ------------------------------------------------------------------ refusals

    def _refusal(self, verdict: Verdict, ranked: list[Ranked]) -> Reply:
        say = self.say
        reason = verdict.reason
        if reason == "question_type":
            lead = verdict.template.format(source=self.kb.source_kind, clause=verdict.missing)
            lead = lead[0].upper() + lead[1:]
        elif reason in ("not_mentioned", "not_explained") and verdict.missing:
            lead = say(reason, missing=verdict.missing)
        elif reason == "not_mentioned":
            lead = say("not_found")
        else:
            lead = say(reason)
        nearby = [q for r in ranked[:3] if (q := self.index.first_question(r.hit.id))]
        nearby = list(dict.fromkeys(nearby))[:2] if reason not in ("out_of_scope", "live") else []
        if nearby:
            text = f"{lead} {say('nearby')} {quoted(nearby)}."
            suggestions = tuple(nearby)
        else:
            suggestions = self._default_suggestions()
            text = f"{lead} {say('try')} {quoted(suggestions)}."
        return Reply("refusal", text, suggestions=suggestions)

    def _default_suggestions(self) -> tuple[str, ...]:
        return self.kb.suggested_questions[:SUGGESTIONS]


def _items(reply: Reply) -> tuple[str, ...]:
    """The list items an answer shows ("• Fraud Detection: ..."), without the bullet."""
    if reply.kind != "answer":
        return ()
    return tuple(line[2:] for line in reply.text.splitlines() if line.startswith("• "))


def _section_from(passage: Passage, index: Index) -> list[Passage]:
    """A passage, then the passages after it in its section, in source order."""
    here = list(index.by_section.get(passage.section, ()))
    return here[here.index(passage) :] if passage in here else [passage]


_ASKS_WHY = re.compile(r"^why\b", re.I)  # a heading that asks why: its text is the reason


def _part_of(passage: Passage, text: str, query: Query) -> Reply:
    """An answer of some of ``passage``'s sentences or items, citing it."""
    source = Source(passage.id, passage.section, passage.title, 0.0)
    return Reply("answer", compose.fit([text]), sources=(source,), question=query.text)


def _first(
    passages: Sequence[Passage],
    shown: set[str],
    wanted: Callable[[Passage], bool] | None = None,
) -> Passage | None:
    """The first of ``passages`` not ``shown`` (and ``wanted``)."""
    return next((p for p in passages if p.id not in shown and (wanted is None or wanted(p))), None)


__all__ = ["MAX_ANSWER_CHARS", "MAX_QUESTION_CHARS", "Engine"]

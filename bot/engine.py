"""The answer engine: from a question to a grounded reply.

The engine carries the whole answer logic, shared by the console, the Discord
bot and the tests. For each question it decides what kind of reply fits
(small talk, help, the comparison table, an answer, or a refusal), resolves
follow-ups against the same conversation's earlier turns, retrieves passages
with BM25 and composes a short answer from the article's own sentences, with
its sources.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from bot.conversation import ConversationStore, Turn
from bot.knowledge import KnowledgeBase, load
from bot.models import Kind, Passage, Reply, Source, TableRow
from bot.retrieval import DEFAULT_VARIANT, Document, Hit, Retriever
from bot.text import STOPWORDS, Tokenizer, contains, normalize, words

MAX_QUESTION_CHARS = 2000
MAX_ANSWER_CHARS = 800
# How much a passage about the side a question names counts for, and one
# about the other side (measured on tests/data/regression.yaml).
_SAME_TOPIC = 1.3
_OTHER_TOPIC = 0.5
_LIST_BOOST = 1.5
TOPIC_NAMES = {"ml": "Machine Learning", "genai": "Generative AI"}

# Cues in how a question is put (English, not knowledge): they decide the kind
# of reply, never its content.
_GREETINGS = {
    ("hi",),
    ("hello",),
    ("hey",),
    ("heya",),
    ("hiya",),
    ("howdy",),
    ("yo",),
    ("sup",),
    ("greetings",),
    ("good", "morning"),
    ("good", "afternoon"),
    ("good", "evening"),
    ("whats", "up"),
    ("hey", "there"),
    ("hi", "there"),
    ("hello", "there"),
}
_THANKS = {
    ("thanks",),
    ("thank", "you"),
    ("thx",),
    ("ty",),
    ("cheers",),
    ("thank", "u"),
    ("many", "thanks"),
    ("thanks", "a", "lot"),
    ("appreciate", "it"),
    ("great",),
    ("awesome",),
    ("cool",),
    ("nice",),
    ("ok",),
    ("okay",),
    ("got", "it"),
    ("perfect",),
    ("thanks", "so", "much"),
    ("thank", "you", "so", "much"),
    ("good", "bot"),
    ("great", "answer"),
}
_THANK_WORDS = {"thanks", "thank", "thx", "ty", "appreciated", "appreciate", "cheers", "thankyou"}
_BYES = {
    ("bye",),
    ("goodbye",),
    ("bye", "bye"),
    ("see", "you"),
    ("see", "ya"),
    ("cya",),
    ("later",),
}
_HELP_PATTERNS = tuple(
    re.compile(p)
    for p in (
        r"^(help|menu|usage|commands|options|\?+)$",
        r"\b(list|show|see|give)\b.*\bcommands\b",
        r"\b(your|the|bot|available|slash) commands\b",
        r"\b(what|which) (commands|options)\b",
        r"\bcommands? (do|can) (you|i)\b",
        r"\bwhat (can|do) you (do|know|cover|answer)\b",
        r"\bwhat (can|should|do) i ask\b",
        r"\bhow (do|can|should) i (use|ask|talk to) (you|this|the bot|it)\b",
        r"\bhow does this (bot )?work\b",
        r"\bwhat (topics|questions)\b.*\b(you|cover|answer|ask)\b",
        r"\b(can|could) you help\b",
        r"\bhelp me\b$",
        r"^(show )?(the )?help\b",
    )
)
_IDENTITY_PATTERNS = tuple(
    re.compile(p)
    for p in (
        r"\bwho (are|r) (you|u)\b",
        r"\bwhat (are|r) (you|u)\b$",
        r"\bwhats? (is )?your name\b",
        r"\bare you (a )?(bot|human|robot|ai|real)\b",
        r"\bwho (made|built|created|wrote) you\b",
        r"\bintroduce yourself\b",
    )
)
_COMPARE_WORDS = {
    "compare",
    "comparison",
    "comparisons",
    "compared",
    "comparing",
    "contrast",
    "table",
    "chart",
    "matrix",
    "grid",
    "sidebyside",
}
_VERSUS = {"vs", "versus"}
_LIST_CUES = {
    "examples",
    "some",
    "list",
    "name",
    "tools",
    "apps",
    "products",
    "services",
    "kinds",
    "types",
    "ways",
    "applications",
    "uses",
    "which",
    "all",
}
_LIST_ASKS = {
    "list",
    "name",
    "examples",
    "instances",
    "tools",
    "apps",
    "products",
    "applications",
    "services",
}
_BOTH = {"each", "both", "two", "together"}
_PERSONAL = {"i", "my", "mine", "myself", "we", "our"}
_DEFINITION_WORDS = {
    "what",
    "whats",
    "explain",
    "define",
    "definition",
    "meaning",
    "mean",
    "means",
    "describe",
    "about",
    "overview",
    "intro",
    "introduction",
    "basics",
    "simple",
    "simply",
    "terms",
    "beginner",
    "beginners",
    "summary",
    "exactly",
    "stand",
    "concept",
    "idea",
    "short",
    "brief",
    "briefly",
    "eli5",
    "word",
    "words",
}
_REFERENCES = {
    "article",
    "example",
    "examples",
    "author",
    "takeaway",
    "summary",
    "summarize",
    "conclusion",
    "tldr",
}
_BACK_REFERENCES = {
    "it",
    "its",
    "they",
    "them",
    "their",
    "this",
    "that",
    "these",
    "those",
    "each",
    "both",
    "one",
    "ones",
    "same",
    "more",
}
_SWITCH_FILLER = {
    "and",
    "what",
    "whats",
    "about",
    "how",
    "for",
    "the",
    "same",
    "then",
    "of",
    "with",
    "in",
    "case",
    "question",
    "now",
    "also",
    "again",
    "regarding",
    "re",
}
_MORE = re.compile(r"^(tell me |say |go on|and )?(more|go on|continue|keep going|elaborate)\b")


_CHAT_MARKUP = re.compile(r"<(?:@[!&]?|#|a?:\w+:)\d+>|@everyone|@here")


def _clean(question: str) -> str:
    """Drop chat mentions, control and formatting characters; collapse whitespace."""
    question = _CHAT_MARKUP.sub(" ", question)
    kept = "".join(ch if ch.isprintable() or ch.isspace() else " " for ch in question)
    return " ".join(kept.split())


@dataclass
class _Query:
    """A question, analysed once."""

    text: str
    words: list[str]
    units: list[tuple[str, ...]]
    terms: list[str]
    topics: set[str] = field(default_factory=set)


@dataclass(frozen=True)
class _Composed:
    reply: Reply
    turn: Turn | None


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
        variant: str = DEFAULT_VARIANT,
        params: dict[str, float] | None = None,
    ) -> None:
        self.kb = kb
        self.conversations = conversations or ConversationStore()
        vocab = kb.vocabulary
        known: list[str] = list(vocab.question_words)
        for p in kb.passages:
            known += [p.title, p.text, p.section, *p.questions, *p.keywords]
        for r in kb.table:
            known += [r.aspect, r.ml, r.genai, *r.keywords]
        self.tokenizer = Tokenizer(vocab.synonyms, known)
        tok = self.tokenizer

        def terms(parts: Iterable[str]) -> tuple[str, ...]:
            return tuple(t for part in parts for t in tok.tokenize(part, correct=False))

        docs = [
            Document(p.id, terms([p.title, p.text, *p.questions, *p.keywords])) for p in kb.passages
        ] + [
            # A row speaks for both sides, so it carries both names.
            Document(r.id, terms([r.aspect, r.ml, r.genai, *r.keywords, *TOPIC_NAMES.values()]))
            for r in kb.table
        ]
        self.retriever = Retriever(docs, variant, params)
        self._passages = {p.id: p for p in kb.passages}
        self._rows = {r.id: r for r in kb.table}
        self._topic_terms = {
            "ml": tuple(tok.tokenize("machine learning", correct=False)),
            "genai": tuple(tok.tokenize("generative ai", correct=False)),
        }
        self._anchors = [tuple(tok.tokenize(a, correct=False)) for a in vocab.anchors]
        self._topic_phrases = [tuple(tok.tokenize(t, correct=False)) for t in vocab.topic_terms]
        self._neutral = {tok.stem(w) for q in vocab.question_words for w in words(q)}
        self._references = {tok.stem(w) for w in _REFERENCES}
        self._tasks = {t for task in vocab.task_terms for t in tok.tokenize(task, correct=False)}
        # A marker starting with "^" only counts at the start ("^recommend":
        # "Recommend a movie", not "How do engines recommend a song?").
        self._realtime = [
            re.compile(
                ("^" if m.startswith("^") else r"\b") + re.escape(" ".join(words(m))) + r"\b"
            )
            for m in vocab.realtime_markers
        ]
        self._topic_stems = {t for phrase in self._topic_terms.values() for t in phrase}
        self._compare_stems = {tok.stem(w) for w in _COMPARE_WORDS | _VERSUS} | {"side"}
        self._row_only = self._row_terms()
        self._suggestions = self._suggestion_index()
        self._suggestion_terms = [
            (q, " ".join(words(q)), frozenset(tok.tokenize(q, correct=False)))
            for q in self._suggestions
        ]
        self._anchor_terms = {t for a in self._anchors for t in a}

    @classmethod
    def load(cls, path: str | Path | None = None) -> Engine:
        """An engine over the knowledge base in ``path`` (``None``: the shipped one)."""
        return cls(load(path))

    # ------------------------------------------------------------------ public API

    def ask(self, question: str, conversation: str | None = None) -> Reply:
        """Answer ``question``; follow-ups resolve within the same ``conversation`` key."""
        text = _clean(question)
        if not text:
            return Reply(
                "help",
                "Ask me a question about Machine Learning or Generative AI, "
                "for example: " + self._quoted(self.kb.suggested_questions[:2]) + ".",
                suggestions=self.kb.suggested_questions[:3],
            )
        if len(text) > MAX_QUESTION_CHARS:
            return Reply(
                "refusal",
                f"That message is {len(text):,} characters long; please ask "
                f"in under {MAX_QUESTION_CHARS:,} characters, one question at a time.",
                suggestions=self.kb.suggested_questions[:3],
                question=text[:100],
            )
        history = self.conversations.turns(conversation) if conversation else ()
        composed = self._respond(text, history)
        if conversation and composed.turn is not None:
            self.conversations.add(conversation, composed.turn)
        return composed.reply

    def compare(self, aspect: str | None = None) -> Reply:
        """The comparison table: every row, or the one row named by ``aspect`` (id or words)."""
        if not aspect:
            return self._table_reply(self.kb.table, ())
        row = self._rows.get(aspect) or self._find_row(aspect)
        if row is None:
            names = ", ".join(r.aspect for r in self.kb.table)
            return Reply(
                "refusal",
                f"The comparison has no row about “{aspect[:80]}”. Its rows are: {names}.",
                suggestions=("Compare ML and GenAI",),
            )
        return self._table_reply((row,), ())

    def examples(self, topic: str | None = None) -> Reply:
        """The article's examples of ``topic`` ("ml" or "genai"), or of both."""
        topics = [topic] if topic in TOPIC_NAMES else list(TOPIC_NAMES)
        chosen = [
            p for t in topics for p in self.kb.passages if p.topic == t and p.facet == "examples"
        ]
        if not chosen:
            return Reply("refusal", "The knowledge base has no examples for that topic.")
        return self._passages_reply(chosen, {}, set(), whole=True).reply

    def topics(self) -> Reply:
        """What the bot covers, its source article and the knowledge-base version."""
        src = self.kb.source
        sections = "\n".join(f"• {s}" for s in self.kb.sections)
        text = (
            f"I answer questions about {self.kb.scope}.\n\nSource: “{src.title}” ({src.date})"
            f"{', ' + src.publisher if src.publisher else ''}.\n"
            f"Knowledge base version {src.version}."
            f"\n\nSections:\n{sections}"
        )
        return Reply("help", text, suggestions=self.kb.suggested_questions[:3])

    def help(self) -> Reply:
        """How to ask, and what to ask."""
        src = self.kb.source
        text = (
            f"I answer questions about Machine Learning vs Generative AI, grounded in the article "
            f"“{src.title}” ({src.date}); every answer quotes the article and says where it came "
            "from, and I say so when something is outside it.\n\n"
            "Ask in plain words, e.g. " + self._quoted(self.kb.suggested_questions[:3]) + ". "
            "Follow-ups work too (“examples?”, “and ML?”).\n"
            "Commands: /ask, /compare (the side-by-side table, or one row), /examples, "
            "/topics (what I cover and my source), /help."
        )
        return Reply("help", text, suggestions=self.kb.suggested_questions[:3])

    def passage(self, passage_id: str) -> Passage:
        """The passage with this id (KeyError if there is none)."""
        return self._passages[passage_id]

    def suggest(self, typed: str, limit: int = 25) -> list[str]:
        """Questions the knowledge base answers, best match for ``typed`` first (autocomplete)."""
        limit = max(0, min(limit, 25))
        typed_norm = " ".join(words(typed))
        if not typed_norm:
            return list(self._suggestions[:limit])
        typed_terms = set(self.tokenizer.tokenize(typed))
        typed_words = typed_norm.split()
        last = typed_words[-1]
        scored: list[tuple[float, int, str]] = []
        for order, (candidate, cand_norm, cand_terms) in enumerate(self._suggestion_terms):
            score = sum(self.retriever.idf(t) + 1.0 for t in typed_terms & cand_terms)
            if cand_norm.startswith(typed_norm):
                score += 10.0
            elif typed_norm in cand_norm:
                score += 5.0
            if len(last) >= 2 and any(w.startswith(last) for w in cand_norm.split()):
                score += 1.0
            if score > 0:
                scored.append((-score, order, candidate))
        scored.sort()
        return [c for _, _, c in scored[:limit]]

    # ------------------------------------------------------------------ analysis

    def _analyse(self, text: str) -> _Query:
        units = self.tokenizer.units(text)
        terms = self.tokenizer.terms_of(units)
        query = _Query(text, words(text), units, terms)
        query.topics = {t for t, phrase in self._topic_terms.items() if contains(terms, phrase)}
        return query

    def _scope(self, query: _Query) -> bool:
        """Whether a question is about what the knowledge base covers.

        In order: a question naming the subject (an anchor: "machine
        learning", "ChatGPT") is in scope; one asking for something personal or
        live ("tomorrow", "recommend me") is not; one built on the article's
        own concepts ("fraud", "predictive analytics") is. Otherwise the
        question must be mostly made of the article's words, two or more of
        them found together in one passage, about something the article's
        systems do ("detect", "predict"): "How do banks spot unusual spending?"
        is in scope, "How does the stock market work?" is not.
        """
        terms = query.terms
        if any(contains(terms, a) for a in self._anchors if a):
            return True
        joined = " ".join(query.words)
        if any(p.search(joined) for p in self._realtime):
            return False
        if any(contains(terms, t) for t in self._topic_phrases if t):
            return True
        content = [t for t in terms if t not in self._neutral]
        known = [t for t in content if t in self.retriever.vocabulary]
        unknown = len(content) - len(known)
        if _PERSONAL & set(query.words) or self._names_unknown_entity(query):
            return False
        if self._references & set(terms):  # "the house example", "in the article"
            return unknown == 0 and (bool(known) or "article" in query.words)
        if _BOTH & set(query.words):  # "what role does each one play?": the two subjects
            return unknown == 0 and bool(known)
        return (
            len(known) >= 2
            and len(known) > unknown
            and self.retriever.overlap(known) >= 2
            and bool(self._tasks & set(known))
        )

    def _covered(self, query: _Query, hits: list[Hit]) -> bool:
        """Whether the question asks about something the article says.

        "Will AI take my job?" names the subject but asks about things the
        article never mentions: when no passage matches anything but the
        subject's name and two or more of the question's words are unknown to
        the knowledge base, the answer is "not in the article" rather than a
        passage that only shares the word "AI".
        """
        content = [t for t in query.terms if t not in self._neutral]
        unknown = [
            t for t in content if t not in self.retriever.vocabulary and len(t) > 3 and t.isalpha()
        ]
        if len(unknown) < 2:
            return True
        return any(h.matched - self._anchor_terms - self._neutral for h in hits)

    def _names_unknown_entity(self, query: _Query) -> bool:
        """A capitalised word the knowledge base does not know ("Berlin", "Mona Lisa")."""
        tokens = re.findall(r"[^\W\d_]+", query.text)
        for token in tokens[1:]:
            if token[0].isupper() and not token.isupper():
                term = self.tokenizer.stem(normalize(token))
                if term not in self.retriever.vocabulary and term not in self._neutral:
                    return True
        return False

    def _row_terms(self) -> dict[str, set[str]]:
        """Terms that point at one table row rather than at the subject as a whole."""
        common = set(self._topic_terms["ml"]) | set(self._topic_terms["genai"])
        out: dict[str, set[str]] = {}
        for row in self.kb.table:
            terms = set(
                self.tokenizer.tokenize(" ".join([row.aspect, *row.keywords]), correct=False)
            )
            out[row.id] = terms - common - self._compare_stems
        return out

    def _find_row(self, text: str) -> TableRow | None:
        terms = set(self.tokenizer.tokenize(text))
        best: tuple[int, str] | None = None
        for row in self.kb.table:
            n = len(terms & self._row_only[row.id])
            if n and (best is None or n > best[0]):
                best = (n, row.id)
        return self._rows[best[1]] if best else None

    # ------------------------------------------------------------------ dispatch

    def _respond(self, text: str, history: Sequence[Turn]) -> _Composed:
        ws = words(text)
        small = self._smalltalk(ws)
        if small is not None:
            return _Composed(small, None)
        stripped = self._strip_greeting(ws)
        if stripped is not None and stripped != ws:
            text = " ".join(stripped)
        command = self._command(text)
        if command is not None:
            return _Composed(command, None)

        query = self._analyse(text)
        last = history[-1] if history else None
        last_topic = next((t.topic for t in reversed(history) if t.topic), None)

        if self._is_compare(query):
            return self._compare_for(query)

        switched = self._topic_switch(query, last)
        if switched is not None:
            return switched

        if last is not None and _MORE.match(" ".join(query.words)):
            return self._more(query, history)

        in_scope = self._scope(query)
        if not query.topics and last_topic and self._is_follow_up(query, in_scope):
            query.terms = query.terms + list(self._topic_terms[last_topic])
            query.topics = {last_topic}
            in_scope = True
        if not in_scope:
            return _Composed(self._refusal(), None)
        hits = self.retriever.search(query.terms, k=8)
        if not hits or not self._covered(query, hits):
            return _Composed(self._refusal(not_found=True), None)
        return self._compose(query, hits)

    def _smalltalk(self, ws: list[str]) -> Reply | None:
        if not ws:
            return None
        joined = " ".join(ws)
        name = self._strip_name(ws)
        key = tuple(name)
        if key in _GREETINGS or key in {("hi", "bot"), ("hello", "bot"), ("hey", "bot")}:
            return Reply(
                "smalltalk",
                "Hi! I answer questions about Machine Learning vs Generative AI, "
                "from the article “"
                + self.kb.source.title
                + "”. Try "
                + self._quoted(self.kb.suggested_questions[:2])
                + ", or /compare for the "
                "side-by-side table.",
                suggestions=self.kb.suggested_questions[:3],
            )
        thanked = bool(set(ws) & _THANK_WORDS) and len(ws) <= 6
        if key in _THANKS or (thanked and not self._names_subject(ws)):
            return Reply(
                "smalltalk",
                "You're welcome! Ask me anything else about Machine Learning or Generative AI.",
            )
        if key in _BYES:
            return Reply(
                "smalltalk",
                "Bye! Come back any time with a question about Machine Learning or Generative AI.",
            )
        if any(p.search(joined) for p in _IDENTITY_PATTERNS):
            src = self.kb.source
            return Reply(
                "smalltalk",
                "I'm a question-answering bot about Machine Learning vs "
                f"Generative AI. My knowledge is one article, “{src.title}” ({src.date}): "
                "I answer from its own sentences and say where each answer came from, "
                "and I tell you when a question is outside it. Ask /help for how to ask.",
                suggestions=self.kb.suggested_questions[:3],
            )
        if len(ws) <= 10 and any(p.search(joined) for p in _HELP_PATTERNS):
            return self.help()
        return None

    def _names_subject(self, ws: list[str]) -> bool:
        terms = self.tokenizer.tokenize(" ".join(ws))
        return any(contains(terms, a) for a in self._anchors if a)

    @staticmethod
    def _strip_name(ws: list[str]) -> list[str]:
        return [w for w in ws if w not in {"bot", "please", "pls", "again"}] or ws

    @staticmethod
    def _strip_greeting(ws: list[str]) -> list[str] | None:
        """A question with a greeting in front: the question alone."""
        for size in (2, 1):
            if len(ws) > size and tuple(ws[:size]) in _GREETINGS | _THANKS:
                return ws[size:]
        return None

    def _command(self, text: str) -> Reply | None:
        """Slash commands typed as text (the console, or a message to the bot)."""
        match = re.match(r"^/(\w+)\s*(.*)$", text.strip())
        if not match:
            return None
        name, arg = match.group(1).lower(), match.group(2).strip()
        if name == "compare":
            return self.compare(arg or None)
        if name == "examples":
            topic = self._topic_of(arg)
            return self.examples(topic)
        if name == "topics":
            return self.topics()
        if name == "help":
            return self.help()
        if name == "ask":
            return None if not arg else self.ask(arg)
        return None

    def _topic_of(self, text: str) -> str | None:
        terms = self.tokenizer.tokenize(text)
        found = [t for t, phrase in self._topic_terms.items() if contains(terms, phrase)]
        return found[0] if len(found) == 1 else None

    def _is_compare(self, query: _Query) -> bool:
        ws = set(query.words)
        joined = " ".join(query.words)
        explicit = bool(ws & _COMPARE_WORDS) or "side by side" in joined
        versus = bool(ws & _VERSUS) and not (
            {"difference", "differences", "differ", "why", "when"} & ws
        )
        if not (explicit or versus):
            return False
        # "How does ML compare predictions?" is about one side, not a comparison.
        return len(query.topics) != 1 or bool(ws & {"them", "both", "two", "they", "other", "each"})

    def _is_follow_up(self, query: _Query, in_scope: bool) -> bool:
        """A question that leans on the previous turn for its subject."""
        ws = set(query.words)
        content = [t for t in query.terms if t not in self._neutral]
        unknown = [t for t in content if t not in self.retriever.vocabulary]
        if unknown:
            return False
        if ws & _BACK_REFERENCES:
            return True
        return len(query.words) <= 6 and (in_scope or bool(content) or bool(query.terms))

    def _topic_switch(self, query: _Query, last: Turn | None) -> _Composed | None:
        """ "And ML?" after a question about GenAI: the same question about the other side."""
        if last is None or len(query.topics) != 1:
            return None
        rest = [w for w in query.words if w not in _SWITCH_FILLER]
        topic = next(iter(query.topics))
        leftover = [
            t for t in self.tokenizer.tokenize(" ".join(rest)) if t not in self._topic_terms[topic]
        ]
        if leftover or topic == last.topic:
            return None
        facet = last.facet
        if facet and facet.startswith("row:"):
            row = self._rows.get(facet[4:])
            if row is not None:
                return self._row_reply(row, {topic}, None, question=query.text)
        target = next((p for p in self.kb.passages if p.topic == topic and p.facet == facet), None)
        if target is None:
            target = next(
                (p for p in self.kb.passages if p.topic == topic and p.facet == "definition"), None
            )
        if target is None:
            return None
        return self._passages_reply([target], {}, set(), whole=True, topic=topic)

    def _more(self, query: _Query, history: Sequence[Turn]) -> _Composed:
        """ "Tell me more": the next passage on the same subject not yet shown."""
        shown = {pid for t in history for pid in t.passage_ids}
        last = history[-1]
        topic = last.topic
        pool = [
            p
            for p in self.kb.passages
            if p.id not in shown and (p.topic == topic or (topic is None and p.topic == "general"))
        ]
        if not pool:
            return _Composed(
                Reply(
                    "answer",
                    "That is all the article says on this. " + self._try_line(),
                    suggestions=self.kb.suggested_questions[:3],
                ),
                None,
            )
        return self._passages_reply([pool[0]], {}, set(), whole=True, topic=topic)

    # ------------------------------------------------------------------ composition

    def _compare_for(self, query: _Query) -> _Composed:
        row = self._find_row(query.text)
        if row is not None:
            return self._row_reply(row, set(), None, question=query.text, kind="compare")
        hits = {h.id: h for h in self.retriever.search(query.terms, k=len(self.kb.table) + 20)}
        reply = self._table_reply(self.kb.table, hits)
        return _Composed(
            reply, Turn(query.text, "compare", None, tuple(r.id for r in self.kb.table), "table")
        )

    def _table_reply(self, rows: Sequence[TableRow], hits: dict[str, Hit] | tuple[()]) -> Reply:
        cols = self.kb.columns
        scores = hits if isinstance(hits, dict) else {}
        lines = [f"{cols['ml']} vs {cols['genai']}, side by side:"]
        for row in rows:
            lines.append(
                f"\n{row.aspect}\n• Machine Learning: {row.ml}\n• Generative AI: {row.genai}"
            )
        sources = tuple(self._row_source(r, scores.get(r.id)) for r in rows)
        return Reply("compare", "\n".join(lines), sources=sources, rows=tuple(rows))

    def _row_source(self, row: TableRow, hit: Hit | None) -> Source:
        return Source(
            row.id, self.kb.table_section, row.aspect, round(hit.score, 3) if hit else 0.0
        )

    def _row_reply(
        self,
        row: TableRow,
        topics: set[str],
        hit: Hit | None,
        *,
        question: str,
        kind: Kind | None = None,
    ) -> _Composed:
        if len(topics) == 1 and kind is None:
            focus = next(iter(topics))
            other = "genai" if focus == "ml" else "ml"
            first, second = (row.ml, row.genai) if focus == "ml" else (row.genai, row.ml)
            text = (
                f"{row.aspect} — {TOPIC_NAMES[focus]}: {first}\n"
                f"{TOPIC_NAMES[other]}, by contrast: {second}"
            )
            reply = Reply(
                "answer",
                text,
                sources=(self._row_source(row, hit),),
                rows=(row,),
                question=question,
            )
            return _Composed(reply, Turn(question, "answer", focus, (row.id,), f"row:{row.id}"))
        text = f"{row.aspect}\n• Machine Learning: {row.ml}\n• Generative AI: {row.genai}"
        reply = Reply(
            "compare", text, sources=(self._row_source(row, hit),), rows=(row,), question=question
        )
        return _Composed(reply, Turn(question, "compare", None, (row.id,), f"row:{row.id}"))

    def _compose(self, query: _Query, hits: list[Hit]) -> _Composed:
        topics = query.topics
        if len(topics) == 2:
            # Both sides named: the names no longer tell passages apart, the rest does.
            content = [t for t in query.terms if t not in self._topic_stems]
            hits = self.retriever.search(content, k=8) or hits
        ranked = self._rerank(hits, query)
        top = ranked[0]
        rest = [
            w
            for unit in query.units
            if "_".join(unit) not in self._topic_stems
            for w in unit
            if w not in STOPWORDS and w not in _DEFINITION_WORDS
        ]
        if len(topics) == 1 and not rest:
            # "What is generative AI?", "explain ML": the subject's definition.
            subject = next(iter(topics))
            definition = next(
                (p for p in self.kb.passages if p.topic == subject and p.facet == "definition"),
                None,
            )
            if definition is not None:
                top = next((h for h in ranked if h.id == definition.id), top)
        if top.id in self._rows:
            return self._row_reply(self._rows[top.id], topics, top, question=query.text)
        chosen = [self._passages[top.id]]
        first = chosen[0]
        if len(topics) == 2 and first.topic in TOPIC_NAMES:
            other = "genai" if first.topic == "ml" else "ml"
            partner = next(
                (
                    self._passages[h.id]
                    for h in ranked
                    if h.id in self._passages
                    and self._passages[h.id].topic == other
                    and self._passages[h.id].facet == first.facet
                ),
                None,
            )
            if partner is not None:
                chosen.append(partner)
        scores = {h.id: h for h in ranked}
        topic = (
            next(iter(topics))
            if len(topics) == 1
            else (first.topic if first.topic in TOPIC_NAMES else None)
        )
        return self._passages_reply(
            chosen,
            scores,
            set(query.terms),
            whole=False,
            topic=topic,
            question=query.text,
            words_=set(query.words),
        )

    def _rerank(self, hits: list[Hit], query: _Query) -> list[Hit]:
        """Prefer the side a question names (a GenAI question gets GenAI passages),
        and the examples when a question asks for a list of things."""
        topic = next(iter(query.topics)) if len(query.topics) == 1 else None
        wants_list = bool(_LIST_ASKS & set(query.words))

        def weight(h: Hit) -> float:
            p = self._passages.get(h.id)
            factor = 1.0
            if p is None:  # a table row speaks for both sides
                return h.score * (_SAME_TOPIC if topic else 1.0)
            if topic and p.topic in TOPIC_NAMES:
                factor *= _SAME_TOPIC if p.topic == topic else _OTHER_TOPIC
            if wants_list and p.facet == "examples":
                factor *= _LIST_BOOST
            return h.score * factor

        return sorted(hits, key=lambda h: (-weight(h), h.id))

    def _passages_reply(
        self,
        passages: Sequence[Passage],
        scores: dict[str, Hit],
        terms: set[str],
        *,
        whole: bool,
        topic: str | None = None,
        question: str = "",
        words_: set[str] | None = None,
    ) -> _Composed:
        parts = [
            self._passage_text(p, terms, whole or len(passages) > 1, words_ or set())
            for p in passages
        ]
        if len(parts) > 1:
            parts = [
                f"{TOPIC_NAMES.get(p.topic, p.title)}: {part}" if not p.is_list else part
                for p, part in zip(passages, parts, strict=True)
            ]
        text = self._fit(parts)
        sources = tuple(
            Source(
                p.id, p.section, p.title, round(scores[p.id].score, 3) if p.id in scores else 0.0
            )
            for p in passages
        )
        rows = tuple(self._related_rows(passages))
        reply = Reply("answer", text, sources=sources, rows=rows, question=question)
        facet = passages[0].facet
        turn = Turn(
            question,
            "answer",
            topic if topic in TOPIC_NAMES else None,
            tuple(p.id for p in passages),
            facet,
        )
        return _Composed(reply, turn)

    def _related_rows(self, passages: Sequence[Passage]) -> list[TableRow]:
        facets = {p.facet for p in passages}
        if facets & {"difference", "definition"}:
            return [self.kb.table[0]]
        return []

    def _passage_text(self, passage: Passage, terms: set[str], whole: bool, ws: set[str]) -> str:
        if not passage.is_list:
            return passage.text
        items = passage.text.splitlines()
        chosen = items
        if not whole and not (ws & _LIST_CUES):
            scores = []
            all_terms = [set(self.tokenizer.tokenize(i, correct=False)) for i in items]
            shared = set.intersection(*all_terms) if all_terms else set()
            for item_terms in all_terms:
                specific = (item_terms - shared) & terms
                scores.append(sum(self.retriever.idf(t) for t in specific))
            best = max(scores, default=0.0)
            if best > 0:
                chosen = [i for i, s in zip(items, scores, strict=True) if s >= 0.5 * best]
        return passage.title + ":\n" + "\n".join(f"• {i}" for i in chosen)

    @staticmethod
    def _fit(parts: list[str], budget: int = MAX_ANSWER_CHARS) -> str:
        """Join parts; if too long, keep each part's leading sentences within the budget."""
        text = "\n\n".join(parts)
        if len(text) <= budget:
            return text
        share = (budget - 2 * (len(parts) - 1)) // len(parts)
        trimmed = []
        for part in parts:
            sentences = re.split(r"(?<=[.!?])\s+", part)
            kept = sentences[0]
            for s in sentences[1:]:
                if len(kept) + 1 + len(s) > share:
                    break
                kept += " " + s
            trimmed.append(kept[:share])
        return "\n\n".join(trimmed)

    # ------------------------------------------------------------------ refusals and help

    def _refusal(self, not_found: bool = False) -> Reply:
        src = self.kb.source
        if not_found:
            lead = "I couldn't find that in the article I know."
        else:
            lead = "Sorry, that is outside what I know."
        text = (
            f"{lead} I only answer questions about {self.kb.scope}, from “{src.title}” "
            f"({src.date}). {self._try_line()}"
        )
        return Reply("refusal", text, suggestions=self.kb.suggested_questions[:3])

    def _try_line(self) -> str:
        return "You could ask: " + self._quoted(self.kb.suggested_questions[:3]) + "."

    @staticmethod
    def _quoted(items: Iterable[str]) -> str:
        return ", ".join(f"“{q}”" for q in items)

    def _suggestion_index(self) -> tuple[str, ...]:
        """Questions to suggest: the offered ones, then each passage's (at most 100 chars,
        the longest a Discord autocomplete choice may be)."""
        seen: dict[str, None] = {}
        for q in (
            *self.kb.suggested_questions,
            *(q for p in self.kb.passages for q in p.questions),
        ):
            if len(q) <= 100:
                seen.setdefault(q, None)
        return tuple(seen)


__all__ = ["MAX_ANSWER_CHARS", "MAX_QUESTION_CHARS", "TOPIC_NAMES", "Engine"]

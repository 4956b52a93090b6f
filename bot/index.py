"""What the engine derives from a knowledge base once, at start-up.

The tokenizer (with the knowledge base's synonyms and its subjects' aliases),
the BM25 retriever over passages and table rows, and the facts about terms
that later stages read: which subject a term points to ("ChatGPT" appears only
in passages about Generative AI), which terms a passage defines, which are
names of things. Nothing here knows what any knowledge base is about.
"""

from __future__ import annotations

import re
import threading
from collections import Counter, OrderedDict
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import cached_property, lru_cache
from itertools import chain, pairwise
from typing import TypeVar

from bot.knowledge import KnowledgeBase, KnowledgeError
from bot.language import Language
from bot.models import Passage, Subject, TableRow
from bot.retrieval import DEFAULT_VARIANT, Document, Retriever
from bot.suggest import Suggester
from bot.text import Tokenizer, words

# A definition in the source's own words: "X is ...", "X are ...", "X: ...".
_DEFINES = re.compile(r"^(?P<head>[^.:;!?]{1,60}?)\s*(?:\b(?:is|are|refers to|means)\b|:)")
_NAMES_IT = re.compile(
    r"\b(?:called|known as|termed|referred to as)\s+(?:an? |the )?(?P<name>\w[\w-]*(?: \w[\w-]*)?)"
)
_UPPER = re.compile(r"[A-Z]")
_CAPITALISED = re.compile(r"(?<![.!?•]\s)(?<!^)\b([A-Z][\w-]*(?:\s+[A-Z][\w-]*)*)")


@dataclass(frozen=True)
class Doc:
    """A unit of retrieval with what later stages need to know of it."""

    id: str
    text: str  # what the evidence checks read
    subject: str  # "" for general passages and for table rows
    facet: str
    passage: Passage | None
    row: TableRow | None
    title: frozenset[str] = frozenset()  # terms of its title (a row: its aspect)
    facet_terms: frozenset[str] = frozenset()  # terms of its facet's name ("rules")
    # Terms of its title and keywords: what its author says it is about.
    about: frozenset[str] = frozenset()


def _named_facet(p: Passage) -> bool:
    """Whether a passage's facet is a name to be asked by ("rules"): one given, or an
    id of a word or two ("together"); not a long id, a heading's slug
    ("i-have-enabled-a-completion-plugin-but"), which the title already weighs."""
    return p.facet != p.id or p.facet.count("-") < 2


K = TypeVar("K")
DOMAIN_SHARE = 0.4  # of the documents: a word that many of them use names no table row
DEFINING_CANDIDATES = 50  # passages read for the one that says what a subject is
HOME_TERMS = 30  # of a table cell's words, looked up to find the passages that hold it
HOME_CANDIDATES = 10
DOCS_KEPT = 4096  # passages' Docs kept once made (a few are needed per question)


class _Docs(Mapping[str, Doc]):
    """Every document's :class:`Doc` by id: table rows made at once, passages on
    first use (the most recently used kept)."""

    def __init__(self, index: Index, rows: dict[str, Doc]) -> None:
        self._index = index
        self._rows = rows
        self._made: OrderedDict[str, Doc] = OrderedDict()
        self._lock = threading.Lock()
        # When every passage's Doc fits, none is ever dropped: each is kept in a plain
        # dict once made, read without a lock or any bookkeeping.
        self._fits = len(index.passages) <= DOCS_KEPT
        self._all: dict[str, Doc] | None = {} if self._fits else None

    def __getitem__(self, doc_id: str) -> Doc:
        row = self._rows.get(doc_id)
        if row is not None:
            return row
        kept = self._all
        if kept is not None:
            doc = kept.get(doc_id)
            if doc is None:
                doc = kept[doc_id] = self._index.passage_doc(self._index.passages[doc_id])
            return doc
        with self._lock:
            doc = self._made.get(doc_id)
            if doc is not None:
                self._made.move_to_end(doc_id)
                return doc
        doc = self._index.passage_doc(self._index.passages[doc_id])  # KeyError: no such id
        with self._lock:
            self._made[doc_id] = doc
            while len(self._made) > DOCS_KEPT:
                self._made.popitem(last=False)
        return doc

    def __iter__(self) -> Iterator[str]:
        yield from self._index.passages
        yield from self._rows

    def __len__(self) -> int:
        return len(self._index.passages) + len(self._rows)

    def __getstate__(self) -> dict[str, object]:
        # The Docs made are made again on use.
        return {"_index": self._index, "_rows": self._rows, "_fits": self._fits}

    def __setstate__(self, state: dict[str, object]) -> None:
        self.__dict__.update(state)
        self._made = OrderedDict()
        self._lock = threading.Lock()
        self._all = {} if self._fits else None


def _known_texts(kb: KnowledgeBase, language: Language) -> Iterator[str]:
    """Every text of ``kb`` whose words the tokenizer knows, a few hundred passages'
    joined into one (their words are the same, read in far fewer calls), and the
    language's own cue words, never "corrected" into the knowledge base's."""
    chunk: list[str] = []
    for p in kb.passages:
        chunk += [p.title, p.text, p.section, *p.questions, *p.keywords]
        if len(chunk) >= 2048:
            yield "\n".join(chunk)
            chunk = []
    for r in kb.table:
        chunk += [r.aspect, *(c.text for c in r.cells), *r.keywords]
    chunk.append(" ".join(language.vocabulary))
    yield "\n".join(chunk)


def _capitalised(line: str) -> Iterator[str]:
    """What ``_CAPITALISED.finditer(line)`` finds (its group), tried only where a capital
    letter stands after the line's first character (where every match starts)."""
    end = 0
    for upper in _UPPER.finditer(line, 1):
        at = upper.start()
        if at < end:
            continue
        match = _CAPITALISED.match(line, at)
        if match:
            end = match.end()
            yield match.group(1)


def _group(
    passages: Iterable[Passage], key: Callable[[Passage], K]
) -> dict[K, tuple[Passage, ...]]:
    groups: dict[K, list[Passage]] = {}
    for p in passages:
        groups.setdefault(key(p), []).append(p)
    return {k: tuple(ps) for k, ps in groups.items()}


_HYPHENATED = re.compile(r"\b([a-z]{2,})-([a-z]{2,}|\d{1,3})\b")  # "pre-built", "sha-1"
NAME_CANDIDATES = 50  # passages holding a code name's words that are read for it
IDENTIFIER = re.compile(r"(?<![\w.-])[A-Za-z][A-Za-z0-9]*(?:_[A-Za-z0-9]+)+(?![\w-])")
_CODE = re.compile(r"[=(){}\[\]<>]|://")
_PROMPT = re.compile(r"^\s*(?:\$|>>>|PS>|C:\\>) \S")  # a command typed at a prompt


def is_code(text: str) -> bool:
    """Whether a piece of a passage is code (a fenced block's line, a shell session's
    "$ crystal foo.cr"), not a sentence."""
    return len(_CODE.findall(text)) >= 3 or bool(_PROMPT.match(text))


class Index:
    """A knowledge base, tokenized and indexed."""

    def __init__(
        self,
        kb: KnowledgeBase,
        language: Language,
        *,
        variant: str = DEFAULT_VARIANT,
        params: dict[str, float] | None = None,
    ) -> None:
        self.kb = kb
        self.language = language
        unknown = sorted(set(kb.replies) - set(language.replies))
        if unknown:
            raise KnowledgeError(
                f"{kb.path / kb.root_file}, replies: unknown reply '{unknown[0]}' "
                f"(known: {', '.join(sorted(language.replies))})"
            )
        synonyms: dict[str, tuple[str, ...]] = dict(kb.synonyms)
        for canonical, variants in language.synonyms.items():
            synonyms[canonical] = tuple(dict.fromkeys((*synonyms.get(canonical, ()), *variants)))
        for subject in kb.subjects:
            synonyms[subject.name.lower()] = tuple(
                dict.fromkeys((*synonyms.get(subject.name.lower(), ()), *subject.aliases))
            )
        self.tokenizer = Tokenizer(
            synonyms, _known_texts(kb, language), language.stopwords, language.frequency
        )
        self.passages = {p.id: p for p in kb.passages}
        tok = self.tokenizer
        self.subjects: tuple[Subject, ...] = kb.subjects
        self.subject_term: dict[str, str] = {}
        for subject in kb.subjects:
            name_terms = tok.tokenize(subject.name)
            if not name_terms:
                raise KnowledgeError(
                    f"{kb.path / kb.root_file}, subject '{subject.id}': "
                    "its name is made of stopwords only"
                )
            self.subject_term[subject.id] = "_".join(name_terms)
        self.subject_of_term = {t: s for s, t in self.subject_term.items()}
        self.alias_words = frozenset(
            w for s in kb.subjects for a in s.aliases if len(ws := words(a)) == 1 for w in ws
        )  # "machinelearning": a subject's name run together

        def terms(parts: list[str]) -> tuple[str, ...]:
            return tuple(t for part in parts for t in tok.tokenize(part))

        # Each passage's words are read once, for its terms, its questions' terms (for
        # autocomplete) and the terms that tell its subject (see _term_subjects).
        docs: list[Document] = []
        compounds: dict[str, tuple[str, str]] = {}  # "prebuilt": the source's "pre-built"
        hyphenated: set[str] = set()  # those the source writes with a hyphen
        subject_words = {s.id: words(s.name) for s in kb.subjects}
        question_terms: dict[str, list[str]] = {}
        seen_subjects: dict[str, set[str]] = {s.id: set() for s in kb.subjects}
        # Each passage's title terms and its keywords' (see passage_doc), made here from
        # the words read anyway: a Doc made on use then costs no tokenizing.
        self._doc_terms: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {}
        for p in kb.passages:
            title_words, text_words = words(p.title), words(p.text)
            if "-" in p.text:
                for first, second in _HYPHENATED.findall(p.text.lower()):
                    compounds[first + second] = (first, second)
                    hyphenated.add(first + second)
            for first, second in pairwise(text_words):
                # "timezone", "checkout": the source writes "time zone", "check out"
                # (never "andthe": a first word of no meaning makes no compound).
                if (
                    len(first) >= 3
                    and len(second) >= 2
                    and first not in language.stopwords
                    and (first + second).isalpha()
                ):
                    compounds.setdefault(first + second, (first, second))
            questions = [words(q) for q in p.questions]
            keywords = [words(k) for k in p.keywords]
            self._doc_terms[p.id] = (
                tuple(tok.terms_of_words([title_words])),
                tuple(tok.terms_of_words(keywords)),
            )
            passage_words = [title_words, text_words, *questions, *keywords]
            if p.subject:
                passage_words.append(subject_words[p.subject])
            docs.append(Document(p.id, tuple(tok.terms_of_words(passage_words))))
            for q, ws in zip(p.questions, questions, strict=True):
                if q not in question_terms:
                    question_terms[q] = tok.terms_of_words([ws])
            if p.subject:
                # Of its title, text and keywords as one text (a phrase may span them).
                joined = title_words + text_words + [w for k in keywords for w in k]
                seen_subjects[p.subject].update(tok.terms_of_words([joined]))
        rows: dict[str, Doc] = {}
        self._row_defined: dict[str, frozenset[str]] = {}
        for r in kb.table:
            parts = [r.aspect, *(c.text for c in r.cells), *r.keywords]
            parts += [s.name for s in kb.subjects]  # a row speaks for every subject
            docs.append(Document(r.id, terms(parts)))
            text = r.aspect + ". " + " ".join(c.text for c in r.cells)
            self._row_defined[r.id] = frozenset(terms([r.aspect, *r.keywords]))
            aspect = frozenset(tok.tokenize(r.aspect))
            rows[r.id] = Doc(r.id, text, "", "row", None, r, aspect, about=aspect)
        # A passage's Doc is made when an answer first needs it (a few per question),
        # not for every passage at start-up.
        self.compounds = compounds
        self.hyphenated = frozenset(hyphenated)
        self.docs: Mapping[str, Doc] = _Docs(self, rows)
        self._contrasts: dict[frozenset[str], tuple[tuple[Passage, str], ...]] = {}
        self.retriever = Retriever(docs, variant, params)
        # Passages grouped the ways answers look for them, each group in source order,
        # so that no answer reads every passage.
        self.position = {p.id: i for i, p in enumerate(kb.passages)}
        self.by_section = _group(kb.passages, lambda p: p.section)
        self.by_subject = _group(kb.passages, lambda p: p.subject)
        self.by_facet = _group(kb.passages, lambda p: p.facet)
        self.by_subject_facet = _group(kb.passages, lambda p: (p.subject, p.facet))
        self.rows = {r.id: r for r in kb.table}
        self.max_idf = max((self.retriever.idf(t) for t in self.retriever.vocabulary), default=1.0)
        self.term_subject = self._term_subjects(seen_subjects)
        self.names = self._names()
        common = set(self.subject_term.values())
        # A row is named by its aspect's own words: not "between" nor "compared" of
        # "Integration between Windows and Linux", which any request for the table uses.
        neutral = frozenset({tok.stem(w) for w in language.neutral} | language.neutral)
        # Nor by a word of the source's title or one most of it uses: what it is about
        # ("firefox vs chrome webextensions: full list of incompatibilities").
        size = len(self.retriever) or 1
        self.row_terms = {}
        titled = set(tok.tokenize(kb.source.title))
        for r in kb.table:
            worded = set(terms([r.aspect])) - common
            domain = titled | {
                t for t in worded if self.retriever.document_frequency(t) / size >= DOMAIN_SHARE
            }
            own = (worded - domain) | (set(terms(list(r.keywords))) - common)  # authored
            own = own or worded
            self.row_terms[r.id] = frozenset((own - neutral) or own)
        self.suggestions = self._suggestions()
        self.suggester = Suggester(
            self.suggestions,
            lambda q: question_terms[q] if q in question_terms else tok.tokenize(q),
            self.retriever.idf,
        )
        self.list_terms = frozenset(
            t
            for w in (*language.list_words, "example", "instance", "use case")
            for t in tok.tokenize(w)
        )
        # Terms a request for the comparison may use: its cue words, its rows' words.
        cues = language.compare_words | language.versus_words | set(language.compare_phrases)
        self.comparison_terms = frozenset(
            {t for cue in cues for t in tok.tokenize(cue)}.union(*self.row_terms.values())
        )
        self.neutral_terms = neutral
        self.source_words = language.source_words | {kb.source_kind.lower()}
        self.source_terms = frozenset(tok.stem(w) for w in self.source_words)
        self.item_terms = {
            p.id: tuple(frozenset(tok.tokenize(line)) for line in p.text.splitlines())
            for p in kb.passages
            if p.is_list
        }

    def passage_doc(self, p: Passage) -> Doc:
        """What later stages need to know of passage ``p``."""
        tok = self.tokenizer
        title_terms, keyword_terms = self._doc_terms[p.id]
        title = frozenset(title_terms)
        return Doc(
            p.id,
            p.text,
            p.subject,
            p.facet,
            p,
            None,
            title,
            frozenset(tok.tokenize(p.facet.replace("-", " "))) if _named_facet(p) else frozenset(),
            title.union(keyword_terms),
        )

    def defined(self, doc: Doc) -> frozenset[str]:
        """The terms a document explains (made when first asked for, as for pieces)."""
        if doc.passage is None:
            return self._row_defined.get(doc.id, frozenset())
        return self._passage_defined(doc.passage)

    @lru_cache(maxsize=1024)  # noqa: B019 - one index per engine, lives as long as it
    def _passage_defined(self, p: Passage) -> frozenset[str]:
        return self._defined_terms(p)

    @cached_property
    def numbered_names(self) -> dict[str, tuple[str, ...]]:
        """The source's words that end in one digit ("pip3"), by the word before it."""
        found: dict[str, list[str]] = {}
        for word in self.tokenizer.vocabulary:
            if len(word) >= 4 and word[-1].isdigit() and word[:-1].isalpha():
                found.setdefault(word[:-1], []).append(word)
        return {k: tuple(sorted(v)) for k, v in found.items()}

    @lru_cache(maxsize=1024)  # noqa: B019 - one index per engine, lives as long as it
    def writes(self, name: str) -> bool:
        """Whether the knowledge base writes a name in code ("fish_prompt"), in any case:
        looked for only in the passages that hold all of its words, the best few of
        them (reading every passage took 2 s at 100,000 passages)."""
        parts = self.tokenizer.tokenize(name.replace("_", " "))
        if not parts:
            return False
        wanted = name.lower()
        for hit in self.retriever.search({t: 1.0 for t in parts}, k=NAME_CANDIDATES):
            if not set(parts) <= hit.matched:
                continue
            doc = self.docs.get(hit.id)
            if doc is not None and wanted in doc.text.lower():
                return True
        return False

    @cached_property
    def subject_name_terms(self) -> frozenset[str]:
        """The terms of the subjects' names, short names and aliases: made once."""
        return frozenset(self.subject_of_term) | {
            t
            for s in self.kb.subjects
            for name in (s.name, s.short, *s.aliases)
            for t in self.tokenizer.tokenize(name)
        }

    @cached_property
    def explained_rows(self) -> frozenset[str]:
        """Rows that passages explain (see :attr:`row_homes`): made once."""
        return frozenset(self.row_homes)

    @cached_property
    def row_homes(self) -> dict[str, tuple[str, ...]]:
        """The passages that explain a row, by row id: for a row that says nothing in
        words ("✅", "❌"), those of the section of the same name ("Full system call
        compatibility"); for one whose cells passages hold word for word (a guide that
        sets each task side by side, then says it again), those passages. Made once."""
        by_name = {" ".join(s.lower().split()): s for s in self.by_section}
        out: dict[str, tuple[str, ...]] = {}
        for r in self.kb.table:
            held = [self._holding(c.text) for c in r.cells]
            if all(held):
                out[r.id] = tuple(dict.fromkeys(pid for ids in held for pid in ids))
                continue
            section = by_name.get(" ".join(r.aspect.lower().split()))
            if section is not None and not any(
                len(re.findall(r"[^\W\d_]{2,}", c.text)) >= 2 for c in r.cells
            ):
                out[r.id] = tuple(p.id for p in self.by_section[section])
        return out

    def _holding(self, text: str) -> list[str]:
        """The passages that hold ``text`` word for word, among the few its words find
        best (reading every passage would cost a large knowledge base seconds)."""
        hits = self.retriever.search(self.tokenizer.tokenize(text)[:HOME_TERMS], k=HOME_CANDIDATES)
        return [h.id for h in hits if (p := self.passages.get(h.id)) is not None and text in p.text]

    @property
    def tells_difference(self) -> bool:
        """Whether a passage tells how the subjects differ (see :attr:`difference_section`)."""
        return self.difference_section is not None

    @cached_property
    def difference_section(self) -> str | None:
        """The section of the first passage that tells how the subjects differ: its
        facet says so, or one of its own questions asks it ("In what ways do tea and
        coffee differ?"), and its heading or that question names nothing else ("Key
        differences", not "Seeing the differences between two tags"); or None."""
        lang = self.language
        named = {
            w for s in self.kb.subjects for n in (s.name, s.short, *s.aliases) for w in words(n)
        }
        ignored = lang.stopwords | lang.difference_words | lang.neutral | named

        def of_the_subjects(text: str) -> bool:
            return len({w for w in words(text) if w not in ignored}) <= 1  # "Key differences"

        for p in self.kb.passages:
            asking = [q for q in p.questions if set(words(q)) & lang.difference_words]
            if p.facet == "difference" and of_the_subjects(p.section):
                return p.section
            if any(of_the_subjects(q) for q in asking):
                return p.section
        return None

    @property
    def compares_in_prose(self) -> bool:
        """Whether the knowledge base compares several subjects without a table."""
        return not self.kb.table and len(self.kb.subjects) > 1

    def contrasts(self, subjects: Iterable[str] = ()) -> tuple[tuple[Passage, str], ...]:
        """A prose comparison's points: each section's first passage with a sentence
        that names two of ``subjects`` (ids; default: all) or more, or names one while
        its heading names another, and that sentence, in source order.

        Read when the comparison is first asked for (never at start-up)."""
        ids = frozenset(subjects) or frozenset(s.id for s in self.kb.subjects)
        known = self._contrasts.get(ids)
        if known is not None:
            return known
        names = {self.subject_term[s] for s in ids if s in self.subject_term}
        found: list[tuple[Passage, str]] = []
        sections: set[str] = set()
        for p in self.kb.passages:
            if p.section in sections:
                continue
            heading = set(self.tokenizer.tokenize(p.section)) & names
            pieces = self._pieces(p.text)
            at = next(
                (
                    i
                    for i, (s, t) in enumerate(pieces)
                    if len((t | heading) & names) > 1 and t & names and not is_code(s)
                ),
                None,
            )
            sentence = pieces[at][0] if at is not None else None
            if at is not None and at + 1 < len(pieces):
                # "... a different language, not another Ruby implementation. For this
                # reason, and mostly because it's a compiled, statically typed language,
                # the language has some big differences when compared to Ruby.": the
                # next sentence says what the difference is.
                after, terms = pieces[at + 1]
                if terms & names and set(words(after)) & self.language.difference_words:
                    sentence = f"{sentence} {after}"
            if sentence is not None:
                sections.add(p.section)
                found.append((p, sentence))
        self._contrasts[ids] = tuple(found)  # two threads at once find the same points
        return self._contrasts[ids]

    @cached_property
    def difference_terms(self) -> frozenset[str]:
        """The terms of the language's words for a difference ("differ", "distinct")."""
        return frozenset(self.tokenizer.stem(w) for w in self.language.difference_words)

    def pieces(self, doc: Doc) -> tuple[tuple[str, frozenset[str]], ...]:
        """The sentences (or list items) of a passage, each with its terms (none for a
        table row); made when first asked for, as only the best passage's are read."""
        if doc.passage is None:
            return ()
        return self._passage_pieces(doc.passage.text)

    @lru_cache(maxsize=1024)  # noqa: B019 - one index per engine, lives as long as it
    def _passage_pieces(self, text: str) -> tuple[tuple[str, frozenset[str]], ...]:
        return self._pieces(text)

    def _pieces(self, text: str) -> tuple[tuple[str, frozenset[str]], ...]:
        """The sentences (or list items) of a text, each with its terms."""
        parts = [s.strip() for s in re.split(r"(?<=[.!?])\s+|\n", text) if s.strip()]
        return tuple((s, frozenset(self.tokenizer.tokenize(s))) for s in parts)

    @lru_cache(maxsize=64)  # noqa: B019 - one index per engine, lives as long as it
    def defining(self, subject: str) -> Passage | None:
        """The passage with a sentence that says what ``subject`` is ("A Mapathon is an
        organised gathering ..."), among those its name finds best; or None."""
        wanted = set(self.tokenizer.tokenize(self.kb.subject(subject).name))
        term = self.subject_term[subject]
        for hit in self.retriever.search({term: 1.0}, k=DEFINING_CANDIDATES):
            p = self.passages.get(hit.id)
            if p is None:
                continue
            for piece in re.split(r"(?<=[.!?])\s+|\n", p.text):
                match = _DEFINES.match(piece.strip())
                # "rsync: error writing ..." labels a line; "X is ..." says what X is.
                said = match is not None and not match.group(0).rstrip().endswith(":")
                head = words(match.group("head")) if match and said else []
                while head and head[0] in self.language.stopwords:
                    head = head[1:]  # "A Mapathon is ..."
                if head and set(self.tokenizer.tokenize(" ".join(head))) == wanted:
                    return p
        return None

    def _defined_terms(self, p: Passage) -> frozenset[str]:
        """Terms a passage explains: its title, the heads of its "X is ..."
        sentences and list items, and what its own "what is X?" questions ask about."""
        tok = self.tokenizer
        out = set(tok.tokenize(p.title))
        if p.subject:
            out |= set(tok.tokenize(self.kb.subject(p.subject).name))
        for piece in re.split(r"(?<=[.!?])\s+|\n", p.text):
            match = _DEFINES.match(piece.strip())
            if match:
                out |= set(tok.tokenize(match.group("head")))
            for named in _NAMES_IT.finditer(piece):  # "small currents, called eddy currents"
                out |= set(tok.tokenize(named.group("name")))
        for q in p.questions:
            ws = words(q)
            if ws[:2] in (["what", "is"], ["what", "are"]) or ws[:1] in (["define"], ["whats"]):
                out |= set(tok.tokenize(q))
        return frozenset(out)

    def _term_subjects(self, seen: dict[str, set[str]]) -> dict[str, str]:
        """Terms found in passages of exactly one subject (and no other subject's),
        from ``seen``: each subject's terms (of its passages' titles, texts and
        keywords)."""
        subject_terms = set(self.subject_term.values())
        holders = Counter(chain.from_iterable(seen.values()))
        return {
            t: s
            for s, terms in seen.items()
            for t in terms
            if holders[t] == 1 and t not in subject_terms
        }

    def _names(self) -> frozenset[str]:
        """Terms of names of things: capitalised words within a sentence ("Netflix")."""
        out: set[str] = set()
        for p in self.kb.passages:
            for line in p.text.splitlines():
                for name in _capitalised(line):
                    out |= set(self.tokenizer.tokenize(name))
        return frozenset(out - set(self.subject_term.values()))

    def _suggestions(self) -> tuple[str, ...]:
        """Questions to suggest: the offered ones, then each passage's (at most 100
        characters, the longest a Discord autocomplete choice may be)."""
        seen: dict[str, None] = {}
        for q in (
            *self.kb.suggested_questions,
            *(q for p in self.kb.passages for q in p.questions),
        ):
            if len(q) <= 100:
                seen.setdefault(q, None)
        return tuple(seen)

    def first_question(self, doc_id: str) -> str | None:
        """A question the document answers, to suggest (None for table rows)."""
        p = self.passages.get(doc_id)
        return p.questions[0] if p is not None and p.questions else None

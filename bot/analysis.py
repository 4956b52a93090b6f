"""Stage 1: normalize a message and analyse it once.

Chat markup is dropped, chat spellings expanded ("wats genai" is "what is
genai"), a long message is cut to its question (the preamble is kept apart as
context), audience phrases ("to my grandma") are set aside, unknown words are
corrected against the knowledge base's vocabulary, and the words become index
terms. Every later stage reads the :class:`Query` made here; nothing tokenizes
the question again.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field

from bot.index import IDENTIFIER, Index
from bot.text import words

MAX_CORRECTIONS = 24  # distinct unknown words corrected per question: bounds the cost
# The words of a message looked at: the last ones of its question, and of its
# preamble. Nobody asks one question in more; the cost stays bounded.
MAX_FOCUS_WORDS = 80
MAX_CONTEXT_WORDS = 80
_CHAT_MARKUP = re.compile(r"<(?:@[!&]?|#|a?:\w+:)\d+>|@everyone|@here|https?://\S+")
_SENTENCE = re.compile(r"(?<=[.!?])\s+|\n+|(?<=\?)(?=\S)")
# "We're redoing the kitchen.": a pronoun's contraction, not the question word "were".
_CONTRACTION = re.compile(r"^\w+['’](?:re|ll|d|ve)\b", re.I)
_BOT_WORDS = frozenset({"bot", "please", "pls", "plz", "kindly"})
_CAPITALISED = re.compile(r"(?<![.!?]\s)(?<!^)\b[A-Z][a-z]{2,}\b")  # a name within a sentence


def clean(text: str) -> str:
    """Drop chat mentions, links, control and formatting characters; collapse whitespace."""
    text = _CHAT_MARKUP.sub(" ", text)
    if not text.isprintable():  # the common case skips the per-character pass
        text = "".join(ch if ch.isprintable() or ch.isspace() else " " for ch in text)
    return " ".join(text.split())


@dataclass
class Query:
    """A message, analysed once."""

    text: str  # the cleaned message
    focus: str  # the question part of it
    words: list[str]  # the question's words: normalized, expanded, corrected
    joined: str  # ``words`` joined by spaces
    plain: str  # the words as typed (chat expanded, not corrected), for the language's patterns
    units: list[tuple[str, ...]]
    terms: list[str]  # index terms of the question
    context: list[str] = field(default_factory=list)  # index terms of the preamble
    subjects: list[str] = field(default_factory=list)  # subject ids named, in order
    content: list[str] = field(default_factory=list)  # terms that carry meaning
    unknown: list[str] = field(default_factory=list)  # words the knowledge base lacks
    surface: dict[str, str] = field(default_factory=dict)  # term -> word as asked
    about_source: bool = False  # it names the source itself ("this article")
    facets: set[str] | None = None  # the facets its wording asks for (see bot.rank)
    # Unknown words of a preamble the question points back to ("... detect that?").
    pointed_back: list[str] = field(default_factory=list)
    named: frozenset[str] = frozenset()  # unknown words written as names ("Siri")
    # Where the question part asks nothing by itself and the whole message is read,
    # the question part's ``plain``: a judgement or how-to is looked for there only.
    asked: str = ""


def last_words(text: str, count: int) -> list[str]:
    """``words(text)[-count:]``, reading only as much of the end of a long text as that
    needs: split at a space, an ASCII text's words are those of each side in turn."""
    if len(text) <= 4 * count or not text.isascii():  # short: all of it is read anyway
        return words(text)[-count:]
    chunks = count
    while True:
        parts = text.rsplit(None, chunks)
        if len(parts) <= chunks:  # no more than ``chunks`` chunks: all of it
            return words(text)[-count:]
        tail = words(text[len(parts[0]) :])  # parts[0] is what comes before a space
        if len(tail) >= count:
            return tail[-count:]
        chunks *= 2


def expand(ws: list[str], chat: dict[str, tuple[str, ...]]) -> list[str]:
    """Chat spellings expanded word by word."""
    out: list[str] = []
    for w in ws:
        out.extend(chat.get(w, (w,)))
    return out


_VOCATIVE = re.compile(r"^(?:hey |ok |okay |yo )?([A-Z][a-z]+),\s+")


def drop_vocative(text: str, known: Callable[[str], bool]) -> str:
    """ "Alexa, does ML ...?": the question without the name it is addressed to."""
    match = _VOCATIVE.match(text)
    if match and not known(match.group(1).lower()):
        return text[match.end() :]
    return text


# The space first, then what stands before it: a literal start the regex engine scans
# for, rather than a look-behind tried at every character of a long message.
_ILLUSTRATION = re.compile(r" (?<=\w\ws )(?:like|such as|including|e\.g\.)\s+(?P<tail>[^?.!]+)")


def _illustration(focus: str) -> str:
    """ "... traditional models like classifiers or recommenders?": examples given to
    illustrate. A word there the source lacks does not make the question unanswerable."""
    match = _ILLUSTRATION.search(focus)
    if match is None or len(words(focus[: match.start()])) < 4:
        return ""
    return match.group("tail")


def _one_sentence(text: str) -> bool:
    """Whether ``_SENTENCE`` cannot split ``text``: no sentence end nor line break
    before its last character (a quick test, for long messages of one sentence)."""
    body = text[:-1]
    return not any(mark in body for mark in ".!?\n")


def focus_of(text: str, starts: frozenset[str]) -> tuple[str, str]:
    """The question part of a message, and the rest (its preamble).

    A short message is all question. In a longer one the question is the
    sentences that end with "?" or start with a question word (else the last
    sentence); the other sentences are context.
    """
    if _one_sentence(text):
        return text, ""
    sentences = [s for s in _SENTENCE.split(text) if s.strip()]
    if len(sentences) < 2 or len(text.split()) <= 12:
        return text, ""
    asking = []
    for i, sentence in enumerate(sentences):
        s = sentence.strip()
        ws = words(s)
        if s.endswith("?") or (ws and ws[0] in starts and not _CONTRACTION.match(s)):
            asking.append(i)
    if not asking:
        asking = [len(sentences) - 1]
    # "...so. what about it?": a very short question leans on the sentence before.
    if len(asking) == 1 and len(words(sentences[asking[0]])) <= 3 and asking[0] > 0:
        asking.insert(0, asking[0] - 1)
    # "... difference between ML and GenAI... like ALL of them": a short tail after the
    # question qualifies it.
    tail = list(range(asking[-1] + 1, len(sentences)))
    tail_words = [w for i in tail for w in words(sentences[i])]
    if tail and len(tail_words) <= 8 and not set(tail_words) & starts:
        asking += tail
    focus = " ".join(sentences[i] for i in asking)
    rest = " ".join(s for i, s in enumerate(sentences) if i not in asking)
    return focus, rest


def _base_form(
    word: str,
    known: Callable[[str], bool],
    neutral: frozenset[str],
    vocabulary: frozenset[str] = frozenset(),
    english: Mapping[str, float] | None = None,
) -> str | None:
    """The base of a comparative or an agent noun ("bigger" -> "big", "farmers" -> "farm").

    The base is a word: one of the source's, or of ``english`` ("simplest" is
    "simple", never the stem "simpl").
    """
    if word.endswith("ly") and len(word) > 5:
        # An adverb of the source's adjective: "electrically", "easily", "fully".
        stem = word[:-2]
        for candidate in (stem, stem[:-1] + "y" if stem.endswith("i") else stem, stem + "le"):
            if candidate in vocabulary or (not vocabulary and known(candidate)):
                return candidate
    for suffix in ("est", "ers", "er"):  # "bigger", "farmers"
        if word.endswith(suffix) and len(word) > len(suffix) + 2:
            base = word[: -len(suffix)]
            for candidate in (base, base[:-1] if base[-1:] == base[-2:-1] else base, base + "e"):
                if candidate.endswith("e") and candidate == base:
                    continue  # "care" + "er" is "career", not a comparative: "safe" takes "r"
                if english is not None and candidate not in vocabulary and candidate not in english:
                    continue
                if candidate in neutral or known(candidate):
                    return candidate
            for candidate in (base + "e", base):
                for noun in (candidate + "ty", candidate + "ness"):  # "safer": "safety"
                    if len(candidate) >= 4 and noun in vocabulary:
                        return noun
    return None


_HELD = re.compile(r"([a-z])\1{2,}")  # a letter held down: "sooo", "pleeease"
_PREFIX = re.compile(r"^(re|pre|un)(?=[a-z]{4})")  # "redownloading", "preinstalled"


def _plain_form(word: str, known: Callable[[str], bool]) -> str | None:
    """A known word typed with a letter held down ("sooo" is "so") or with a prefix
    the source does not write ("redownloading" of "downloading"); else None."""
    if _HELD.search(word):
        for run in (r"\1", r"\1\1"):
            candidate = _HELD.sub(run, word)
            if known(candidate):
                return candidate
    prefix = _PREFIX.match(word)
    if prefix and known(word[prefix.end() :]):
        return word[prefix.end() :]
    return None


def _numbered_form(word: str, numbered: Mapping[str, tuple[str, ...]]) -> str | None:
    """The source's name that is ``word`` and a digit ("pip" for "pip3", "python" for
    "python3"), if it has exactly one such (``numbered``: such names by what precedes
    the digit)."""
    found = numbered.get(word, ()) if len(word) >= 3 else ()
    return found[0] if len(found) == 1 else None


def _joined_compounds(
    ws: list[str], vocabulary: Collection[str], aliases: Collection[str]
) -> list[str]:
    """Two words the source writes as one ("debug info" for "debuginfo", "lock file"
    for "lockfile") as the source's word; a subject's run-together alias
    ("machinelearning") is not one (its words are read as its name)."""
    out: list[str] = []
    i = 0
    while i < len(ws):
        if i + 1 < len(ws) and ws[i].isalpha() and ws[i + 1].isalpha():
            joined = ws[i] + ws[i + 1]
            if len(joined) >= 6 and joined in vocabulary and joined not in aliases:
                out.append(joined)
                i += 2
                continue
        out.append(ws[i])
        i += 1
    return out


def analyse(text: str, index: Index, *, whole: bool = False) -> Query:
    """The :class:`Query` of a cleaned message (``whole``: all of it is the question)."""
    lang = index.language
    tok = index.tokenizer
    if whole:
        focus, preamble = text, ""
    else:
        focus, preamble = focus_of(drop_vocative(text, tok.known), lang.question_starts)
    illustration = set(words(_illustration(focus)))
    raw = expand(last_words(focus, MAX_FOCUS_WORDS), lang.chat)
    joined_raw = " ".join(raw)
    for pattern in lang.audience_patterns:
        joined_raw = pattern.sub(" ", joined_raw)
    spoken = joined_raw.split()
    kept = [
        w
        for w, after in zip(spoken, [*spoken[1:], ""], strict=False)  # none when empty
        # "oh" is filler, except where it starts a name ("Oh My Zsh").
        if w not in lang.filler or w in lang.question_starts or tok.starts_phrase(w, after)
    ]
    kept = [
        w
        for w, before in zip(kept, ["", *kept[:-1]], strict=False)
        if not (before in lang.possessives and w in lang.people_words and not tok.known(w))
    ]  # "what is X, my friend keeps talking about it": the story's people are no topic
    if not kept and preamble:
        # "My slide says ML predicts. Does the article agree?": the claim is the question.
        return analyse(preamble, index)
    corrected: list[str] = []
    budget = MAX_CORRECTIONS
    for w in kept:
        if w in index.compounds and (w not in tok.vocabulary or w in index.hyphenated):
            # "prebuilt": the source writes "pre-built"; "sha1": it writes "SHA-1" too
            corrected.extend(((w,) if w in tok.vocabulary else ()) + index.compounds[w])
            continue
        if budget > 0 and w not in tok.vocabulary:
            budget -= 1
            w = (
                _plain_form(w, tok.known)
                or _numbered_form(w, index.numbered_names)
                or _base_form(w, tok.known, lang.neutral, tok.vocabulary, lang.frequency)
                or tok.correct(w)
            )
        corrected.append(w)
    corrected = _joined_compounds(corrected, tok.vocabulary, index.alias_words)
    if lang.purpose_asked.search(" ".join(corrected)) and tok.known(lang.purpose_word):
        corrected = [*corrected, lang.purpose_word]  # "what is ML for?" asks its purpose
    units = tok.units(corrected)
    terms: list[str] = []
    surface: dict[str, str] = {}
    for unit in units:
        term = tok.term(unit)
        if term is not None:
            terms.append(term)
            surface.setdefault(term, " ".join(unit))
    query = Query(
        text=text,
        focus=focus,
        words=corrected,
        joined=" ".join(corrected),
        plain=" ".join(kept),
        units=units,
        terms=terms,
        surface=surface,
    )
    if preamble:
        pre_words = words(preamble)[-MAX_CONTEXT_WORDS:]
        pre = [w for w in expand(pre_words, lang.chat) if w not in lang.filler]
        pre_terms = tok.terms_of(tok.units(pre))
        query.context = [
            t for t in pre_terms if t in index.retriever.vocabulary and t not in index.neutral_terms
        ]  # "ppl keep using them like they are the same thing": no topic in "same thing"
        if set(kept) & lang.back_references:
            # "My son used AI for his essay... how can teachers detect that?": what
            # "that" is counts too.
            # What it points at is in the sentence just before the question.
            said = [
                [w for w in words(sentence) if w not in lang.filler]
                for sentence in _SENTENCE.split(preamble.strip())
            ]
            # "... every time it restarts. super annoying. how do i stop that?": a
            # remark of a word or two is no thing "that" points at; the sentence before is.
            last = next((ws for ws in reversed(said) if len(ws) > _REMARK_WORDS), said[-1])
            query.pointed_back = [
                w
                for w in last
                if w.isalpha()
                and len(w) > 3
                and w not in lang.people_words
                and not tok.known(w)
                and w not in lang.neutral
                and lang.salience(w) >= 0.25
            ]
    neutral = index.neutral_terms
    source_words = index.source_words
    source_terms = index.source_terms
    seen: set[str] = set()
    for term in terms:
        if term in source_terms and surface.get(term, term) in source_words:
            query.about_source = True
            continue
        subject = index.subject_of_term.get(term)
        if subject is not None:
            if subject not in query.subjects:
                query.subjects.append(subject)
            continue
        written = surface.get(term, term)
        if term in seen or (
            term in neutral and not (written.endswith("ed") and written not in lang.neutral)
        ):
            continue  # "name an example" asks; "named arguments" are a topic
        seen.add(term)
        query.content.append(term)
    focus_words: set[str] | None = None  # made only for a word too short to count as is
    seen_unknown: set[str] = set()
    for term in query.content:
        if term in index.retriever.vocabulary:
            continue
        word = surface.get(term, term)
        if len(word) == 2 and focus_words is None:
            focus_words = set(re.findall(r"\w+", focus))
        acronym = len(word) >= 2 and focus_words is not None and word.upper() in focus_words
        # "mp3", "8k", "h264": a name of letters and digits counts as a word too.
        coded = word.isalnum() and not word.isdigit() and not word.isalpha() and len(word) >= 2
        if (
            (coded or (word.isalpha() and (len(word) >= 3 or acronym)))
            and word not in _BOT_WORDS
            and word not in seen_unknown
            and word not in illustration
        ):
            seen_unknown.add(word)
            query.unknown.append(word)
    if query.unknown and focus != focus.lower():  # else no word can be capitalised
        capitalised = {w.lower() for w in _CAPITALISED.findall(focus)}
        query.named = frozenset(w for w in query.unknown if w in capitalised)
    if "_" in focus:
        # "how do I change it with UV_THREADPOOL_SIZE?": a name in code the source never
        # writes is a thing it does not cover, whatever its words match.
        for name in IDENTIFIER.findall(focus):
            if name.lower() not in seen_unknown and not index.writes(name):
                seen_unknown.add(name.lower())
                query.unknown.append(name.lower())
                query.named = query.named | {name.lower()}
    vocabulary = index.retriever.vocabulary
    for word in query.pointed_back:
        if word not in seen_unknown:
            seen_unknown.add(word)
            query.unknown.append(word)
    if (
        preamble
        and not query.subjects
        and not query.about_source
        and not any(t in vocabulary for t in query.content)
    ):
        # "cargo keeps rebuilding everything. how can i figure out why": the
        # question asks nothing by itself; what it asks about is before it. The
        # story's unknown words ("my boss keeps saying ...") are pointed back to.
        whole_query = analyse(text, index, whole=True)
        if not query.content and set(query.words) & lang.back_references:
            story_subjects = analyse(preamble, index, whole=True).subjects
            if len(story_subjects) == 1:
                # "my nephew won't stop talking about machine learning. Could you
                # explain what it actually is?": "it" is the subject the story names;
                # the question is still only the last sentence, with that name in it.
                name = index.kb.subject(story_subjects[0]).name
                pointing = "|".join(sorted(lang.back_references, key=len, reverse=True))
                named = re.sub(rf"\b(?:{pointing})\b", name, focus, count=1, flags=re.I)
                resolved = analyse(named, index, whole=True)
                resolved.context = query.context
                return resolved
        whole_query.asked = query.plain
        whole_query.pointed_back += [
            w
            for w in whole_query.unknown
            if w not in query.unknown and w not in whole_query.pointed_back
        ]
        return whole_query
    return query


_REMARK_WORDS = 2  # "super annoying", "so weird": a reaction, not what is pointed at


def question_parts(focus: str, starts: frozenset[str] = frozenset()) -> list[str]:
    """The separate questions of a message's question part ("X? and Y?").

    What follows the last question mark is a question of its own only if it starts
    like one (a word of ``starts``): "THE AI IS CHEATING RIGHT?? it keeps beating
    me" asks one thing and says why.
    """
    pieces = re.split(r"\?+", focus)
    tail = pieces[-1].split()
    if starts and len(pieces) > 1 and tail and tail[0].lower().strip(",.!") not in starts:
        pieces = pieces[:-1]
    parts = [p.strip() for p in pieces if len(p.split()) >= 3]
    return parts if len(parts) > 1 else [focus]


def facets_asked(query: Query, index: Index) -> set[str]:
    """The facets whose cue patterns the question's wording matches (computed once)."""
    if query.facets is None:
        query.facets = {
            facet
            for facet, patterns in index.language.facets.items()
            if any(p.search(query.joined) for p in patterns)
        }
    return query.facets

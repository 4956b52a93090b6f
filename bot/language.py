"""Generic English cues, loaded from the package's ``data/english.yaml``.

How people greet, thank, ask for help, point back at an earlier turn, or ask
for a kind of fact (who, when, how much) is the same whatever the knowledge
base is about, so it lives in one data file shipped with the package rather
than in code or in a knowledge base.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, cached_property
from importlib import resources
from typing import Any

from bot import yamlload
from bot.knowledge import KnowledgeError
from bot.screen import AnyOf

DATA_FILE = "english.yaml"
FREQUENCY_FILE = "english-frequencies.txt"
SALIENCES_KEPT = 1 << 16  # words whose salience is remembered (a few are asked a question)


@dataclass(frozen=True)
class QuestionType:
    """A kind of fact a question asks for, and how to tell a passage holds one."""

    name: str
    pattern: re.Pattern[str]
    evidence: re.Pattern[str]
    refusal: str
    cues: frozenset[str] = frozenset()  # the pattern is tried only when one is in the question


@dataclass(frozen=True)
class Language:
    """Everything in ``english.yaml``, parsed and compiled."""

    stopwords: frozenset[str]
    neutral: frozenset[str]
    filler: frozenset[str]
    source_words: frozenset[str]
    note_columns: frozenset[str]
    chat: dict[str, tuple[str, ...]]
    greetings: frozenset[tuple[str, ...]]
    thanks: frozenset[tuple[str, ...]]
    thank_words: frozenset[str]
    byes: frozenset[tuple[str, ...]]
    emoji: dict[str, frozenset[str]]
    help_patterns: tuple[AnyOf, ...]
    identity_patterns: tuple[AnyOf, ...]
    commands: frozenset[str]
    compare_words: frozenset[str]
    compare_phrases: tuple[str, ...]
    versus_words: frozenset[str]
    exhaustive_words: frozenset[str]
    difference_words: frozenset[str]
    plural_difference_words: frozenset[str]
    difference_phrases: tuple[str, ...]
    difference_counters: frozenset[str]
    contrast_patterns: tuple[re.Pattern[str], ...]
    purpose_asked: re.Pattern[str]
    tells_how: re.Pattern[str]
    purpose_word: str
    list_words: frozenset[str]
    back_references: frozenset[str]
    other_patterns: tuple[AnyOf, ...]
    more_patterns: tuple[AnyOf, ...]
    why_patterns: tuple[AnyOf, ...]
    which_patterns: tuple[AnyOf, ...]
    example_patterns: tuple[AnyOf, ...]
    facets: dict[str, tuple[AnyOf, ...]]
    question_types: tuple[QuestionType, ...]
    opinion_patterns: tuple[re.Pattern[str], ...]
    opinion_any: AnyOf
    judgement_words: frozenset[str]
    judgement_synonyms: dict[str, tuple[str, ...]]  # "better" stated as "superior"
    live_synonyms: dict[str, tuple[str, ...]]  # "newest" written "latest"
    posed_judgement: re.Pattern[str]  # a heading that asks a judgement itself
    greeting_words: frozenset[str]  # one-word greetings ("hi", "gm")
    pleasantries: frozenset[tuple[str, ...]]  # greetings and thanks
    howto_patterns: tuple[AnyOf, ...]
    live_patterns: tuple[AnyOf, ...]
    audience_patterns: tuple[re.Pattern[str], ...]
    question_starts: frozenset[str]
    auxiliaries: frozenset[str]
    relational_nouns: frozenset[str]  # "purpose" in "what is the purpose of X?"
    ranking_words: frozenset[str]  # "top" in "what is the top category?": which one
    people_words: frozenset[str]  # "nephew" in "my nephew says ...": a story's people
    possessives: frozenset[str]  # "my" of "my friend keeps talking about it"
    ordinals: dict[str, int]  # "second" -> 2, "last" -> -1: an item of the list just shown
    ordinal_nouns: frozenset[str]  # "one" of "the second one"
    part_words: frozenset[str]  # "bit" in "which bit of that is the GenAI part?"
    causal: re.Pattern[str]
    foreign_words: frozenset[str]  # frequent words of other languages ("que", "kannst")
    illustrative: re.Pattern[str]  # words that introduce an example in a source's sentence
    replies: dict[str, str]
    synonyms: dict[str, tuple[str, ...]]
    frequency: dict[str, float]  # word -> Zipf frequency (6: "day", 3: "lasagna")

    @cached_property
    def act_words(self) -> frozenset[str]:
        """The words of greetings, thanks, goodbyes and chat spellings: what a
        stretched word ("heyyy", "thanksss") is looked up against."""
        phrases = self.greetings | self.thanks | self.byes
        out = {w for p in phrases for w in p}
        return frozenset(out | self.thank_words | self.filler | self.chat.keys())

    @cached_property
    def difference_phrase(self) -> re.Pattern[str]:
        """Any of :attr:`difference_phrases`, as whole words: made once."""
        alternatives = "|".join(re.escape(p) for p in self.difference_phrases) or "(?!)"
        return re.compile(rf"\b(?:{alternatives})\b")

    @property
    def vocabulary(self) -> frozenset[str]:
        """Every cue word: never to be corrected into another word."""
        out = set(self.neutral | self.filler | self.source_words | self.thank_words)
        out |= self.compare_words | self.versus_words | self.exhaustive_words
        out |= self.difference_words | self.list_words | self.back_references
        out |= self.question_starts | {w for v in self.chat.values() for w in v}
        out |= {
            w for phrases in (self.greetings, self.thanks, self.byes) for p in phrases for w in p
        }
        return frozenset(out)

    @cached_property
    def _saliences(self) -> dict[str, float]:
        """Each word's salience once computed (cleared past SALIENCES_KEPT words)."""
        return {}

    def salience(self, word: str) -> float:
        """How much an unknown word says about what is asked: 1 for rare words
        ("hallucinate"), down to about 0.02 for everyday ones ("day")."""
        kept = self._saliences
        value = kept.get(word)
        if value is None:
            if len(kept) >= SALIENCES_KEPT:
                kept.clear()
            value = kept[word] = self._salience(word)
        return value

    def _salience(self, word: str) -> float:
        zipf = self.frequency.get(word, 0.0)
        for suffix in ("ing", "ed", "es", "s", "ly"):  # "powering" is as everyday as "power"
            if word.endswith(suffix) and len(word) > len(suffix) + 2:
                base = word[: -len(suffix)]
                zipf = max(zipf, self.frequency.get(base, 0.0), self.frequency.get(base + "e", 0.0))
        return min(1.0, max(0.15, (6.0 - zipf) / 3.0)) ** 2


def _words(value: Any, key: str) -> frozenset[str]:
    if not isinstance(value, str):
        raise KnowledgeError(f"{DATA_FILE}: '{key}' must be text of space-separated words")
    return frozenset(value.split())


def _phrases(value: Any, key: str) -> frozenset[tuple[str, ...]]:
    if not isinstance(value, str):
        raise KnowledgeError(f"{DATA_FILE}: '{key}' must be phrases separated by '|'")
    return frozenset(tuple(p.split()) for p in value.split("|") if p.strip())


def _patterns(value: Any, key: str) -> tuple[re.Pattern[str], ...]:
    if not isinstance(value, list):
        raise KnowledgeError(f"{DATA_FILE}: '{key}' must be a list of regular expressions")
    out = []
    for i, item in enumerate(value):
        try:
            out.append(re.compile(str(item)))
        except re.error as exc:
            raise KnowledgeError(
                f"{DATA_FILE}: '{key}' item {i + 1}: bad pattern ({exc})"
            ) from None
    return tuple(out)


def _one(value: Any, key: str, flags: int = 0) -> re.Pattern[str]:
    """The patterns as one alternation (one that matches nothing when there are none)."""
    return _joined(_patterns(value, key), flags)


def _joined(patterns: tuple[re.Pattern[str], ...], flags: int = 0) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p.pattern})" for p in patterns) or "(?!)", flags)


def _union(value: Any, key: str) -> tuple[re.Pattern[str], ...]:
    """The patterns as one alternation, for lists only ever asked "does any match?"."""
    patterns = _patterns(value, key)
    return (_joined(patterns),) if patterns else ()


def _any(value: Any, key: str) -> tuple[AnyOf, ...]:
    """The patterns as one :class:`AnyOf`, for lists only ever asked "does any match?"."""
    patterns = _patterns(value, key)
    return (AnyOf(patterns),) if patterns else ()


def parse_frequencies(text: str) -> dict[str, float]:
    """Lines of "<zipf x 10> <word> <word> ..." (``#`` starts a comment)."""
    out: dict[str, float] = {}
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        bucket, *ws = line.split()
        zipf = int(bucket) / 10
        for w in ws:
            out.setdefault(w, zipf)
    return out


def parse(data: dict[str, Any], frequency: dict[str, float] | None = None) -> Language:
    """A :class:`Language` from the parsed YAML (errors name the key)."""
    frequency = frequency or {}
    try:
        types = tuple(
            QuestionType(
                name=str(t["name"]),
                pattern=re.compile(str(t["pattern"])),
                evidence=re.compile(str(t["evidence"])),
                refusal=str(t["refusal"]),
                cues=frozenset(str(t.get("cues", "")).split()),
            )
            for t in data["question_types"]
        )
        chat = {str(k): tuple(str(v).split()) for k, v in data["chat"].items()}
        emoji = {str(k): frozenset(str(v)) for k, v in data["emoji"].items()}
        facets = {str(k): _any(v, f"facets.{k}") for k, v in data["facets"].items()}
        greetings = _phrases(data["greetings"], "greetings")
        return Language(
            stopwords=_words(data["stopwords"], "stopwords"),
            neutral=_words(data["neutral"], "neutral"),
            filler=_words(data["filler"], "filler"),
            source_words=_words(data["source_words"], "source_words"),
            note_columns=_words(data["note_columns"], "note_columns"),
            chat=chat,
            greetings=greetings,
            greeting_words=frozenset(p[0] for p in greetings if len(p) == 1),
            pleasantries=greetings | _phrases(data["thanks"], "thanks"),
            thanks=_phrases(data["thanks"], "thanks"),
            thank_words=_words(data["thank_words"], "thank_words"),
            byes=_phrases(data["byes"], "byes"),
            emoji=emoji,
            help_patterns=_any(data["help_patterns"], "help_patterns"),
            identity_patterns=_any(data["identity_patterns"], "identity_patterns"),
            commands=frozenset(str(c) for c in data["commands"]),
            compare_words=_words(data["compare_words"], "compare_words"),
            compare_phrases=tuple(str(p) for p in data["compare_phrases"]),
            versus_words=_words(data["versus_words"], "versus_words"),
            exhaustive_words=_words(data["exhaustive_words"], "exhaustive_words"),
            difference_words=_words(data["difference_words"], "difference_words"),
            plural_difference_words=_words(
                data["plural_difference_words"], "plural_difference_words"
            ),
            difference_phrases=tuple(str(p) for p in data["difference_phrases"]),
            difference_counters=_words(data["difference_counters"], "difference_counters"),
            contrast_patterns=_patterns(data["contrast_patterns"], "contrast_patterns"),
            purpose_asked=_one(data["purpose_patterns"], "purpose_patterns"),
            tells_how=_one(data["tells_how"], "tells_how", re.I),
            purpose_word=str(data["purpose_word"]),
            list_words=_words(data["list_words"], "list_words"),
            back_references=_words(data["back_references"], "back_references"),
            other_patterns=_any(data["other_patterns"], "other_patterns"),
            more_patterns=_any(data["more_patterns"], "more_patterns"),
            why_patterns=_any(data["why_patterns"], "why_patterns"),
            which_patterns=_any(data["which_patterns"], "which_patterns"),
            example_patterns=_any(data["example_patterns"], "example_patterns"),
            facets=facets,
            question_types=types,
            opinion_patterns=_patterns(data["opinion_patterns"], "opinion_patterns"),
            opinion_any=AnyOf(_patterns(data["opinion_patterns"], "opinion_patterns")),
            judgement_words=_words(data["judgement_words"], "judgement_words"),
            judgement_synonyms={
                str(k): tuple(str(v) for v in vs) for k, vs in data["judgement_synonyms"].items()
            },
            live_synonyms={
                str(k): tuple(str(v) for v in vs) for k, vs in data["live_synonyms"].items()
            },
            posed_judgement=re.compile(str(data["posed_judgement"]), re.I),
            howto_patterns=_any(data["howto_patterns"], "howto_patterns"),
            live_patterns=_any(data["live_patterns"], "live_patterns"),
            audience_patterns=_union(data["audience_patterns"], "audience_patterns"),
            question_starts=_words(data["question_starts"], "question_starts"),
            auxiliaries=_words(data["auxiliaries"], "auxiliaries"),
            relational_nouns=_words(data["relational_nouns"], "relational_nouns"),
            ranking_words=_words(data["ranking_words"], "ranking_words"),
            people_words=_words(data["people_words"], "people_words"),
            possessives=_words(data["possessives"], "possessives"),
            ordinals={str(k): int(v) for k, v in data["ordinals"].items()},
            ordinal_nouns=_words(data["ordinal_nouns"], "ordinal_nouns"),
            part_words=_words(data["part_words"], "part_words"),
            causal=re.compile(
                r"\b(?:" + "|".join(re.escape(str(m)) for m in data["causal_markers"]) + r")\b",
                re.I,
            ),
            foreign_words=_words(data["foreign_words"], "foreign_words"),
            illustrative=re.compile(
                r"\b(?:" + "|".join(re.escape(str(m)) for m in data["example_markers"]) + r")\b",
                re.I,
            ),
            replies={str(k): str(v) for k, v in data["replies"].items()},
            synonyms={str(k): tuple(str(v) for v in vs) for k, vs in data["synonyms"].items()},
            frequency=frequency,
        )
    except KeyError as exc:
        raise KnowledgeError(f"{DATA_FILE}: missing key {exc}") from None
    except (TypeError, AttributeError, re.error) as exc:
        raise KnowledgeError(f"{DATA_FILE}: malformed ({exc})") from None


@cache
def english() -> Language:
    """The shipped English cues (parsed once per process)."""
    folder = resources.files("bot").joinpath("data")
    data = yamlload.load(folder.joinpath(DATA_FILE).read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise KnowledgeError(f"{DATA_FILE}: expected a mapping at the top level")
    frequencies = folder.joinpath(FREQUENCY_FILE).read_text(encoding="utf-8")
    return parse(data, parse_frequencies(frequencies))

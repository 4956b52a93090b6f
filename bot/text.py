"""One tokenizer for the index and for questions.

Steps, in order: Unicode normalization (NFKC, case folding, accents dropped),
splitting into words, spelling correction of unknown words against the
knowledge base's own vocabulary, synonym and abbreviation mapping (phrases are
matched longest first, from ``vocabulary.yaml``), stopword removal, and
Snowball stemming.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable, Mapping
from functools import lru_cache

import snowballstemmer

# English function words. Words that carry meaning for this subject
# ("between", "new", "work") are deliberately absent.
STOPWORDS = frozenset(
    """
    a an the and or but nor so yet if then than that this these those there here
    i me my mine myself we us our ours you your yours yourself he him his she her hers
    it its itself they them their theirs what whats which who whom whose when where why how
    is are was were be been being am do does did doing done have has had having
    can could would should will shall may might must ought
    to of in on at by for with from into onto about as up down out off over under again
    further once just also too very really quite rather some any all each every both
    no not only own such more most other another few many much
    dont doesnt didnt isnt arent wasnt werent cant couldnt wouldnt shouldnt wont im ive
    youre theyre thats theres heres lets s t d ll re ve m
    please tell explain describe give show say let know kindly hey hi hello
    stuff get got go going gonna wanna like just help helps
    """.split()  # noqa: SIM905 - a word list reads best as text
)

_WORD = re.compile(r"[a-z0-9]+")
_APOSTROPHE = re.compile(r"(?<=[a-z])['’](?=[a-z])")
_MIN_CORRECTABLE = 5


def normalize(text: str) -> str:
    """Fold case, compatibility forms and accents.

    ``'Ｍachine Léarning'`` becomes ``'machine learning'``.
    """
    text = unicodedata.normalize("NFKC", text).casefold()
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def words(text: str) -> list[str]:
    """Split text into lower-case ASCII words.

    ``don't`` becomes ``dont`` and ``AI's`` becomes ``ai``.
    """
    text = normalize(text).replace("’", "'")
    text = re.sub(r"(?<=[a-z0-9])'s\b", "", text)
    text = _APOSTROPHE.sub("", text)
    return _WORD.findall(text)


class Tokenizer:
    """Turns text into index terms, the same way for passages and questions."""

    def __init__(
        self, synonyms: Mapping[str, Iterable[str]], known_words: Iterable[str] = ()
    ) -> None:
        self._stemmer = snowballstemmer.stemmer("english")
        self._phrases: dict[tuple[str, ...], tuple[str, ...]] = {}
        for canonical, variants in synonyms.items():
            target = tuple(words(canonical))
            self._phrases[target] = target
            for variant in variants:
                key = tuple(words(variant))
                if key:
                    self._phrases.setdefault(key, target)
        self._longest = max((len(k) for k in self._phrases), default=1)
        vocabulary = set(STOPWORDS)
        for phrase in self._phrases:
            vocabulary.update(phrase)
        for text in known_words:
            vocabulary.update(words(text))
        self.vocabulary = frozenset(vocabulary)
        self._stems = frozenset(self.stem(w) for w in vocabulary)
        self._by_length: dict[int, list[str]] = {}
        for word in sorted(self.vocabulary - STOPWORDS):  # no "bring" -> "being"
            self._by_length.setdefault(len(word), []).append(word)

    @lru_cache(maxsize=4096)  # noqa: B019 - one tokenizer per engine, lives as long as it
    def stem(self, word: str) -> str:
        """The Snowball stem of one word."""
        return str(self._stemmer.stemWord(word))

    @lru_cache(maxsize=4096)  # noqa: B019 - see stem()
    def correct(self, word: str) -> str:
        """The closest known word to an unknown one (a likely typo), or the word itself.

        Only words of five letters or more are corrected, only to a known word
        with the same first letter and a similar length, and never when the
        word is a known word's inflection ("using" is "use", not "housing").
        """
        if word in self.vocabulary or len(word) < _MIN_CORRECTABLE or not word.isalpha():
            return word
        stem = self.stem(word)
        # A known stem ("machin" of "machine") may only be completed to a word
        # of that stem, never turned into another word ("using" -> "housing").
        same_stem = stem in self._stems
        candidates: list[str] = []
        for length in range(len(word) - 2, len(word) + 3):
            candidates.extend(
                w
                for w in self._by_length.get(length, ())
                if w[0] == word[0] and (not same_stem or self.stem(w) == stem)
            )
        match = difflib.get_close_matches(word, candidates, n=1, cutoff=0.8)
        return match[0] if match else word

    def units(self, text: str, *, correct: bool = True) -> list[tuple[str, ...]]:
        """Words after correction and synonym mapping, each unit one word or one phrase."""
        ws = words(text)
        if correct:
            ws = [self.correct(w) for w in ws]
        out: list[tuple[str, ...]] = []
        i = 0
        while i < len(ws):
            for size in range(min(self._longest, len(ws) - i), 0, -1):
                target = self._phrases.get(tuple(ws[i : i + size]))
                if target is not None:
                    out.append(target)
                    i += size
                    break
            else:
                out.append((ws[i],))
                i += 1
        return out

    def terms_of(self, units: Iterable[tuple[str, ...]]) -> list[str]:
        """Index terms of units from :meth:`units`.

        A phrase ("machine learning") is one term of its own, so that "learn"
        in a question does not match every mention of machine learning; single
        words are stemmed, and stopwords dropped.
        """
        out = []
        for unit in units:
            if len(unit) > 1:
                out.append("_".join(unit))
            elif unit[0] not in STOPWORDS:
                out.append(self.stem(unit[0]))
        return out

    def tokenize(self, text: str, *, correct: bool = True) -> list[str]:
        """Index terms of a text: the one function both index and query go through."""
        return self.terms_of(self.units(text, correct=correct))


def contains(terms: list[str], phrase: tuple[str, ...]) -> bool:
    """Whether ``phrase`` occurs in ``terms`` as a contiguous run."""
    n = len(phrase)
    if n == 0:
        return False
    if n == 1:
        return phrase[0] in terms
    return any(tuple(terms[i : i + n]) == phrase for i in range(len(terms) - n + 1))

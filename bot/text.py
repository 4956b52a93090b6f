"""One tokenizer for the index and for questions.

Steps, in order: Unicode normalization (NFKC, case folding, accents dropped),
splitting into words, spelling correction of unknown words against the
knowledge base's own vocabulary, synonym and abbreviation mapping (phrases are
matched longest first), stopword removal, and Snowball stemming.

Spelling correction looks words up in an index of deletions (the SymSpell
idea), so its cost depends on the length of the word, not on the size of the
vocabulary.
"""

from __future__ import annotations

import re
import unicodedata
import zlib
from collections.abc import Callable, Iterable, Mapping
from functools import lru_cache
from itertools import compress, count, pairwise
from typing import TypeVar

import numpy as np
import numpy.typing as npt
import snowballstemmer

_IS_CONTRACTION = re.compile(r"\b(what|who|where|when|how|that|there|here|it)'s\b")
_WORD = re.compile(r"[a-z0-9]+")
_APOSTROPHE = re.compile(r"(?<=[a-z])['’](?=[a-z])")
_MIN_CORRECTABLE = 5
_TWO_EDITS_FROM = 8
_EVERYDAY_ZIPF = 4.0  # a typo is corrected to an English word at least this common
_COMPOUND_ZIPF = 4.5  # both halves of a compound are everyday words ("brain" + "power")


def normalize(text: str) -> str:
    """Fold case, compatibility forms and accents.

    ``'Ｍachine Léarning'`` becomes ``'machine learning'``.
    """
    if text.isascii():
        return text.lower()
    text = unicodedata.normalize("NFKC", text).casefold()
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def words(text: str) -> list[str]:
    """Split text into lower-case ASCII words.

    ``don't`` becomes ``dont`` and ``AI's`` becomes ``ai``.
    """
    text = normalize(text).replace("’", "'")
    if "'" not in text:
        return _WORD.findall(text)
    text = _IS_CONTRACTION.sub(r"\1s", text)  # "what's" is "whats" (what is), not "what"
    text = re.sub(r"(?<=[a-z0-9])'s\b", "", text)
    text = _APOSTROPHE.sub("", text)
    return _WORD.findall(text)


def _one_fewer(strings: Iterable[str]) -> set[str]:
    """Every string made by deleting one letter of one of ``strings``."""
    return {w[:i] + w[i + 1 :] for w in strings for i in range(len(w))}


def _two_fewer(word: str) -> set[str]:
    """Every string made by deleting two letters of ``word`` (each pair of places once:
    what ``_one_fewer`` of its one-letter deletions gives, in half the slicing)."""
    n = len(word)
    return {word[:i] + word[i + 1 : j] + word[j + 1 :] for i in range(n) for j in range(i + 1, n)}


def _deletes(word: str, depth: int) -> set[str]:
    """Every string made by deleting up to ``depth`` letters of ``word``."""
    out = {word}
    frontier = {word}
    for _ in range(depth):
        frontier = _one_fewer(frontier)
        out |= frontier
    return out


def _bitmap(keys: npt.NDArray[np.uint32]) -> tuple[bytes, int]:
    """A filter of ``keys``: a bit per value of their low bits (at least 256 bits per
    key, at most 2**26 bits), and the mask of those bits. A key's bit is always set;
    a value whose bit is unset is no key."""
    size = 1 << 16
    while size < 256 * len(keys) and size < 1 << 26:
        size <<= 1
    mask = size - 1
    seen = np.zeros(size, dtype=np.bool_)
    seen[keys & np.uint32(mask)] = True
    return np.packbits(seen, bitorder="little").tobytes(), mask


def edit_distance(a: str, b: str, limit: int) -> int:
    """Damerau-Levenshtein distance (adjacent swaps count once), or ``limit + 1`` beyond it."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        cur = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        if min(cur) > limit:
            return limit + 1
        prev2, prev = prev, cur
    return prev[-1]


def _hash(text: str) -> int:
    """A hash of ``text`` that is the same in every process (unlike ``hash``)."""
    return zlib.crc32(text.encode())


_EVERYDAY: dict[int, tuple[Mapping[str, float], dict[str, list[str]]]] = {}


def _everyday(english: Mapping[str, float]) -> dict[str, list[str]]:
    """The everyday words of ``english`` and their one-letter deletions, mapped to
    the words they come from: built once per word list (about 80 ms), on first use."""
    kept = _EVERYDAY.get(id(english))
    if kept is not None and kept[0] is english:
        return kept[1]
    out: dict[str, list[str]] = {}
    for w, z in english.items():
        if z >= _EVERYDAY_ZIPF and len(w) >= 4:
            for v in _deletes(w, 1):
                out.setdefault(v, []).append(w)
    _EVERYDAY[id(english)] = (english, out)
    return out


def _max_edits(word: str) -> int:
    return 1 if len(word) < _TWO_EDITS_FROM else 2


class Tokenizer:
    """Turns text into index terms, the same way for passages and questions."""

    def __init__(
        self,
        synonyms: Mapping[str, Iterable[str]],
        known_words: Iterable[str] = (),
        stopwords: frozenset[str] = frozenset(),
        english: frozenset[str] | Mapping[str, float] = frozenset(),
    ) -> None:
        self._english = english
        self._stemmer = snowballstemmer.stemmer("english")
        self._term_of = _Memo(self._word_term)
        self._unit_of = _Memo(self._unit)
        self.stopwords = stopwords
        self._phrases: dict[tuple[str, ...], tuple[str, ...]] = {}
        for canonical, variants in synonyms.items():
            target = tuple(words(canonical))
            self._phrases[target] = target
            for variant in variants:
                key = tuple(words(variant))
                if key:
                    self._phrases.setdefault(key, target)
        self._longest = max((len(k) for k in self._phrases), default=1)
        self._starts = frozenset(k[0] for k in self._phrases if len(k) > 1)
        self._pairs = frozenset(k[:2] for k in self._phrases if len(k) > 1)  # phrases' first two
        # An inflection of a one-word variant maps like it ("generator" like "generate").
        self._stemmed: dict[str, tuple[str, ...]] = {}
        self._stem_length: dict[str, int] = {}
        vocabulary = set(stopwords)
        for phrase in self._phrases:
            vocabulary.update(phrase)
        for text in known_words:
            vocabulary.update(words(text))
        self.vocabulary = frozenset(vocabulary)
        self._stems = frozenset(self.stem(w) for w in vocabulary)
        for key, target in self._phrases.items():
            if len(key) == 1 and key[0] not in stopwords:
                self._stemmed.setdefault(self.stem(key[0]), target)
                stem = self.stem(key[0])
                self._stem_length[stem] = min(len(key[0]), self._stem_length.get(stem, 99))
        self._by_stem: dict[str, list[str]] = {}
        for word in vocabulary - stopwords:
            self._by_stem.setdefault(self.stem(word), []).append(word)
        self._shortest = {s: min(len(w) for w in ws) for s, ws in self._by_stem.items()}
        # The first half of a compound the knowledge base uses ("brain" of "brainpower").
        self._compounds: dict[str, str] = {}
        common = (
            {w for w, z in english.items() if z >= _COMPOUND_ZIPF}
            if isinstance(english, Mapping)
            else set(english)
        )
        for word in sorted(self.vocabulary - stopwords):
            for cut in range(4, len(word) - 3):
                head, tail = word[:cut], word[cut:]
                if head in common and tail in common and head not in self.vocabulary:
                    self._compounds.setdefault(head, word)
        # Deletion index for spelling correction. It never corrects to a
        # stopword ("bring" is not "being").
        # Each deletion is kept as a 32-bit hash beside the word it comes from, in
        # two sorted arrays: a fraction of the memory of a dict of strings, and saved
        # and loaded as two arrays. A hash may match a deletion of another word; a
        # candidate is kept only if it truly shares a deletion (see correct()).
        self._correctable = tuple(
            w
            for w in sorted(self.vocabulary - stopwords)
            if len(w) >= _MIN_CORRECTABLE - 2 and w.isalpha()
        )
        hashes: list[int] = []
        owners: list[int] = []
        for i, word in enumerate(self._correctable):
            variants = _deletes(word, _max_edits(word))
            hashes += map(_hash, variants)
            owners += [i] * len(variants)
        keys = np.asarray(hashes, dtype=np.uint32)
        order = np.argsort(keys, kind="stable")
        self._delete_keys = keys[order]
        self._delete_owners = np.asarray(owners, dtype=np.int32)[order]
        # Most variants of a typed word are no known word's deletion: a bitmap of the
        # hashes tells most of those apart without a look-up in the arrays.
        self._delete_seen, self._seen_mask = _bitmap(self._delete_keys)

    def _sharing_a_deletion(self, variants: set[str]) -> set[str]:
        """Known words with a deletion among ``variants`` (a hash match, checked)."""
        seen, mask = self._delete_seen, self._seen_mask
        crc32 = zlib.crc32
        found = [
            h for v in variants if seen[((h := crc32(v.encode())) & mask) >> 3] >> (h & 7) & 1
        ]  # the hashes _hash() gives, of the variants the bitmap may hold
        if not found:
            return set()
        hashes = np.asarray(found, dtype=np.uint32)
        lo = np.searchsorted(self._delete_keys, hashes, side="left")
        hi = np.searchsorted(self._delete_keys, hashes, side="right")
        owners = {
            int(o)
            for a, b in zip(lo.tolist(), hi.tolist(), strict=True)
            if a < b
            for o in self._delete_owners[a:b]
        }
        words = (self._correctable[o] for o in owners)
        return {w for w in words if not variants.isdisjoint(_deletes(w, _max_edits(w)))}

    def __getstate__(self) -> dict[str, object]:
        state = dict(self.__dict__)
        del state["_stemmer"], state["_term_of"], state["_unit_of"]  # a C object, memos
        return state

    def __setstate__(self, state: dict[str, object]) -> None:
        self.__dict__.update(state)
        self._stemmer = snowballstemmer.stemmer("english")
        self._term_of = _Memo(self._word_term)
        self._unit_of = _Memo(self._unit)

    @lru_cache(maxsize=1 << 17)  # noqa: B019 - one tokenizer per engine, lives as long as it
    def stem(self, word: str) -> str:
        """The Snowball stem of one word."""
        return str(self._stemmer.stemWord(word))

    def prepare(self) -> None:
        """Build now what the first spelling correction would otherwise build (the
        everyday words' deletions, about 60 ms), so that no question waits for it."""
        if isinstance(self._english, Mapping):
            _everyday(self._english)

    def known(self, word: str) -> bool:
        """Whether ``word`` (or a word of its stem) occurs in the knowledge base."""
        return word in self.vocabulary or self.stem(word) in self._stems

    @lru_cache(maxsize=8192)  # noqa: B019 - see stem()
    def correct(self, word: str) -> str:
        """The closest known word to an unknown one (a likely typo), or the word itself.

        Only alphabetic words of five letters or more are corrected (one edit
        below eight letters, two from eight), only to a known word with the
        same first letter; never a word of the English word list ("suggest"
        is not a typo of "suggesting"), and a known word's inflection only to
        a word of its stem ("machin" is "machine", "using" never "housing").
        """
        if len(word) < 4 or not word.isalpha() or word in self.vocabulary:
            return word
        single = word[:-1] if word.endswith("s") and not word.endswith("ss") else word
        if len(word) < _MIN_CORRECTABLE:
            return self._compounds.get(word) or self._compounds.get(single, word)
        if word in self._compounds or single in self._compounds:
            # "brain(s)" for the "brainpower" of the source
            return self._compounds.get(word) or self._compounds[single]
        if word in self._english:
            return word  # a real English word ("suggest", "relativity"), not a typo
        stem = self.stem(word)
        if stem in self._stems and any(self.stem(w) == stem for w in self._by_stem.get(stem, ())):
            # A known stem ("machin") may only be completed to a word of that stem.
            return min(self._by_stem[stem], key=lambda w: (abs(len(w) - len(word)), w))
        limit = _max_edits(word)
        ones = _deletes(word, 1)
        variants = ones if limit == 1 else ones | _two_fewer(word)  # _deletes(word, 2)
        best: tuple[int, int, str] | None = None
        candidates = {c for c in self._sharing_a_deletion(variants) if c[0] == word[0]}
        for candidate in candidates:  # each once: the best is a minimum, in any order
            distance = edit_distance(word, candidate, limit)
            if distance <= limit:
                key = (distance, abs(len(candidate) - len(word)), candidate)
                if best is None or key < best:
                    best = key
        return best[2] if best else self._common_word(word, ones)

    def _common_word(self, word: str, ones: set[str]) -> str:
        """The everyday English word one edit from ``word`` ("shuld" is "should",
        "comit" is "commit"), one the source uses first, then the most frequent; else
        ``word``.

        A typo of an everyday word is no rare word the source lacks. A word one
        letter longer than an everyday one is its typo only where that letter
        doubles another ("thhe"): "cmake" is not "cake". Words of the
        English list itself are never changed, nor words one edit from none.
        ``ones`` is ``_deletes(word, 1)``.
        """
        english = self._english
        if not isinstance(english, Mapping) or word in english:
            return word
        everyday = _everyday(english)
        found = {
            c
            for v in ones
            for c in everyday.get(v, ())
            if c[0] == word[0]
            and edit_distance(word, c, 1) <= 1
            # A letter too many is a typo where it doubles one ("thhe"); "cmake" is a name.
            and (len(c) >= len(word) or re.search(r"(.)\1", word))
        }
        return max(found, key=lambda c: (self.known(c), english[c], c)) if found else word

    def units(self, ws: Iterable[str]) -> list[tuple[str, ...]]:
        """Words after synonym mapping, each unit one word or one phrase."""
        ws = list(ws)
        unit_of = self._unit_of
        if self._starts.isdisjoint(ws):
            return [unit_of[w] for w in ws]  # no phrase can start here: word by word
        out: list[tuple[str, ...]] = []
        i = 0
        while i < len(ws):
            if ws[i] in self._starts:
                for size in range(min(self._longest, len(ws) - i), 1, -1):
                    target = self._phrases.get(tuple(ws[i : i + size]))
                    if target is not None:
                        out.append(target)
                        i += size
                        break
                else:
                    out.append(unit_of[ws[i]])
                    i += 1
            else:
                out.append(unit_of[ws[i]])
                i += 1
        return out

    def _unit(self, word: str) -> tuple[str, ...]:
        """The unit of one word that starts no longer phrase: its synonym's, or itself."""
        target = self._phrases.get((word,))
        if target is not None:
            return target
        stem = self.stem(word)
        mapped = None if word in self.stopwords else self._stemmed.get(stem)
        # An inflection, not a derivation: "generator" is "generate",
        # "relativity" is not "relate".
        close = mapped is not None and len(word) - self._stem_length[stem] <= 2
        return mapped if mapped is not None and close and len(word) > 3 else (word,)

    @lru_cache(maxsize=1 << 17)  # noqa: B019 - see stem()
    def term(self, unit: tuple[str, ...]) -> str | None:
        """The index term of one unit: a phrase joined by ``_``, a word stemmed, a stopword None.

        A phrase ("machine learning") is one term of its own, so that "learn"
        in a question does not match every mention of machine learning.
        """
        if len(unit) > 1:
            return "_".join(unit)
        word = unit[0]
        if word in self.stopwords:
            return None
        stem = self.stem(word)
        shortest = self._shortest.get(stem)
        if word not in self.vocabulary and shortest is not None and len(word) - shortest > 3:
            # A derivation the stemmer folds into a known word ("relativity" is
            # not "related"): a term of its own.
            return word
        return stem

    def terms_of(self, units: Iterable[tuple[str, ...]]) -> list[str]:
        """Index terms of units from :meth:`units`."""
        return [t for t in (self.term(u) for u in units) if t is not None]

    def starts_phrase(self, word: str, after: str) -> bool:
        """Whether ``word`` and the word ``after`` it start a phrase read as one term."""
        return (word, after) in self._pairs

    def tokenize(self, text: str, *, correct: bool = False) -> list[str]:
        """Index terms of a text: how passages are indexed (``correct``: typed text)."""
        ws = words(text)
        if correct:
            ws = [self.correct(w) for w in ws]
        return self._terms(ws)

    def _terms(self, ws: list[str]) -> list[str]:
        """:meth:`terms_of` :meth:`units`, faster: word by word (each word's term
        remembered) between the words that may start a phrase (with the word after
        them, the first two words of a phrase)."""
        term_of = self._term_of
        flags = list(map(self._pairs.__contains__, pairwise(ws)))
        if not any(flags):
            return list(filter(None, map(term_of.__getitem__, ws)))
        out: list[str] = []
        i = 0
        for j in compress(count(), flags):
            if j < i:
                continue  # inside a phrase already read
            out += filter(None, map(term_of.__getitem__, ws[i:j]))
            for size in range(min(self._longest, len(ws) - j), 1, -1):
                target = self._phrases.get(tuple(ws[j : j + size]))
                if target is not None:
                    term = self.term(target)
                    if term is not None:
                        out.append(term)
                    i = j + size
                    break
            else:
                term = term_of[ws[j]]
                if term:
                    out.append(term)
                i = j + 1
        out += filter(None, map(term_of.__getitem__, ws[i:]))
        return out

    def terms_of_words(self, parts: Iterable[list[str]]) -> list[str]:
        """The index terms of several texts' words (each from :func:`words`), one after
        the other: ``tokenize`` of each text, concatenated, in one pass (an empty
        string between the texts, which no phrase holds and no term is made of)."""
        joined: list[str] = []
        for ws in parts:
            if joined:
                joined.append("")
            joined += ws
        return self._terms(joined)

    def _word_term(self, word: str) -> str:
        """The term of one word outside a phrase ("" for a stopword, or for "")."""
        return self.term(self._unit_of[word]) or "" if word else ""


V = TypeVar("V")


class _Memo(dict[str, V]):
    """A word's term or unit, computed on first use and kept (cleared when it grows
    past ``limit``, so that words typed by users cannot fill memory)."""

    def __init__(self, compute: Callable[[str], V], limit: int = 1 << 18) -> None:
        super().__init__()
        self._compute = compute
        self._limit = limit

    def __missing__(self, word: str) -> V:
        if len(self) >= self._limit:
            self.clear()
        value = self[word] = self._compute(word)
        return value

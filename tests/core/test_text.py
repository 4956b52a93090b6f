"""The tokenizer shared by index and queries."""

from __future__ import annotations

import random

from bot import text as text_module
from bot.engine import Engine
from bot.text import Tokenizer, normalize, words


def test_normalize_folds_case_width_and_accents() -> None:
    assert normalize("Ｍachine Léarning") == "machine learning"
    assert words("Don't panic: AI's future!") == ["dont", "panic", "ai", "future"]


def test_synonyms_and_abbreviations_map_to_one_term(shipped_engine: Engine) -> None:
    tok = shipped_engine.tokenizer
    assert tok.tokenize("ML") == tok.tokenize("machine learning") == ["machine_learning"]
    assert tok.tokenize("GenAI") == tok.tokenize("gen ai") == tok.tokenize("Generative AI")
    assert tok.tokenize("LLMs") == tok.tokenize("large language model")


def test_phrase_term_does_not_match_its_words(shipped_engine: Engine) -> None:
    """'learn' in a question must not match every mention of machine learning."""
    tok = shipped_engine.tokenizer
    assert "learn" not in tok.tokenize("machine learning")
    assert tok.tokenize("how do models learn") == ["model", "learn"]


def test_stopwords_and_stemming(shipped_engine: Engine) -> None:
    tok = shipped_engine.tokenizer
    assert tok.tokenize("What are the predictions?") == tok.tokenize("predicting")


def test_typos_are_corrected_against_known_words(shipped_engine: Engine) -> None:
    tok = shipped_engine.tokenizer
    assert tok.tokenize("genrative ai", correct=True) == tok.tokenize("generative ai")
    assert tok.tokenize("machne lerning", correct=True) == tok.tokenize("machine learning")
    assert tok.correct("defintion") == "definition"  # one edit
    assert tok.correct("generatvie") == "generative"  # a swap counts once


def test_inflections_and_unrelated_words_are_not_corrected(shipped_engine: Engine) -> None:
    tok = shipped_engine.tokenizer
    assert tok.stem(tok.correct("using")) == "use"  # not "housing"
    assert tok.correct("scored") == "scored"  # not "core"
    assert tok.correct("lasagna") == "lasagna"


def test_index_and_query_use_the_same_function() -> None:
    tok = Tokenizer({"machine learning": ["ml"]}, ["machine learning is fun"])
    assert tok.tokenize("ML is fun", correct=False) == tok.tokenize("machine learning is fun")


def test_empty_and_odd_input() -> None:
    tok = Tokenizer({}, [])
    assert tok.tokenize("") == []
    assert tok.tokenize("🤖 ‮ \u200b ") == []


def test_fast_tokenize_is_units_then_terms(shipped_engine: Engine) -> None:
    """tokenize's word-by-word path gives what the phrase-by-phrase definition does."""
    tok = shipped_engine.tokenizer
    texts = [p.text for p in shipped_engine.kb.passages]
    texts += [q for p in shipped_engine.kb.passages for q in p.questions]
    texts += ["machine learning machine", "gen ai gen", "large language model llm", "", "ai"]
    for text in texts:
        ws = words(text)
        assert tok.tokenize(text) == tok.terms_of(tok.units(ws)), text


def test_terms_of_several_texts_are_each_text_s_terms_in_turn(shipped_engine: Engine) -> None:
    """One pass over several texts' words: no phrase spans two of them."""
    tok = shipped_engine.tokenizer
    rng = random.Random(3)
    texts = [p.text for p in shipped_engine.kb.passages]
    texts += [q for p in shipped_engine.kb.passages for q in p.questions]
    texts += ["machine", "learning", "large language", "model", "gen", "ai", "", "the"]
    for _ in range(300):
        parts = rng.sample(texts, rng.randint(1, 5))
        expected = [t for part in parts for t in tok.tokenize(part)]
        assert tok.terms_of_words([words(part) for part in parts]) == expected, parts


def _reference_candidates(tok: Tokenizer, word: str) -> set[str]:
    """The words a plain dict of deletions (the index before it was hashed) offers."""
    index: dict[str, list[str]] = {}
    for known in tok._correctable:
        for variant in text_module._deletes(known, text_module._max_edits(known)):
            index.setdefault(variant, []).append(known)
    limit = text_module._max_edits(word)
    return {c for v in text_module._deletes(word, limit) for c in index.get(v, ())}


def test_hashed_deletion_index_offers_exactly_the_dict_s_candidates(
    shipped_engine: Engine,
) -> None:
    tok = shipped_engine.tokenizer
    rng = random.Random(3)
    typos = []
    for known in rng.sample(tok._correctable, 60):
        i = rng.randrange(len(known))
        typos += [known[:i] + known[i + 1 :], known[:i] + "x" + known[i:], known[::-1]]
    for typo in typos:
        limit = text_module._max_edits(typo)
        assert tok._sharing_a_deletion(text_module._deletes(typo, limit)) == _reference_candidates(
            tok, typo
        ), typo


def test_deletion_bitmap_holds_every_key_and_few_others(shipped_engine: Engine) -> None:
    """A key's bit is always set (no candidate is lost); most other values' are not."""
    tok = shipped_engine.tokenizer
    seen, mask = tok._delete_seen, tok._seen_mask

    def held(h: int) -> bool:
        return bool(seen[(h & mask) >> 3] >> (h & 7) & 1)

    assert all(held(int(h)) for h in tok._delete_keys)
    rng = random.Random(5)
    others = [rng.getrandbits(32) for _ in range(2000)]
    assert sum(map(held, others)) < 0.05 * len(others)
    assert len(seen) * 8 == mask + 1


def test_typos_of_everyday_words_become_those_words(shipped_engine: Engine) -> None:
    tok = shipped_engine.tokenizer
    assert tok.correct("shuld") == "should"
    assert tok.correct("windoze") == "windoze"  # one edit from no everyday word
    assert tok.correct("cmake") == "cmake"  # a letter more than "cake", doubling none
    assert tok.correct("brains") == "brainpower"  # a plural of the source's compound's head
    assert tok.correct("thhat") == "that"
    assert tok.correct("hallucinate") == "hallucinate"


def test_two_letter_deletions_are_one_letter_deletions_twice() -> None:
    rng = random.Random(6)
    for _ in range(3000):
        word = "".join(rng.choices("aabcxyz", k=rng.randint(0, 11)))
        twice = text_module._one_fewer(text_module._one_fewer({word}))
        assert text_module._two_fewer(word) == twice, word


def test_a_loaded_engine_has_built_what_the_first_correction_needs() -> None:
    """The everyday words' deletions (tens of milliseconds) are built while loading,
    not while the first question with an unknown word waits."""
    text_module._EVERYDAY.clear()
    engine = Engine.load(cache=False)
    english = engine.tokenizer._english
    assert id(english) in text_module._EVERYDAY
    assert text_module._EVERYDAY[id(english)][0] is english
    assert engine.tokenizer.correct("recieving") == "receiving"

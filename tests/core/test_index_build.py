"""The index's build shortcuts find what their plain definitions find."""

from __future__ import annotations

import random

import pytest

from bot import index as index_module
from bot.engine import Engine


def test_capitalised_names_are_the_pattern_s_matches(shipped_engine: Engine) -> None:
    lines = [line for p in shipped_engine.kb.passages for line in p.text.splitlines()]
    lines += ["", "A", "a B", "Netflix and Spotify. Google Maps", "x. Y z", "•  Q", "AB-CD ef"]
    rng = random.Random(5)
    letters = "aAbB .!?•-\t"
    lines += ["".join(rng.choice(letters) for _ in range(rng.randint(0, 30))) for _ in range(2000)]
    for line in lines:
        expected = [m.group(1) for m in index_module._CAPITALISED.finditer(line)]
        assert list(index_module._capitalised(line)) == expected, line


def test_known_texts_hold_every_word_of_the_knowledge_base(shipped_engine: Engine) -> None:
    from bot.text import words

    kb = shipped_engine.kb
    chunked = set()
    for chunk in index_module._known_texts(kb, shipped_engine.index.language):
        chunked.update(words(chunk))
    one_by_one = set()
    for p in kb.passages:
        for text in (p.title, p.text, p.section, *p.questions, *p.keywords):
            one_by_one.update(words(text))
    for r in kb.table:
        for text in (r.aspect, *(c.text for c in r.cells), *r.keywords):
            one_by_one.update(words(text))
    one_by_one.update(words(" ".join(shipped_engine.index.language.vocabulary)))
    assert chunked == one_by_one


def test_docs_are_the_same_kept_all_or_only_the_latest(
    shipped_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A knowledge base whose passages' Docs all fit keeps each in a plain dict; a larger
    one keeps only the latest (here, 2): the same Doc either way."""
    monkeypatch.setattr(index_module, "DOCS_KEPT", 2)
    small = index_module.Index(shipped_engine.kb, shipped_engine.index.language)
    assert small.docs._all is None  # type: ignore[attr-defined]
    for _ in range(2):
        for doc_id in shipped_engine.index.docs:
            assert small.docs[doc_id] == shipped_engine.index.docs[doc_id]
    assert len(small.docs._made) <= 2  # type: ignore[attr-defined]

"""The persistent index: saved once built, read back while nothing changed."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot import index as index_module
from bot import saved_index as store
from bot.engine import Engine
from tests.core.snapshot import DATA, reply_json

QUESTIONS = ["what is tea made from?", "and coffee?", "compare them", "wat is matcha", "hi"]


@pytest.fixture
def tea(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A writable copy of a test knowledge base, and a private user cache."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    target = tmp_path / "tea"
    shutil.copytree(DATA / "kb_tea", target, ignore=shutil.ignore_patterns(".*"))
    return target


def _no_building(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the index was built, not read from its saved copy")

    monkeypatch.setattr(index_module.Index, "__init__", refuse)


def _replies(engine: Engine) -> list[dict[str, object]]:
    return [reply_json(engine.ask(q, "c")) for q in QUESTIONS] + [
        {"suggest": engine.suggest("what is")}
    ]


def test_saved_index_gives_the_same_replies(tea: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    built = Engine.load(tea)
    saved = list((tea / store.FOLDER).glob("*" + store.SUFFIX))
    assert len(saved) == 1
    _no_building(monkeypatch)
    assert _replies(Engine.load(tea)) == _replies(built)


def test_a_changed_knowledge_base_is_indexed_again(
    tea: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    Engine.load(tea)
    (first,) = (tea / store.FOLDER).glob("*" + store.SUFFIX)
    passages = tea / "passages.yaml"
    passages.write_text(
        passages.read_text(encoding="utf-8").replace("Camellia sinensis", "Camellia Sinensis"),
        encoding="utf-8",
    )
    engine = Engine.load(tea)
    (second,) = (tea / store.FOLDER).glob("*" + store.SUFFIX)
    assert second != first  # a new name; the old one is gone
    assert any("Camellia Sinensis" in p.text for p in engine.kb.passages)


def test_read_only_knowledge_base_uses_the_user_cache(
    tea: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tea / store.FOLDER).write_text("not a folder")  # so nothing can be saved beside it
    built = Engine.load(tea)
    assert list(store.user_cache().glob("*" + store.SUFFIX))
    _no_building(monkeypatch)
    assert _replies(Engine.load(tea)) == _replies(built)


def test_a_damaged_index_is_rebuilt(tea: Path, caplog: pytest.LogCaptureFixture) -> None:
    built = Engine.load(tea)
    (saved,) = (tea / store.FOLDER).glob("*" + store.SUFFIX)
    saved.write_bytes(saved.read_bytes()[:1000])
    again = Engine.load(tea)
    assert "ignoring the saved index" in caplog.text
    assert _replies(again) == _replies(built)


def test_without_cache_nothing_is_saved(tea: Path) -> None:
    Engine.load(tea, cache=False)
    assert not (tea / store.FOLDER).exists()


def test_the_name_covers_files_in_subfolders_but_not_hidden_ones(tea: Path) -> None:
    key = store.cache_key(tea, "plus", None)
    (tea / ".index").mkdir()
    (tea / ".index" / "x").write_text("ignored")
    assert store.cache_key(tea, "plus", None) == key
    (tea / "more").mkdir()
    (tea / "more" / "entry.md").write_text("a new entry")
    assert store.cache_key(tea, "plus", None) != key


def test_the_code_hash_is_the_code_this_process_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An upgrade installed while the bot runs must not file the old code's index
    under the new code's name: the code is hashed once, as it was at start."""
    package = tmp_path / "bot"
    (package / "data").mkdir(parents=True)
    (package / "engine.py").write_text("old = 1\n", encoding="utf-8")
    monkeypatch.setattr(store, "_PACKAGE", package)
    store.code_digest.cache_clear()
    try:
        before = store.code_digest()
        (package / "engine.py").write_text("new = 2\n", encoding="utf-8")
        assert store.code_digest() == before
        store.code_digest.cache_clear()
        assert store.code_digest() != before
    finally:
        store.code_digest.cache_clear()

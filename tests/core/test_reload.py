"""Hot reload: a new engine built off to the side, swapped in one step; a broken edit keeps
the old knowledge base serving; conversations survive."""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path

import pytest

from bot.reload import LiveEngine, ReloadError, reload_async, watch

DATA = Path(__file__).resolve().parents[1] / "data"


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _bump(folder: Path, version: str = "2099.01.01-1") -> None:
    _edit(folder / "knowledge.yaml", 'version: "2026.06.11-1"', f'version: "{version}"')


def test_reload_serves_the_edit(kb_copy: Path) -> None:
    live = LiveEngine.load(kb_copy)
    before = live.current
    _bump(kb_copy)
    _edit(kb_copy / "050-ml-how.md", "housing prices", "apartment rents")
    done = live.reload()
    assert (done.old_version, done.new_version) == ("2026.06.11-1", "2099.01.01-1")
    assert live.current is not before and live.kb.source.version == "2099.01.01-1"
    assert "apartment rents" in live.ask("How does machine learning work?").text


def test_broken_edit_keeps_the_old_knowledge_base(
    kb_copy: Path, caplog: pytest.LogCaptureFixture
) -> None:
    live = LiveEngine.load(kb_copy)
    serving = live.current
    _bump(kb_copy)
    entry = kb_copy / "040-ml-definition.md"
    _edit(entry, "questions:\n", "questions: [unclosed\n")
    with pytest.raises(ReloadError, match=r"040-ml-definition\.md:\d+.*invalid YAML"):
        live.reload()
    assert live.current is serving and live.kb.source.version == "2026.06.11-1"
    assert live.ask("What is machine learning?").kind == "answer"
    assert "not reloaded, still serving 2026.06.11-1" in caplog.text
    (kb_copy / "knowledge.yaml").unlink()
    with pytest.raises(ReloadError, match=r"source\.yaml: file not found"):
        live.reload()
    assert live.current is serving


def test_answers_go_on_while_a_reload_builds(kb_copy: Path) -> None:
    live = LiveEngine.load(kb_copy)
    _bump(kb_copy)
    kinds: list[str] = []
    done = threading.Event()

    def keep_asking() -> None:
        while not done.is_set():
            kinds.append(live.ask("What is generative AI?").kind)

    asker = threading.Thread(target=keep_asking)
    asker.start()
    try:
        for _ in range(3):
            live.reload()
    finally:
        done.set()
        asker.join()
    assert kinds and set(kinds) == {"answer"}
    assert live.kb.source.version == "2099.01.01-1"


def test_one_reload_at_a_time(kb_copy: Path) -> None:
    live = LiveEngine.load(kb_copy)
    assert live._lock.acquire()
    try:
        with pytest.raises(ReloadError, match="already under way"):
            live.prepare()
    finally:
        live._lock.release()


def test_conversations_survive_a_reload(kb_copy: Path) -> None:
    live = LiveEngine.load(kb_copy)
    live.ask("What is machine learning?", "c1")
    _bump(kb_copy)
    live.reload()
    reply = live.ask("how does it work?", "c1")
    assert reply.sources and reply.sources[0].passage_id == "ml-how"


def test_a_conversation_survives_a_reload_to_other_knowledge(kb_copy: Path, tmp_path: Path) -> None:
    live = LiveEngine.load(kb_copy)
    live.ask("What are examples of machine learning?", "c1")
    live.path = DATA / "kb_tea"
    live.reload()
    assert live.ask("and how does it work?", "c1").kind in {"answer", "refusal", "help"}
    assert live.ask("How is tea made?", "c1").kind == "answer"


async def test_reload_async_and_watch(kb_copy: Path) -> None:
    live = LiveEngine.load(kb_copy)
    _bump(kb_copy, "2099.01.01-2")
    done = await reload_async(live)
    assert done.new_version == "2099.01.01-2"
    stop = asyncio.Event()
    watcher = asyncio.ensure_future(watch(live, stop))
    try:
        await asyncio.sleep(0.5)  # the watcher is set up
        _edit(kb_copy / "knowledge.yaml", "2099.01.01-2", "2099.01.01-3")
        for _ in range(100):
            if live.kb.source.version == "2099.01.01-3":
                break
            await asyncio.sleep(0.1)
        assert live.kb.source.version == "2099.01.01-3"
    finally:
        stop.set()
        await asyncio.wait_for(watcher, 10)

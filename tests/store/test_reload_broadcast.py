"""A reload in one process reaches the others through the store (on both back ends):
two LiveEngine + Store pairs, as two bot processes would hold them."""

from __future__ import annotations

import asyncio
import logging
import shutil
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from bot.knowledge import DEFAULT_PATH
from bot.reload import LiveEngine, ReloadError, reload_async, share_reloads
from bot.store import Store
from bot.store.backends import backend_for

OLD, NEW = "2026.06.11-1", "2099.01.01-1"
POLL = 0.05


def _folder(root: Path, name: str) -> Path:
    target = root / name
    shutil.copytree(DEFAULT_PATH, target)
    return target


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


async def _until(condition: Callable[[], bool], timeout: float = 15) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        await asyncio.sleep(0.02)


async def test_a_reload_in_one_process_reloads_the_other_and_no_further(
    store_url: str, tmp_path: Path
) -> None:
    shared = _folder(tmp_path, "knowledge")
    one, two = LiveEngine.load(shared), LiveEngine.load(shared)
    first, second = (Store(backend_for(store_url), purge_every=0) for _ in range(2))
    await first.start()
    await second.start()
    try:
        share_reloads(one, first, POLL)
        share_reloads(two, second, POLL)
        await asyncio.sleep(3 * POLL)  # both watchers have read the (empty) stamp
        _edit(shared / "knowledge.yaml", OLD, NEW)
        done = await reload_async(one)
        assert done.new_version == NEW
        await _until(lambda: two.kb.source.version == NEW)
        assert two.ask("What is machine learning?").kind == "answer"
        await asyncio.sleep(10 * POLL)  # time for a ping-pong, were there one
        stamp = await first.kb_stamp()
        assert stamp is not None and (stamp.version, stamp.serial) == (NEW, 1)
        assert one.kb.source.version == NEW

        _edit(shared / "knowledge.yaml", NEW, "2099.02.02-1")  # and back the other way
        await reload_async(two)
        await _until(lambda: one.kb.source.version == "2099.02.02-1")
        await asyncio.sleep(10 * POLL)
        stamp = await second.kb_stamp()
        assert stamp is not None and stamp.serial == 2
    finally:
        await first.close()
        await second.close()


async def test_a_process_whose_reload_fails_keeps_serving_the_old_version(
    store_url: str, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    good, broken = _folder(tmp_path, "good"), _folder(tmp_path, "broken")
    one, two = LiveEngine.load(good), LiveEngine.load(broken)
    first, second = (Store(backend_for(store_url), purge_every=0) for _ in range(2))
    await first.start()
    await second.start()
    try:
        share_reloads(one, first, POLL)
        share_reloads(two, second, POLL)
        await asyncio.sleep(3 * POLL)
        _edit(good / "knowledge.yaml", OLD, NEW)
        _edit(broken / "knowledge.yaml", "subjects:", "subjects: [")
        with caplog.at_level(logging.INFO, logger="bot.reload"):
            await reload_async(one)
            await _until(lambda: f"not reloaded, still serving {OLD}" in caplog.text)
        assert "Another bot process reloaded the knowledge base (version 2099" in caplog.text
        assert two.kb.source.version == OLD
        assert two.ask("What is machine learning?").kind == "answer"
        with pytest.raises(ReloadError):  # its own reload fails alike, and announces nothing
            await reload_async(two)
        stamp = await second.kb_stamp()
        assert stamp is not None and stamp.serial == 1
    finally:
        await first.close()
        await second.close()


async def test_a_store_that_is_down_does_not_undo_the_reload(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    from tests.pgserver import free_port

    folder = _folder(tmp_path, "knowledge")
    live = LiveEngine.load(folder)
    store = Store(backend_for(f"postgresql://bot@127.0.0.1:{free_port()}/bot"), purge_every=0)
    await store.start()
    try:
        share_reloads(live, store, POLL)
        _edit(folder / "knowledge.yaml", OLD, NEW)
        with caplog.at_level(logging.WARNING, logger="bot.reload"):
            done = await reload_async(live)
        assert done.new_version == NEW and live.kb.source.version == NEW
        assert "Reloaded here, but could not tell the other bot processes" in caplog.text
    finally:
        await store.close()

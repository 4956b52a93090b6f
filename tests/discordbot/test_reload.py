"""Hot reload from Discord: ``/kb reload`` (administrators), SIGHUP, and ``run --watch``."""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import sys
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.discordbot.cli import run_bot
from bot.discordbot.client import MLGenAIBot
from bot.engine import Engine
from bot.knowledge import DEFAULT_PATH
from bot.reload import LiveEngine
from tests.discordbot.conftest import make_settings
from tests.discordbot.helpers import EPHEMERAL, embed_of, flags_of
from tests.fakediscord import FAKE_TOKEN, OTHER_USER_ID, FakeDiscord, run_client

OLD, NEW = "2026.06.11-1", "2099.01.01-1"


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    target = tmp_path / "knowledge"
    shutil.copytree(DEFAULT_PATH, target)
    return target


@pytest.fixture
async def live_bot(fake_discord: FakeDiscord, folder: Path) -> AsyncIterator[MLGenAIBot]:
    client = MLGenAIBot(make_settings(), LiveEngine.load(folder))
    async with run_client(client, FAKE_TOKEN):
        await client.sync_commands()
        yield client


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


async def _reload(fake: FakeDiscord, user_id: int | None = None) -> str:
    extra = {"user_id": user_id} if user_id else {}
    inter = await fake.send_slash_command("kb", subcommand="reload", **extra)
    body = await fake.interaction_reply(inter.id)
    assert flags_of(body) & EPHEMERAL
    if body["type"] == 4:  # answered at once (refused)
        return str(body["data"]["content"])
    assert body["type"] == 5  # deferred while the new knowledge base builds
    followup = await fake.wait_for_followup(inter.token, timeout=20)
    assert flags_of(followup.json) & EPHEMERAL
    return str(followup.json["content"])


async def _footer(fake: FakeDiscord) -> str:
    inter = await fake.send_slash_command("ask", {"question": "What is machine learning?"})
    return str(embed_of(await fake.interaction_reply(inter.id))["footer"]["text"])


async def test_kb_reload_serves_the_edit(
    fake_discord: FakeDiscord, live_bot: MLGenAIBot, folder: Path
) -> None:
    assert OLD in await _footer(fake_discord)
    _edit(folder / "knowledge.yaml", OLD, NEW)
    text = await _reload(fake_discord)
    assert text.startswith("Reloaded: version 2026.06.11-1 -> 2099.01.01-1")
    assert NEW in await _footer(fake_discord)


async def test_kb_reload_of_a_broken_edit_keeps_answering(
    fake_discord: FakeDiscord, live_bot: MLGenAIBot, folder: Path
) -> None:
    _edit(folder / "knowledge.yaml", OLD, NEW)
    _edit(folder / "030-goals.md", "id: goals", "id: intro")
    text = await _reload(fake_discord)
    assert text.startswith(f"Not reloaded: still answering from version `{OLD}`")
    assert "030-goals.md:2, entry 'intro': duplicate id" in text
    assert OLD in await _footer(fake_discord)


async def test_kb_reload_is_refused_to_a_member(
    fake_discord: FakeDiscord, live_bot: MLGenAIBot, folder: Path
) -> None:
    from bot.discordbot.admin import MISSING_PERMISSIONS

    fake_discord.member_permissions[OTHER_USER_ID] = 1 << 11  # Send Messages only
    _edit(folder / "knowledge.yaml", OLD, NEW)
    assert await _reload(fake_discord, OTHER_USER_ID) == MISSING_PERMISSIONS
    assert live_bot.engine.kb.source.version == OLD


async def test_kb_reload_without_a_folder(fake_discord: FakeDiscord, bot: MLGenAIBot) -> None:
    assert "cannot be reloaded" in await _reload(fake_discord)


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
async def test_sighup_reloads_and_a_broken_edit_keeps_serving(
    fake_discord: FakeDiscord, folder: Path, caplog: pytest.LogCaptureFixture
) -> None:
    live = LiveEngine.load(folder)
    client = MLGenAIBot(make_settings(), live)
    client._connection.guild_ready_timeout = 0.05
    task = asyncio.create_task(run_bot(client, FAKE_TOKEN))
    try:
        deadline = time.monotonic() + 5
        while not client.is_ready():
            assert not task.done(), task
            assert time.monotonic() < deadline
            await asyncio.sleep(0.01)
        _edit(folder / "knowledge.yaml", OLD, NEW)
        os.kill(os.getpid(), signal.SIGHUP)
        await _until(lambda: live.kb.source.version == NEW)
        _edit(folder / "knowledge.yaml", "subjects:", "subjects: [")
        os.kill(os.getpid(), signal.SIGHUP)
        await _until(lambda: "not reloaded, still serving 2099.01.01-1" in caplog.text)
        assert live.kb.source.version == NEW
        assert NEW in await _footer(fake_discord)
    finally:
        os.kill(os.getpid(), signal.SIGTERM)
        assert await asyncio.wait_for(task, 5) == 0
    assert signal.getsignal(signal.SIGHUP) == signal.SIG_DFL  # removed again


async def test_run_watch_reloads_on_change(fake_discord: FakeDiscord, folder: Path) -> None:
    live = LiveEngine.load(folder)
    client = MLGenAIBot(make_settings(), live)
    client._connection.guild_ready_timeout = 0.05
    task = asyncio.create_task(run_bot(client, FAKE_TOKEN, signals=(), watch=True))
    try:
        await _until(client.is_ready)
        await asyncio.sleep(0.5)  # the watcher is set up
        _edit(folder / "knowledge.yaml", OLD, NEW)
        await _until(lambda: live.kb.source.version == NEW)
    finally:
        await client.close()
        assert await asyncio.wait_for(task, 5) == 0


async def _until(condition: object, timeout: float = 15) -> None:
    deadline = time.monotonic() + timeout
    while not condition():  # type: ignore[operator]
        assert time.monotonic() < deadline, "timed out"
        await asyncio.sleep(0.05)


def test_engine_is_swappable_behind_the_cog(folder: Path) -> None:
    """The cog keeps ``bot.engine``: a LiveEngine, so every reader sees the swap."""
    live = LiveEngine.load(folder)
    first = live.current
    _edit(folder / "knowledge.yaml", OLD, NEW)
    live.reload()
    assert live.current is not first and isinstance(live.current, Engine)

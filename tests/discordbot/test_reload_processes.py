"""Two real ``python -m bot run`` processes (one shard each) against the fake Discord,
sharing one store: ``/kb reload`` in one makes the other serve the new version too.
On SQLite and on PostgreSQL."""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import sys
import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest

from bot.knowledge import DEFAULT_PATH
from tests.discordbot.helpers import embed_of
from tests.fakediscord import (
    APP_ID,
    FAKE_TOKEN,
    GUILD_ID,
    GUILD_ID_2,
    FakeDiscord,
    default_guild,
    second_guild,
)

ROOT = Path(__file__).resolve().parents[2]
OLD, NEW = "2026.06.11-1", "2099.01.01-1"
CHANNEL = {GUILD_ID: GUILD_ID + 100, GUILD_ID_2: GUILD_ID_2 + 100}
# ``python -m bot run``, with discord.py pointed at the fake the way FakeDiscord.patched()
# does it (its two class attributes), since a process cannot inherit that patch.
LAUNCH = (
    "import sys, discord, yarl; "
    "discord.http.Route.BASE = sys.argv[1]; "
    "discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(sys.argv[2]); "
    "from bot.__main__ import main; sys.exit(main(['run']))"
)


@pytest.fixture
async def fake(fake_discord_factory: Any) -> FakeDiscord:
    made: FakeDiscord = await fake_discord_factory(
        shards=2, guilds=[default_guild(), second_guild()]
    )
    return made


async def _start(
    fake: FakeDiscord, shard: int, folder: Path, store_url: str, tmp: Path
) -> tuple[asyncio.subprocess.Process, Path]:
    log = tmp / f"shard-{shard}.log"
    env = {
        **{k: v for k, v in os.environ.items() if k not in ("DISCORD_TOKEN", "DATABASE_URL")},
        "DISCORD_TOKEN": FAKE_TOKEN,
        "DISCORD_APPLICATION_ID": str(APP_ID),
        "KNOWLEDGE_PATH": str(folder),
        "SHARD_COUNT": "2",
        "SHARD_IDS": str(shard),
        "DATABASE_URL": store_url,
        "KB_POLL_SECONDS": "0.2",
        "ASK_COOLDOWN_RATE": "0",
        "HEALTH_FILE": str(tmp / f"health-{shard}.json"),
        "LOG_LEVEL": "INFO",
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        LAUNCH,
        fake.api_base,
        fake.gateway_url,
        cwd=tmp,  # no .env of the project
        env=env,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=log.open("wb"),
    )
    return process, log


@pytest.fixture
async def two_bots(
    fake: FakeDiscord, store_url: str, tmp_path: Path
) -> AsyncIterator[tuple[Path, list[Path]]]:
    folder = tmp_path / "knowledge"
    shutil.copytree(DEFAULT_PATH, folder)
    started = [await _start(fake, shard, folder, store_url, tmp_path) for shard in (0, 1)]
    try:
        await _until(lambda: fake.connected_shards == {0, 1}, started, timeout=60)
        await _until(lambda: _logged(started, "Connected as"), started, timeout=30)
        yield folder, [log for _, log in started]
    finally:
        for process, _ in started:
            if process.returncode is None:
                process.send_signal(signal.SIGTERM)
        codes = [await asyncio.wait_for(p.wait(), 15) for p, _ in started]
        assert codes == [0, 0], [log.read_text() for _, log in started]


def _logged(started: list[tuple[asyncio.subprocess.Process, Path]], text: str) -> bool:
    return all(text in log.read_text(encoding="utf-8") for _, log in started)


async def _until(
    condition: Callable[[], bool],
    started: list[tuple[asyncio.subprocess.Process, Path]],
    timeout: float = 20,
) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        for process, log in started:
            assert process.returncode is None, log.read_text(encoding="utf-8")
        assert time.monotonic() < deadline, "timed out"
        await asyncio.sleep(0.05)


async def _footer(fake: FakeDiscord, guild_id: int) -> str:
    inter = await fake.send_slash_command(
        "ask",
        {"question": "What is machine learning?"},
        guild_id=guild_id,
        channel_id=CHANNEL[guild_id],
    )
    return str(embed_of(await fake.interaction_reply(inter.id, timeout=10))["footer"]["text"])


async def test_a_reload_in_one_process_is_served_by_the_other(
    fake: FakeDiscord, two_bots: tuple[Path, list[Path]]
) -> None:
    folder, logs = two_bots
    assert OLD in await _footer(fake, GUILD_ID) and OLD in await _footer(fake, GUILD_ID_2)
    text = (folder / "knowledge.yaml").read_text(encoding="utf-8")
    (folder / "knowledge.yaml").write_text(text.replace(OLD, NEW, 1), encoding="utf-8")
    inter = await fake.send_slash_command(  # shard 1's guild: the process with SHARD_IDS=1
        "kb", subcommand="reload", guild_id=GUILD_ID, channel_id=CHANNEL[GUILD_ID]
    )
    assert inter.shard_id == 1
    followup = await fake.wait_for_followup(inter.token, timeout=30)
    assert str(followup.json["content"]).startswith(f"Reloaded: version {OLD} -> {NEW}")
    deadline = time.monotonic() + 20
    while NEW not in await _footer(fake, GUILD_ID_2):  # shard 0: the other process
        assert time.monotonic() < deadline, logs[0].read_text(encoding="utf-8")
        await asyncio.sleep(0.2)
    assert NEW in await _footer(fake, GUILD_ID)
    zero, one = (log.read_text(encoding="utf-8") for log in logs)
    assert f"Another bot process reloaded the knowledge base (version {NEW})" in zero
    assert "Told the other bot processes" in one
    await asyncio.sleep(1.0)  # several polls: nobody reloads again (no ping-pong)
    zero, one = (log.read_text(encoding="utf-8") for log in logs)
    assert zero.count("knowledge base reloaded") == 1 and one.count("knowledge base reloaded") == 1
    assert "Another bot process" not in one

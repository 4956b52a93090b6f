"""``python -m bot run|sync|invite`` against the fake, the shutdown on SIGTERM, and sharding.

The CLI handlers call ``asyncio.run`` themselves, so they run in a worker thread
while the fake Discord keeps serving in the test's event loop.
"""

from __future__ import annotations

import asyncio
import io
import logging
import os
import signal
import sys
import time
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest

from bot.__main__ import main
from bot.discordbot.cli import redacted_logging, run_bot
from bot.discordbot.client import MLGenAIBot, required_permissions
from bot.engine import Engine
from tests.discordbot.conftest import make_settings
from tests.fakediscord import (
    APP_ID,
    FAKE_TOKEN,
    GUILD_ID,
    GUILD_ID_2,
    FakeDiscord,
    default_guild,
    run_client,
    second_guild,
)
from tests.fakediscord.plugin import FakeFactory

WRONG_TOKEN = "d3Jvbmc.wrong-token.for-the-fake"


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No real .env and none of the bot's variables from the outside environment."""
    monkeypatch.chdir(tmp_path)
    for name in list(os.environ):
        if name.startswith(("DISCORD_", "DEV_GUILD", "SHARD_", "ASK_COOLDOWN", "KNOWLEDGE_")):
            monkeypatch.delenv(name)


async def cli(*argv: str) -> tuple[int, str, str]:
    """Run ``python -m bot ARGV`` in a thread; return (status, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    status = await asyncio.to_thread(main, list(argv), None, out, err)
    return status, out.getvalue(), err.getvalue()


async def test_sync_global_over_http_only(
    fake_discord: FakeDiscord, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DISCORD_TOKEN", FAKE_TOKEN)
    status, out, err = await cli("sync")
    assert status == 0, err
    assert out.startswith("Synced 7 command(s) globally: ")
    for label in (
        "/ask",
        "/compare",
        "/examples",
        "/topics",
        "/help",
        "'Ask the bot' (message menu)",
    ):
        assert label in out
    assert {c["name"] for c in fake_discord.commands()} >= {"ask", "compare", "Ask the bot"}
    assert fake_discord.identifies == []  # no gateway connection
    assert FAKE_TOKEN not in out + err


async def test_sync_to_a_guild(fake_discord: FakeDiscord, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DISCORD_TOKEN", FAKE_TOKEN)
    monkeypatch.setenv("DEV_GUILD_ID", str(GUILD_ID))  # ignored by sync: it syncs where told
    status, out, _ = await cli("sync", "--guild", str(GUILD_ID))
    assert status == 0
    assert f"to server {GUILD_ID}" in out
    assert len(fake_discord.commands(GUILD_ID)) == 7
    assert fake_discord.commands() == []


@pytest.mark.parametrize("command", ["run", "sync"])
async def test_rejected_token(
    fake_discord: FakeDiscord,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    command: str,
) -> None:
    monkeypatch.setenv("DISCORD_TOKEN", WRONG_TOKEN)
    status, out, err = await cli(command)
    assert status == 2
    assert err.startswith("error: Discord rejected DISCORD_TOKEN (401 Unauthorized)")
    assert err.count("\n") == 1 and "Traceback" not in err
    assert WRONG_TOKEN not in out + err + caplog.text


async def test_a_token_the_gateway_rejects_is_a_configuration_error(
    fake_discord: FakeDiscord, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setenv("DISCORD_TOKEN", FAKE_TOKEN)
    fake_discord.gateway_token = WRONG_TOKEN  # REST still accepts FAKE_TOKEN
    status, out, err = await cli("run")
    assert status == 2
    assert err.startswith("error: Discord's gateway rejected DISCORD_TOKEN (close code 4004")
    assert err.count("\n") == 1 and "Traceback" not in err
    assert FAKE_TOKEN not in out + err + caplog.text


@pytest.mark.parametrize(
    ("token", "message"),
    [
        (None, "error: DISCORD_TOKEN is not set"),
        ("Bot abc.def.ghi", "error: DISCORD_TOKEN is malformed: it contains whitespace"),
        ("not-a-token", "error: DISCORD_TOKEN is malformed: expected three"),
    ],
)
async def test_missing_or_malformed_token(
    monkeypatch: pytest.MonkeyPatch, token: str | None, message: str
) -> None:
    if token is not None:
        monkeypatch.setenv("DISCORD_TOKEN", token)
    status, _, err = await cli("run")
    assert status == 2
    assert err.startswith(message) and err.count("\n") == 1
    assert token is None or token not in err


async def test_invite_url(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DISCORD_APPLICATION_ID", str(APP_ID))
    status, out, _ = await cli("invite")
    assert status == 0
    url = urlparse(out.strip())
    query = parse_qs(url.query)
    assert url.netloc == "discord.com" and url.path == "/oauth2/authorize"
    assert query["client_id"] == [str(APP_ID)]
    assert query["scope"] == ["bot applications.commands"]
    assert query["permissions"] == [str(required_permissions().value)]
    perms = required_permissions()
    assert perms.value == 274877991936
    assert {name for name, on in perms if on} == {
        "read_messages",  # discord.py's name for View Channels
        "send_messages",
        "send_messages_in_threads",
        "embed_links",
        "read_message_history",
    }


async def test_invite_without_application_id() -> None:
    status, _, err = await cli("invite")
    assert status == 2 and "DISCORD_APPLICATION_ID is not set" in err


def test_cli_module_does_not_import_discord() -> None:
    code = "import sys, bot.discordbot.cli, bot.settings; print('discord' in sys.modules)"
    import subprocess

    result = subprocess.run(  # noqa: S603 - our own interpreter and code
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).resolve().parents[2],
    )
    assert result.stdout.strip() == "False"


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
async def test_sigterm_closes_the_gateway_and_returns_0(
    fake_discord: FakeDiscord, engine: Engine
) -> None:
    client = MLGenAIBot(make_settings(), engine)
    client._connection.guild_ready_timeout = 0.05
    task = asyncio.create_task(run_bot(client, FAKE_TOKEN))
    deadline = time.monotonic() + 5
    while not client.is_ready():
        assert not task.done(), task
        assert time.monotonic() < deadline
        await asyncio.sleep(0.01)
    assert fake_discord.connected_shards == {0}
    assert signal.getsignal(signal.SIGTERM) not in (signal.SIG_DFL, None)  # ours is installed
    os.kill(os.getpid(), signal.SIGTERM)
    assert await asyncio.wait_for(task, 5) == 0
    assert client.is_closed()
    assert fake_discord.connected_shards == set()
    assert signal.getsignal(signal.SIGTERM) == signal.SIG_DFL  # and removed again


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
async def test_sigterm_with_answers_in_flight_loses_none_and_logs_no_error(
    fake_discord: FakeDiscord, engine: Engine, caplog: pytest.LogCaptureFixture
) -> None:
    client = MLGenAIBot(make_settings(), engine)
    client._connection.guild_ready_timeout = 0.05
    task = asyncio.create_task(run_bot(client, FAKE_TOKEN))
    while not client.is_ready():
        assert not task.done(), task
        await asyncio.sleep(0.01)
    await client.sync_commands()
    caplog.set_level(logging.INFO)
    sent = [
        await fake_discord.send_slash_command("ask", {"question": f"what is machine learning {i}?"})
        for i in range(40)
    ]
    os.kill(os.getpid(), signal.SIGTERM)  # while most of those are still being answered
    assert await asyncio.wait_for(task, 15) == 0
    for inter in sent:  # every one answered before the HTTP session closed
        assert (await fake_discord.interaction_reply(inter.id, timeout=1))["type"] == 4
    problems = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert not problems, [r.getMessage() for r in problems]


async def test_shutdown_cancels_work_that_outlasts_the_grace_quietly(
    engine: Engine, caplog: pytest.LogCaptureFixture
) -> None:
    client = MLGenAIBot(make_settings(), engine)
    client.shutdown_grace = 0.05
    started = asyncio.Event()

    async def stuck() -> None:
        client.track()
        started.set()
        await asyncio.sleep(60)

    async with client:  # sets up the client without connecting
        work = asyncio.create_task(stuck())
        await started.wait()
        assert client.in_flight == 1
        await client.close()
    assert work.cancelled() and client.in_flight == 0
    assert [r.levelname for r in caplog.records if "in flight" in r.getMessage()] == ["WARNING"]
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


async def test_debug_logs_never_show_interaction_tokens(
    fake_discord: FakeDiscord, engine: Engine
) -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    logging.getLogger().addHandler(handler)
    try:
        with redacted_logging(FAKE_TOKEN, "DEBUG", stream):
            client = MLGenAIBot(make_settings(), engine)
            async with run_client(client, FAKE_TOKEN):
                await client.sync_commands()
                inter = await fake_discord.send_slash_command("ask", {"question": "what is ML?"})
                await fake_discord.interaction_reply(inter.id)
    finally:
        logging.getLogger().removeHandler(handler)
    text = stream.getvalue()
    assert f"/interactions/{inter.id}/" in text  # the request was logged...
    assert inter.token not in text and FAKE_TOKEN not in text  # ...without its token


async def test_health_is_ok_while_connected_and_fails_once_the_gateway_is_gone(
    fake_discord: FakeDiscord, engine: Engine, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    health_file = tmp_path / "health.json"
    monkeypatch.setenv("HEALTH_FILE", str(health_file))
    status, _, err = await cli("health")
    assert status == 1 and "no health file" in err
    client = MLGenAIBot(make_settings(health_file=health_file), engine)
    async with run_client(client, FAKE_TOKEN):
        status, out, err = await cli("health")
        assert status == 0, err
        assert out.startswith("healthy: connected on 1 shard(s)")
        await fake_discord.close()  # Discord goes away; discord.py keeps trying to reconnect
        deadline = time.monotonic() + 10
        while (status := (await cli("health"))[0]) == 0 and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
        assert status == 1
        assert "gateway disconnected on shard(s) 0" in (await cli("health"))[2]


async def test_two_shards_split_the_guilds(
    fake_discord_factory: FakeFactory, engine: Engine
) -> None:
    fake = await fake_discord_factory(shards=2, guilds=[default_guild(), second_guild()])
    client = MLGenAIBot(make_settings(shard_count=2), engine)
    async with run_client(client, FAKE_TOKEN):
        await fake.wait_until_connected(shard_count=2)
        assert sorted(tuple(i["shard"]) for i in fake.identifies) == [(0, 2), (1, 2)]
        assert client.get_guild(GUILD_ID).shard_id == 1  # type: ignore[union-attr]
        assert client.get_guild(GUILD_ID_2).shard_id == 0  # type: ignore[union-attr]
        for guild_id in (GUILD_ID, GUILD_ID_2):
            inter = await fake.send_slash_command(
                "compare", guild_id=guild_id, channel_id=guild_id + 100
            )
            assert (await fake.interaction_reply(inter.id))["type"] == 4


async def test_shard_ids_runs_only_those_shards(
    fake_discord_factory: FakeFactory, engine: Engine
) -> None:
    fake = await fake_discord_factory(shards=2, guilds=[default_guild(), second_guild()])
    client = MLGenAIBot(make_settings(shard_count=2, shard_ids=(1,)), engine)
    async with run_client(client, FAKE_TOKEN):
        assert [tuple(i["shard"]) for i in fake.identifies] == [(1, 2)]
        assert [g.id for g in client.guilds] == [GUILD_ID]


def test_log_filter_redacts_the_token_from_messages_and_tracebacks() -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    logger = logging.getLogger("tests.redaction")  # propagates to the root handlers
    logging.getLogger().addHandler(handler)
    try:
        with redacted_logging(WRONG_TOKEN, "INFO", stream):
            logger.warning("token is %s", WRONG_TOKEN)
            try:
                raise ValueError(f"bad {WRONG_TOKEN}")
            except ValueError:
                logger.exception("failed")
        logger.warning("after: %s", "no filter")
    finally:
        logging.getLogger().removeHandler(handler)
    text = stream.getvalue()
    assert WRONG_TOKEN not in text
    assert (
        text.count("[redacted token]") == 2 and "Traceback" in text and "after: no filter" in text
    )


def test_readme_lists_settings_permissions_and_commands() -> None:
    from bot.settings import ENV_VARS

    text = (Path(__file__).resolve().parents[2] / "README.md").read_text("utf-8")
    for name in ENV_VARS:
        assert f"`{name}`" in text, name
    assert str(required_permissions().value) in text
    for command in ("/ask", "/compare", "/examples", "/topics", "/help", "Ask the bot"):
        assert command in text
    for word in ("applications.commands", "Procfile", "SIGTERM", "SHARD_IDS", "privileged"):
        assert word in text


def test_log_lines_are_plain_off_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    """No colour codes in container logs (no terminal), nor with NO_COLOR set."""
    import io
    import logging

    from bot.discordbot.cli import log_formatter

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    record = logging.LogRecord("discord.gateway", logging.INFO, __file__, 1, "hello", None, None)
    plain = log_formatter(io.StringIO())
    assert plain is not None
    line = plain.format(record)
    assert "\x1b" not in line and line.endswith("] [INFO    ] discord.gateway: hello")
    monkeypatch.delenv("NO_COLOR", raising=False)
    assert log_formatter(Terminal()) is None  # discord.py colours a terminal
    monkeypatch.setenv("NO_COLOR", "1")
    assert log_formatter(Terminal()) is not None

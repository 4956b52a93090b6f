"""Cooldown and errors (commands, messages, buttons, autocomplete)."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from types import SimpleNamespace
from typing import Any

import discord
import pytest
from discord import app_commands

from bot.discordbot.client import MLGenAIBot
from bot.discordbot.errors import SORRY, notify_error
from bot.engine import Engine
from tests.discordbot.conftest import FlakyEngine, make_settings
from tests.discordbot.helpers import EPHEMERAL, embed_of, flags_of
from tests.fakediscord import (
    CHANNEL_ID,
    FAKE_TOKEN,
    OTHER_USER_ID,
    FakeDiscord,
    RecordedRequest,
    run_client,
)

CHANNEL_POST = rf"/channels/{CHANNEL_ID}/messages"


def replying_to(message: dict[str, Any]) -> Callable[[RecordedRequest], bool]:
    """A wait_for predicate: the bot's message replies to ``message``."""
    return lambda r: (
        (r.json.get("message_reference") or {}).get("message_id")
        in (
            message["id"],
            int(message["id"]),
        )
    )


@asynccontextmanager
async def running(engine: Any, **settings: Any) -> AsyncIterator[MLGenAIBot]:
    client = MLGenAIBot(make_settings(**settings), engine)
    async with run_client(client, FAKE_TOKEN):
        await client.sync_commands()
        yield client


# ---------------------------------------------------------------- cooldown


async def test_cooldown_on_ask_is_shared_and_says_when_to_retry(
    fake_discord: FakeDiscord, engine: Engine
) -> None:
    async with running(engine, ask_cooldown_rate=2, ask_cooldown_seconds=60):
        first = await fake_discord.send_slash_command("ask", {"question": "What is ML?"})
        assert embed_of(await fake_discord.interaction_reply(first.id))
        mark = fake_discord.mark()
        await fake_discord.send_message("What is generative AI?", mention_bot=True)  # 2nd ask
        await fake_discord.wait_for("POST", CHANNEL_POST, since=mark)

        third = await fake_discord.send_slash_command("ask", {"question": "What is ML?"})
        body = await fake_discord.interaction_reply(third.id)
        assert flags_of(body) & EPHEMERAL
        assert "ask again <t:" in body["data"]["content"]
        assert ":R>" in body["data"]["content"]

        other = await fake_discord.send_slash_command(
            "ask", {"question": "What is ML?"}, user_id=OTHER_USER_ID
        )
        assert embed_of(await fake_discord.interaction_reply(other.id))  # per user

        # /compare etc. are not asks
        inter = await fake_discord.send_slash_command("compare")
        assert embed_of(await fake_discord.interaction_reply(inter.id))


async def test_cooldown_on_messages_notifies_once_per_window(
    fake_discord: FakeDiscord, engine: Engine
) -> None:
    async with running(engine, ask_cooldown_rate=1, ask_cooldown_seconds=60):
        first = await fake_discord.send_message("What is ML?", mention_bot=True)
        await fake_discord.wait_for("POST", CHANNEL_POST, predicate=replying_to(first))
        for _ in range(3):
            await fake_discord.send_message("What is ML?", mention_bot=True)
        await fake_discord.send_message("What is ML?", dm=True)  # also cooled down, silently
        await fake_discord.wait_for(
            "POST", CHANNEL_POST, predicate=lambda r: "ask again" in (r.json.get("content") or "")
        )
        bobs = await fake_discord.send_message(
            "What is ML?", mention_bot=True, author_id=OTHER_USER_ID
        )
        await fake_discord.wait_for("POST", CHANNEL_POST, predicate=replying_to(bobs))
        posts = [
            r.json for r in fake_discord.requests if r.method == "POST" and "/messages" in r.path
        ]
        notices = [p for p in posts if "ask again" in (p.get("content") or "")]
        answers = [p for p in posts if p.get("embeds")]
        assert len(notices) == 1
        assert len(answers) == 2  # alice's first ask and bob's


# ---------------------------------------------------------------- errors


async def test_engine_error_gives_a_brief_ephemeral_notice_and_logs_the_traceback(
    fake_discord: FakeDiscord, engine: Engine, caplog: pytest.LogCaptureFixture
) -> None:
    flaky = FlakyEngine(engine, fail={"ask", "compare"})
    async with running(flaky):
        with caplog.at_level(logging.ERROR):
            inter = await fake_discord.send_slash_command("ask", {"question": "What is ML?"})
            body = await fake_discord.interaction_reply(inter.id)
        assert flags_of(body) & EPHEMERAL
        assert body["data"]["content"] == SORRY
        assert "exploded" not in str(body)
        record = next(r for r in caplog.records if r.name == "bot.discordbot.errors")
        assert record.exc_info is not None
        assert "engine.ask exploded" in caplog.text and "Traceback" in caplog.text


async def test_message_error_replies_briefly_and_logs(
    fake_discord: FakeDiscord, engine: Engine, caplog: pytest.LogCaptureFixture
) -> None:
    async with running(FlakyEngine(engine, fail={"ask"})):
        with caplog.at_level(logging.ERROR):
            mark = fake_discord.mark()
            await fake_discord.send_message("What is ML?", mention_bot=True)
            post = await fake_discord.wait_for("POST", CHANNEL_POST, since=mark)
        assert post.json["content"] == SORRY
        assert "engine.ask exploded" in caplog.text and "Traceback" in caplog.text


async def test_button_error_is_reported_ephemerally(
    fake_discord: FakeDiscord, engine: Engine, caplog: pytest.LogCaptureFixture
) -> None:
    async with running(FlakyEngine(engine, fail={"compare"})):
        inter = await fake_discord.send_slash_command("ask", {"question": "What is ML?"})
        await fake_discord.interaction_reply(inter.id)
        message = fake_discord.original_response(inter.token)
        assert message is not None
        with caplog.at_level(logging.ERROR):
            click = await fake_discord.send_component("mlgenai:compare", message)
            body = await fake_discord.interaction_reply(click.id)
        assert body["data"]["content"] == SORRY and flags_of(body) & EPHEMERAL
        assert "engine.compare exploded" in caplog.text


async def test_autocomplete_error_offers_no_choices(
    fake_discord: FakeDiscord, engine: Engine, caplog: pytest.LogCaptureFixture
) -> None:
    async with running(FlakyEngine(engine, fail={"suggest"})):
        inter = await fake_discord.send_autocomplete("ask", "question", "gen")
        body = await fake_discord.interaction_reply(inter.id)
        assert body == {"type": 8, "data": {"choices": []}}
        assert "engine.suggest exploded" in caplog.text


class _Recorder:
    def __init__(self, done: bool) -> None:
        self.done = done
        self.sent: list[tuple[str, str, dict[str, Any]]] = []

    def is_done(self) -> bool:
        return self.done

    async def send_message(self, text: str, **kwargs: Any) -> None:
        self.sent.append(("response", text, kwargs))

    async def send(self, text: str, **kwargs: Any) -> None:
        self.sent.append(("followup", text, kwargs))


@pytest.mark.parametrize(("done", "via"), [(False, "response"), (True, "followup")])
async def test_error_notice_uses_the_followup_once_the_response_is_done(
    done: bool, via: str, caplog: pytest.LogCaptureFixture
) -> None:
    recorder = _Recorder(done)
    interaction = SimpleNamespace(
        response=recorder,
        followup=recorder,
        type=discord.InteractionType.application_command,
        user=SimpleNamespace(id=1),
        channel_id=2,
    )
    error = app_commands.CommandInvokeError.__new__(app_commands.CommandInvokeError)
    error.original = KeyError("inner")
    await notify_error(interaction, error, where="test")  # type: ignore[arg-type]
    ((kind, text, kwargs),) = recorder.sent
    assert (kind, text) == (via, SORRY)
    assert kwargs["ephemeral"] is True
    assert kwargs["allowed_mentions"].to_dict() == {"parse": []}
    record = caplog.records[-1]
    assert record.exc_info is not None and record.exc_info[1] is error.original

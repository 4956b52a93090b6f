"""Fixtures for the Discord layer: the real engine, settings, and the bot running on the fake."""

from __future__ import annotations

import os
import tempfile
from collections.abc import AsyncIterator, Callable, Iterable
from pathlib import Path
from typing import Any

import pytest

from bot.discordbot.client import MLGenAIBot
from bot.engine import Engine
from bot.models import Reply
from bot.settings import Settings
from tests.fakediscord import APP_ID, FAKE_TOKEN, FakeDiscord, run_client

#: Where bots under test write their health file (not the real default, which a bot
#: running on this machine may use).
TEST_HEALTH_FILE = Path(tempfile.gettempdir()) / f"mlgenai-bot-test-health-{os.getpid()}.json"


def make_settings(**overrides: Any) -> Settings:
    """Test settings: the fake's application id, cooldown off unless a test turns it on."""
    values: dict[str, Any] = {
        "application_id": APP_ID,
        "ask_cooldown_rate": 0,
        "health_file": TEST_HEALTH_FILE,
    }
    values.update(overrides)
    return Settings(**values)


class FlakyEngine:
    """The real engine, except that the named methods raise (or are slowed down)."""

    def __init__(
        self,
        engine: Engine,
        fail: Iterable[str] = (),
        before: Callable[[], None] | None = None,
    ) -> None:
        self._engine = engine
        self.fail = set(fail)
        self.before = before
        self.kb = engine.kb

    def _call(self, name: str, *args: Any) -> Any:
        if self.before is not None:
            self.before()
        if name in self.fail:
            raise RuntimeError(f"engine.{name} exploded: secret internals")
        return getattr(self._engine, name)(*args)

    def ask(self, question: str, conversation: str | None = None) -> Reply:
        return self._call("ask", question, conversation)  # type: ignore[no-any-return]

    def compare(self, aspect: str | None = None) -> Reply:
        return self._call("compare", aspect)  # type: ignore[no-any-return]

    def examples(self, topic: str | None = None) -> Reply:
        return self._call("examples", topic)  # type: ignore[no-any-return]

    def topics(self) -> Reply:
        return self._call("topics")  # type: ignore[no-any-return]

    def help(self) -> Reply:
        return self._call("help")  # type: ignore[no-any-return]

    def suggest(self, typed: str, limit: int = 25) -> list[str]:
        return self._call("suggest", typed, limit)  # type: ignore[no-any-return]

    def passage(self, passage_id: str) -> Any:
        return self._call("passage", passage_id)


@pytest.fixture
def engine() -> Engine:
    """A fresh engine (conversations are per engine)."""
    return Engine.load()


@pytest.fixture
async def bot(fake_discord: FakeDiscord, engine: Engine) -> AsyncIterator[MLGenAIBot]:
    """The bot, connected to the fake, with its commands synced globally."""
    client = MLGenAIBot(make_settings(), engine)
    async with run_client(client, FAKE_TOKEN):
        await client.sync_commands()
        yield client

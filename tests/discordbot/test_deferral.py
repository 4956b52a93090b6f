"""A slow answer is deferred and sent when ready; the event loop keeps serving meanwhile."""

from __future__ import annotations

import asyncio
import threading
import time
from typing import Any

from bot.discordbot.cog import AskCog
from bot.discordbot.pacing import Pacer
from bot.engine import Engine
from bot.models import Reply
from tests.discordbot.conftest import FlakyEngine
from tests.discordbot.helpers import EPHEMERAL, custom_ids, embed_of, flags_of
from tests.discordbot.test_robustness import running
from tests.fakediscord import FakeDiscord

QUESTION = "What is generative AI?"


def _cog(client: Any) -> AskCog:
    cog = client.get_cog("Ask")
    assert isinstance(cog, AskCog)
    return cog


class SlowAsk(FlakyEngine):
    """The real engine, with ``ask`` taking ``delay`` seconds more."""

    def __init__(self, engine: Engine, delay: float) -> None:
        super().__init__(engine)
        self.delay = delay

    def ask(self, question: str, conversation: str | None = None) -> Reply:
        time.sleep(self.delay)
        return super().ask(question, conversation)


async def test_fast_answers_are_not_deferred(fake_discord: FakeDiscord, engine: Engine) -> None:
    async with running(engine):
        inter = await fake_discord.send_slash_command("ask", {"question": QUESTION})
        body = await fake_discord.interaction_reply(inter.id)
        assert body["type"] == 4 and embed_of(body)


async def test_slow_answer_is_deferred_then_the_same_answer_is_sent(
    fake_discord: FakeDiscord, engine: Engine
) -> None:
    async with running(engine):
        fast = await fake_discord.send_slash_command("ask", {"question": QUESTION})
        fast_body = await fake_discord.interaction_reply(fast.id)
    async with running(SlowAsk(Engine.load(), 0.6)) as client:
        _cog(client).defer_after = 0.1
        mark = fake_discord.mark()
        inter = await fake_discord.send_slash_command(
            "ask", {"question": QUESTION, "private": True}
        )
        body = await fake_discord.interaction_reply(inter.id)
        assert body["type"] == 5  # "thinking...", well before the answer is ready
        assert flags_of(body) & EPHEMERAL
        latency = fake_discord.interaction_latency(inter.id)
        assert latency is not None and latency < 0.5
        edit = await fake_discord.wait_for_followup(inter.token, since=mark, method="PATCH")
        assert embed_of(edit.json) == embed_of(fast_body)
        assert custom_ids(edit.json) == custom_ids(fast_body)
        message = fake_discord.original_response(inter.token)
        assert message is not None and message["flags"] & EPHEMERAL
        assert not fake_discord.violations  # nothing Discord would have refused


async def test_the_loop_serves_others_while_an_answer_is_searched(
    fake_discord: FakeDiscord, engine: Engine
) -> None:
    async with running(SlowAsk(engine, 1.0)) as client:
        _cog(client).defer_after = 2.0  # not deferred: the loop must stay free anyway
        slow = await fake_discord.send_slash_command("ask", {"question": QUESTION})
        await asyncio.sleep(0.1)
        started = time.monotonic()
        quick = await fake_discord.send_slash_command("topics")
        assert embed_of(await fake_discord.interaction_reply(quick.id))
        assert time.monotonic() - started < 0.8  # answered while the ask still ran
        assert fake_discord.callback_request(slow.id) is None
        assert embed_of(await fake_discord.interaction_reply(slow.id))


class WhereAsk(FlakyEngine):
    """The real engine, noting the thread each question is answered on."""

    def __init__(self, engine: Engine) -> None:
        super().__init__(engine)
        self.threads: list[str] = []

    def ask(self, question: str, conversation: str | None = None) -> Reply:
        self.threads.append(threading.current_thread().name)
        return super().ask(question, conversation)


async def test_a_quick_engine_answers_on_the_loop_with_the_same_reply(
    fake_discord: FakeDiscord, engine: Engine
) -> None:
    where = WhereAsk(engine)
    async with running(where) as client:
        _cog(client).pacer = Pacer(window=1)
        bodies = []
        for user in (1300000000000000001, 1300000000000000002):
            inter = await fake_discord.send_slash_command(
                "ask", {"question": QUESTION}, user_id=user
            )
            bodies.append(await fake_discord.interaction_reply(inter.id))
        assert where.threads[0].startswith("engine")  # its cost unknown yet: the worker
        assert where.threads[1] == threading.main_thread().name  # quick: on the loop
        assert [b["type"] for b in bodies] == [4, 4]
        assert embed_of(bodies[0]) == embed_of(bodies[1])
        assert custom_ids(bodies[0]) == custom_ids(bodies[1])

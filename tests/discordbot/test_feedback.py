"""Ratings, /kb gaps, /privacy and /forget-me, end to end against the fake Discord,
with the bot's real store (SQLite in a temporary folder)."""

from __future__ import annotations

import csv
import io
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from bot.discordbot.admin import MISSING_PERMISSIONS
from bot.discordbot.client import MLGenAIBot
from bot.discordbot.ratings import THANKS_DOWN, THANKS_UP
from bot.engine import Engine
from bot.store import DisabledStore, Store, hash_user
from bot.store.backends import backend_for
from bot.store.store import DAY
from tests.discordbot.conftest import make_settings
from tests.discordbot.helpers import EPHEMERAL, custom_ids, flags_of
from tests.fakediscord import FAKE_TOKEN, OTHER_USER_ID, USER_ID, FakeDiscord, run_client
from tests.pgserver import free_port

SEND_MESSAGES = 1 << 11
PRICE = ("How much does ChatGPT cost?", "What is the price of ChatGPT?", "ChatGPT pricing?")


def new_store(url: str) -> Store:
    return Store(backend_for(url), purge_every=0, salt="test-salt")


@pytest.fixture
def store_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'bot.sqlite3'}"


@pytest.fixture
async def bot(
    fake_discord: FakeDiscord, engine: Engine, store_url: str
) -> AsyncIterator[MLGenAIBot]:
    client = MLGenAIBot(make_settings(), engine, store=new_store(store_url))
    async with run_client(client, FAKE_TOKEN):
        await client.sync_commands()
        yield client


async def ask(fake: FakeDiscord, question: str, user_id: int = USER_ID) -> dict[str, Any]:
    inter = await fake.send_slash_command("ask", {"question": question}, user_id=user_id)
    await fake.interaction_reply(inter.id)
    message = fake.original_response(inter.token)
    assert message is not None
    return message


def rate_ids(message: dict[str, Any]) -> dict[str, str]:
    return {i.rsplit(":", 1)[1]: i for i in custom_ids(message) if i.startswith("mlgenai:rate:")}


async def deferred(fake: FakeDiscord, inter: Any) -> Any:
    """The ephemeral "thinking" response, then the followup that carries the reply."""
    first = await fake.interaction_reply(inter.id)
    assert first["type"] == 5 and flags_of(first) & EPHEMERAL
    return await fake.wait_for_followup(inter.token)


async def text_of_deferred(fake: FakeDiscord, inter: Any) -> str:
    followup = await deferred(fake, inter)
    assert followup.json["flags"] & EPHEMERAL
    return str(followup.json["content"])


async def rows(store: Store, sql: str) -> list[tuple[Any, ...]]:
    async with store.backend.transaction() as tx:
        return await tx.fetch(sql)


async def test_a_thumbs_up_and_a_thumbs_down_with_a_reason_are_stored(
    fake_discord: FakeDiscord, bot: MLGenAIBot
) -> None:
    assert bot.store is not None
    message = await ask(fake_discord, "What is generative AI?")
    ids = rate_ids(message)
    answer_id = ids["up"].split(":")[2]
    click = await fake_discord.send_component(ids["up"], message)
    body = await fake_discord.interaction_reply(click.id)
    assert flags_of(body) & EPHEMERAL and body["data"]["content"] == THANKS_UP
    assert await bot.store.flush()
    assert await bot.store.vote_of(answer_id, USER_ID) == (1, None)

    click = await fake_discord.send_component(ids["down"], message)  # replaces the 👍
    modal = await fake_discord.interaction_reply(click.id)
    assert modal["type"] == 9
    assert await bot.store.flush()
    assert await bot.store.vote_of(answer_id, USER_ID) == (-1, None)
    (row,) = modal["data"]["components"]
    field = row["components"][0]["custom_id"]
    submit = await fake_discord.send_modal_submit(
        modal["data"]["custom_id"], {field: "It skipped the examples"}, message=message
    )
    thanks = await fake_discord.interaction_reply(submit.id)
    assert flags_of(thanks) & EPHEMERAL and thanks["data"]["content"] == THANKS_DOWN
    assert await bot.store.flush()
    assert await bot.store.vote_of(answer_id, USER_ID) == (-1, "It skipped the examples")
    other = await fake_discord.send_component(ids["up"], message, user_id=OTHER_USER_ID)
    await fake_discord.interaction_reply(other.id)
    assert await bot.store.flush()
    votes = await rows(bot.store, "SELECT vote FROM ratings ORDER BY vote")
    assert votes == [(-1,), (1,)]  # one vote per user per answer


async def test_rating_buttons_work_after_a_restart(
    fake_discord: FakeDiscord, bot: MLGenAIBot, store_url: str
) -> None:
    message = await ask(fake_discord, "What is machine learning?")
    ids = rate_ids(message)
    await bot.close()
    fresh = MLGenAIBot(make_settings(), Engine.load(), store=new_store(store_url))
    async with run_client(fresh, FAKE_TOKEN):
        click = await fake_discord.send_component(ids["up"], message)
        body = await fake_discord.interaction_reply(click.id)
        assert body["data"]["content"] == THANKS_UP
        assert fresh.store is not None and await fresh.store.flush()
        answer_id = ids["up"].split(":")[2]
        assert await fresh.store.vote_of(answer_id, USER_ID) == (1, None)
        (asked,) = await rows(fresh.store, "SELECT question FROM answers")
        assert asked == ("What is machine learning?",)


async def test_the_reason_is_stored_when_a_fresh_process_receives_the_submit(
    fake_discord: FakeDiscord, bot: MLGenAIBot, store_url: str
) -> None:
    message = await ask(fake_discord, "What is machine learning?")
    ids = rate_ids(message)
    click = await fake_discord.send_component(ids["down"], message)
    modal = await fake_discord.interaction_reply(click.id)
    assert modal["type"] == 9
    (row,) = modal["data"]["components"]
    field = row["components"][0]["custom_id"]
    await bot.close()  # the member types their reason while the bot restarts
    fresh = MLGenAIBot(make_settings(), Engine.load(), store=new_store(store_url))
    async with run_client(fresh, FAKE_TOKEN):
        submit = await fake_discord.send_modal_submit(
            modal["data"]["custom_id"], {field: "Nothing on deep learning"}, message=message
        )
        thanks = await fake_discord.interaction_reply(submit.id)
        assert flags_of(thanks) & EPHEMERAL and thanks["data"]["content"] == THANKS_DOWN
        assert fresh.store is not None and await fresh.store.flush()
        answer_id = ids["down"].split(":")[2]
        assert await fresh.store.vote_of(answer_id, USER_ID) == (-1, "Nothing on deep learning")


async def test_kb_gaps_groups_three_wordings_as_one_line_with_a_csv(
    fake_discord: FakeDiscord, bot: MLGenAIBot
) -> None:
    for question in PRICE:
        await ask(fake_discord, question)
    await ask(fake_discord, "Who invented ChatGPT?", user_id=OTHER_USER_ID)
    await ask(fake_discord, "What is machine learning?")
    assert bot.store is not None and await bot.store.flush()
    inter = await fake_discord.send_slash_command(
        "kb", {"period": "7d", "limit": 5}, subcommand="gaps"
    )
    followup = await deferred(fake_discord, inter)
    body = followup.json
    assert body["flags"] & EPHEMERAL
    lines = body["content"].splitlines()
    assert lines[0].startswith("2 topic(s) from 4 flagged question(s) in the last 7 day(s)")
    assert lines[1].startswith("1. **×3** “") and "3 declined" in lines[1]
    assert lines[2].startswith("2. **×1** “Who invented ChatGPT?”")
    assert [a["filename"] for a in body["attachments"]] == ["gaps-7d.csv"]
    table = list(csv.DictReader(io.StringIO(followup.uploads["files[0]"].decode("utf-8"))))
    assert {r["question"] for r in table if r["topic"] == "1"} == set(PRICE)
    assert len(table) == 4 and {r["flag"] for r in table} == {"declined"}


async def test_kb_gaps_is_refused_to_a_member_without_manage_server(
    fake_discord: FakeDiscord, bot: MLGenAIBot
) -> None:
    fake_discord.member_permissions[OTHER_USER_ID] = SEND_MESSAGES
    inter = await fake_discord.send_slash_command("kb", subcommand="gaps", user_id=OTHER_USER_ID)
    body = await fake_discord.interaction_reply(inter.id)
    assert flags_of(body) & EPHEMERAL and body["data"]["content"] == MISSING_PERMISSIONS


async def test_forget_me_removes_that_users_rows_and_nobody_elses(
    fake_discord: FakeDiscord, bot: MLGenAIBot
) -> None:
    assert bot.store is not None
    mine = await ask(fake_discord, "What is machine learning?")
    await ask(fake_discord, "Who invented ChatGPT?")
    theirs = await ask(fake_discord, "What is generative AI?", user_id=OTHER_USER_ID)
    for message, user in ((mine, USER_ID), (theirs, OTHER_USER_ID)):
        click = await fake_discord.send_component(rate_ids(message)["up"], message, user_id=user)
        await fake_discord.interaction_reply(click.id)
    assert await bot.store.flush()
    privacy = await fake_discord.send_slash_command("privacy")
    text = await text_of_deferred(fake_discord, privacy)
    assert "**2** question(s) and **1** rating(s)" in text and "30 days" in text
    assert "salted hash" in text
    inter = await fake_discord.send_slash_command("forget-me")
    # two questions, the one passage the answer used, one rating
    text = await text_of_deferred(fake_discord, inter)
    assert text.startswith("Done: I deleted 4 stored row(s) about you")
    me = hash_user("test-salt", str(USER_ID))
    assert await rows(bot.store, f"SELECT * FROM answers WHERE user_hash = '{me}'") == []  # noqa: S608
    assert await rows(bot.store, f"SELECT * FROM ratings WHERE user_hash = '{me}'") == []  # noqa: S608
    left = await rows(bot.store, "SELECT question FROM answers")
    assert left == [("What is generative AI?",)]
    assert len(await rows(bot.store, "SELECT * FROM ratings")) == 1
    again = await fake_discord.send_slash_command("forget-me")
    assert await text_of_deferred(fake_discord, again) == "I had nothing stored about you."


async def test_purge_removes_what_is_older_than_the_window(
    fake_discord: FakeDiscord, bot: MLGenAIBot
) -> None:
    assert bot.store is not None
    await ask(fake_discord, "What is machine learning?")
    await ask(fake_discord, "Who invented ChatGPT?")
    assert await bot.store.flush()
    async with bot.store.backend.transaction() as tx:
        await tx.execute(
            "UPDATE answers SET created_at = ? WHERE question LIKE 'Who%'",
            (time.time() - 31 * DAY,),
        )
    assert await bot.store.purge() == 1
    assert await rows(bot.store, "SELECT question FROM answers") == [("What is machine learning?",)]


async def test_a_database_that_is_down_does_not_stop_answers(
    fake_discord: FakeDiscord, engine: Engine
) -> None:
    url = f"postgresql://bot@127.0.0.1:{free_port()}/bot"
    client = MLGenAIBot(make_settings(), engine, store=new_store(url))
    async with run_client(client, FAKE_TOKEN):
        await client.sync_commands()
        message = await ask(fake_discord, "What is machine learning?")
        assert message["embeds"][0]["description"]
        assert rate_ids(message)  # queued: rated later, when the database is back
        for command, sub in (("kb", "gaps"), ("privacy", None), ("forget-me", None)):
            inter = await fake_discord.send_slash_command(command, subcommand=sub)
            text = await text_of_deferred(fake_discord, inter)
            assert "database is unreachable" in text and "\n" not in text
        assert client.store is not None and client.store.stats.failures > 0


async def test_store_questions_false_shows_no_rating_buttons(
    fake_discord: FakeDiscord, engine: Engine
) -> None:
    client = MLGenAIBot(make_settings(), engine, store=DisabledStore())
    async with run_client(client, FAKE_TOKEN):
        await client.sync_commands()
        message = await ask(fake_discord, "What is machine learning?")
        assert not rate_ids(message) and any("sources" in i for i in custom_ids(message))
        inter = await fake_discord.send_slash_command("privacy")
        body = await fake_discord.interaction_reply(inter.id)
        assert "STORE_QUESTIONS=false" in body["data"]["content"]


async def test_two_shard_processes_share_one_store_and_each_server_sees_its_own_gaps(
    fake_discord_factory: Any, engine: Engine, store_url: str
) -> None:
    from tests.fakediscord import GUILD_ID, GUILD_ID_2, default_guild, second_guild

    fake = await fake_discord_factory(shards=2, guilds=[default_guild(), second_guild()])
    one = MLGenAIBot(
        make_settings(shard_count=2, shard_ids=(1,)), engine, store=new_store(store_url)
    )
    two = MLGenAIBot(
        make_settings(shard_count=2, shard_ids=(0,)), Engine.load(), store=new_store(store_url)
    )
    async with run_client(one, FAKE_TOKEN), run_client(two, FAKE_TOKEN):
        await one.sync_commands()
        where = {GUILD_ID: GUILD_ID + 100, GUILD_ID_2: GUILD_ID_2 + 100}
        messages = {}
        for guild_id, question in ((GUILD_ID, PRICE[0]), (GUILD_ID_2, "Who invented ChatGPT?")):
            inter = await fake.send_slash_command(
                "ask", {"question": question}, guild_id=guild_id, channel_id=where[guild_id]
            )
            await fake.interaction_reply(inter.id)
            messages[guild_id] = fake.original_response(inter.token)
        answered = await fake.send_slash_command(
            "ask", {"question": "What is ML?"}, guild_id=GUILD_ID_2, channel_id=where[GUILD_ID_2]
        )
        await fake.interaction_reply(answered.id)
        message = fake.original_response(answered.token)
        assert message is not None
        click = await fake.send_component(rate_ids(message)["down"], message)
        modal = await fake.interaction_reply(click.id)
        assert modal["type"] == 9  # the reason modal, shown by the process of GUILD_ID_2
        field = modal["data"]["components"][0]["components"][0]["custom_id"]
        submit = await fake.send_modal_submit(  # received by the process of GUILD_ID
            modal["data"]["custom_id"], {field: "Too vague"}, guild_id=GUILD_ID
        )
        assert submit.shard_id == 1
        assert (await fake.interaction_reply(submit.id))["data"]["content"] == THANKS_DOWN
        assert one.store is not None and two.store is not None
        assert await one.store.flush() and await two.store.flush()
        answer_id = rate_ids(message)["down"].split(":")[2]
        assert await one.store.vote_of(answer_id, USER_ID) == (-1, "Too vague")
        guilds = await rows(one.store, "SELECT guild_id FROM answers ORDER BY guild_id")
        assert sorted(g for (g,) in guilds) == sorted(
            [str(GUILD_ID), str(GUILD_ID_2), str(GUILD_ID_2)]
        )
        inter = await fake.send_slash_command(
            "kb", subcommand="gaps", guild_id=GUILD_ID_2, channel_id=where[GUILD_ID_2]
        )
        text = await text_of_deferred(fake, inter)
        assert "Who invented ChatGPT?" in text and "1 rated down" in text
        assert "cost" not in text  # asked in the other server

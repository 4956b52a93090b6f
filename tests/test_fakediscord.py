"""Self-tests of the fake Discord harness (tests/fakediscord), using minimal discord.py
clients written here (not the project's bot)."""

from __future__ import annotations

import asyncio
import io
import json
from collections.abc import Iterator
from typing import Any, cast

import aiohttp
import discord
import pytest
from discord import app_commands
from discord.gateway import DiscordWebSocket
from discord.http import Route

from tests.fakediscord import (
    APP_ID,
    BOT_USER_ID,
    CHANNEL_ID,
    CHANNEL_ID_2,
    DM_CHANNEL_ID,
    FAKE_TOKEN,
    GUILD_ID,
    GUILD_ID_2,
    MESSAGE_CONTENT_INTENT,
    OTHER_USER_ID,
    USER_ID,
    FakeDiscord,
    SpecValidator,
    check_request,
    default_guild,
    run_client,
    second_guild,
)
from tests.fakediscord.openapi_check import check_limits, check_ping_safety
from tests.fakediscord.plugin import ALLOW_VIOLATIONS_MARK, FakeFactory, _fail_on_violations

NO_PINGS = discord.AllowedMentions.none()


# =========================================================================================
# helpers
# =========================================================================================


class MiniBot(discord.Client):
    """A minimal client with a command tree and a log of received messages."""

    def __init__(self, *, intents: discord.Intents | None = None, **kwargs: Any) -> None:
        super().__init__(
            intents=intents or discord.Intents.default(), allowed_mentions=NO_PINGS, **kwargs
        )
        self.tree = app_commands.CommandTree(self)
        self.seen: asyncio.Queue[discord.Message] = asyncio.Queue()

    async def on_message(self, message: discord.Message) -> None:
        if message.author.id != BOT_USER_ID:
            await self.seen.put(message)


class MiniShardedBot(discord.AutoShardedClient):
    """A minimal auto-sharded client."""

    def __init__(self) -> None:
        super().__init__(intents=discord.Intents.default(), allowed_mentions=NO_PINGS)


@pytest.fixture
def spec() -> Iterator[SpecValidator]:
    """The OpenAPI validator, or skip when DISCORD_OPENAPI_SPEC is not set."""
    validator = SpecValidator.from_env()
    if validator is None:
        pytest.skip("DISCORD_OPENAPI_SPEC not set: OpenAPI checks are skipped")
    yield validator


# =========================================================================================
# login / gateway / shards
# =========================================================================================


async def test_login_connect_ready_and_guild_cached(fake_discord: FakeDiscord) -> None:
    bot = MiniBot()
    async with run_client(bot):
        assert bot.user is not None and bot.user.id == BOT_USER_ID
        assert bot.application_id == APP_ID
        guild = bot.get_guild(GUILD_ID)
        assert guild is not None and not guild.unavailable
        channel = guild.get_channel(CHANNEL_ID)
        assert isinstance(channel, discord.TextChannel) and channel.name == "general"
        assert guild.me is not None
        assert guild.get_member(USER_ID) is None  # no GUILD_MEMBERS intent: only the bot
        assert guild.member_count == 3
        assert fake_discord.intents == bot.intents.value
        assert fake_discord.connected_shards == {0}
        assert "token" not in fake_discord.identifies[0]
        await fake_discord.wait_for("GET", "/users/@me")
        assert not bot.is_ws_ratelimited()
    # clean close: the client closed its gateway socket, the fake noticed
    assert bot.is_closed()
    assert fake_discord.connected_shards == set()


async def test_members_intent_caches_members_and_chunks(fake_discord: FakeDiscord) -> None:
    intents = discord.Intents.default()
    intents.members = True
    bot = MiniBot(intents=intents)
    async with run_client(bot):
        guild = bot.get_guild(GUILD_ID)
        assert guild is not None and guild.chunked
        member = guild.get_member(USER_ID)
        assert member is not None and member.name == "alice"
        assert guild.get_member(OTHER_USER_ID) is not None


async def test_wrong_token_is_login_failure(fake_discord: FakeDiscord) -> None:
    bot = MiniBot()
    with pytest.raises(discord.LoginFailure):
        async with run_client(bot, "not-the-token"):
            pass
    req = await fake_discord.wait_for("GET", "/users/@me")
    assert req.status == 401
    assert req.response == {"message": "401: Unauthorized", "code": 0}
    assert "Authorization" not in req.headers


async def test_gateway_closes_4004_on_wrong_identify_token(fake_discord: FakeDiscord) -> None:
    async with (
        aiohttp.ClientSession() as session,
        session.ws_connect(fake_discord.gateway_url + "?v=10&encoding=json") as ws,
    ):
        hello = await ws.receive_json()
        assert hello["op"] == 10 and hello["d"]["heartbeat_interval"] > 0
        await ws.send_json({"op": 1, "d": None})
        assert (await ws.receive_json())["op"] == 11
        await ws.send_json({"op": 2, "d": {"token": "wrong", "intents": 0, "properties": {}}})
        msg = await ws.receive()
        assert msg.type is aiohttp.WSMsgType.CLOSE
        assert ws.close_code == 4004 or msg.data == 4004
    assert fake_discord.identifies == []


async def test_two_shards_route_guilds_and_events(fake_discord_factory: FakeFactory) -> None:
    fake = await fake_discord_factory(shards=2, guilds=[default_guild(), second_guild()])
    bot = MiniShardedBot()
    async with run_client(bot):
        await fake.wait_until_connected()
        assert bot.shard_count == 2
        assert sorted(tuple(i["shard"]) for i in fake.identifies) == [(0, 2), (1, 2)]
        g1, g2 = bot.get_guild(GUILD_ID), bot.get_guild(GUILD_ID_2)
        assert g1 is not None and g2 is not None
        assert (g1.shard_id, g2.shard_id) == ((GUILD_ID >> 22) % 2, (GUILD_ID_2 >> 22) % 2)
        assert g1.shard_id != g2.shard_id
        assert bot.get_channel(CHANNEL_ID_2) is not None
        got: asyncio.Future[discord.Interaction] = asyncio.get_running_loop().create_future()

        @bot.event
        async def on_interaction(interaction: discord.Interaction) -> None:
            got.set_result(interaction)
            await interaction.response.send_message("pong", allowed_mentions=NO_PINGS)

        sent = await fake.send_slash_command("ping", guild_id=GUILD_ID_2)
        assert sent.shard_id == g2.shard_id
        interaction = await asyncio.wait_for(got, 5)
        assert interaction.guild_id == GUILD_ID_2
        assert (await fake.interaction_reply(sent.id))["data"]["content"] == "pong"


async def test_reconnect_resumes_and_invalid_session_reidentifies(
    fake_discord: FakeDiscord,
) -> None:
    bot = MiniBot()
    async with run_client(bot):
        first = fake_discord.session(0)
        await fake_discord.send_reconnect(0)
        await fake_discord.wait_until(lambda: fake_discord.resumes, what="a RESUME")
        assert fake_discord.resumes[0]["session_id"] == first.session_id
        assert fake_discord.resumes[0]["seq"] == first.seq
        await fake_discord.wait_until(lambda: fake_discord.session(0) is not first)
        resumed = fake_discord.session(0)
        assert resumed.session_id == first.session_id

        await fake_discord.invalidate_session(0)
        await fake_discord.wait_until(lambda: len(fake_discord.identifies) == 2, what="IDENTIFY")
        await fake_discord.wait_until(lambda: fake_discord.session(0) is not resumed)
        assert fake_discord.session(0).session_id != first.session_id

        @bot.tree.command(description="Ping")
        async def ping(interaction: discord.Interaction) -> None:
            await interaction.response.send_message("still here", allowed_mentions=NO_PINGS)

        sent = await fake_discord.send_slash_command("ping")
        assert (await fake_discord.interaction_reply(sent.id))["data"]["content"] == "still here"
    assert fake_discord.violations == []


async def test_bot_messages_are_echoed_on_the_gateway(fake_discord: FakeDiscord) -> None:
    bot = MiniBot()

    def events(name: str, message_id: int) -> list[Any]:
        return [
            d for _, e, d in fake_discord.gateway_events if e == name and d["id"] == str(message_id)
        ]

    async with run_client(bot):
        channel = bot.get_channel(CHANNEL_ID)
        assert isinstance(channel, discord.TextChannel)
        message = await channel.send("hello world")
        [created] = await fake_discord.wait_until(lambda: events("MESSAGE_CREATE", message.id))
        assert created["content"] == "hello world"  # own messages are never blanked
        await message.edit(content="edited")
        [updated] = await fake_discord.wait_until(lambda: events("MESSAGE_UPDATE", message.id))
        assert updated["content"] == "edited" and updated["edited_timestamp"]
        await message.delete()
        await fake_discord.wait_until(lambda: events("MESSAGE_DELETE", message.id))
        assert message.id not in fake_discord.messages


async def test_no_guild_messages_intent_no_message_events(fake_discord: FakeDiscord) -> None:
    intents = discord.Intents.default()
    intents.guild_messages = False
    bot = MiniBot(intents=intents)
    async with run_client(bot):
        sent = await fake_discord.send_message("hello", mention_bot=True)
        await fake_discord.send_message("in a DM", dm=True)
        dm = await asyncio.wait_for(bot.seen.get(), 5)
    assert dm.content == "in a DM"
    assert sent["id"] not in {d.get("id") for _, _, d in fake_discord.gateway_events}


# =========================================================================================
# commands and interactions
# =========================================================================================


def _add_commands(bot: MiniBot) -> None:
    tree = bot.tree

    @tree.command(description="Ask a question about the article")
    @app_commands.describe(question="What you want to know", detail="How much detail")
    @app_commands.choices(
        detail=[
            app_commands.Choice(name="short", value=1),
            app_commands.Choice(name="long", value=2),
        ]
    )
    async def ask(
        interaction: discord.Interaction, question: str, detail: int | None = None
    ) -> None:
        embed = discord.Embed(title="Answer", description=f"{question} ({detail})")
        embed.add_field(name="source", value="the article")
        await interaction.response.send_message(embed=embed, allowed_mentions=NO_PINGS)

    @tree.command(description="Look up a topic")
    @app_commands.describe(topic="Topic")
    async def topic(interaction: discord.Interaction, topic: str) -> None:
        await interaction.response.defer(thinking=True)
        await interaction.followup.send(f"about {topic}", allowed_mentions=NO_PINGS)

    @topic.autocomplete("topic")
    async def topic_autocomplete(
        interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        names = ["generative ai", "machine learning", "genai risks"]
        return [app_commands.Choice(name=n, value=n) for n in names if n.startswith(current)]

    group = app_commands.Group(name="kb", description="Knowledge base")

    @group.command(description="Show a section")
    @app_commands.describe(section="Section number")
    async def show(interaction: discord.Interaction, section: int) -> None:
        await interaction.response.send_message(f"section {section}", allowed_mentions=NO_PINGS)

    tree.add_command(group)

    @tree.context_menu(name="Explain this")
    async def explain(interaction: discord.Interaction, message: discord.Message) -> None:
        await interaction.response.send_message(
            f"explaining: {message.content}", ephemeral=True, allowed_mentions=NO_PINGS
        )


async def test_command_sync_is_stored_and_valid(fake_discord: FakeDiscord) -> None:
    bot = MiniBot()
    _add_commands(bot)
    async with run_client(bot):
        synced = await bot.tree.sync()
        guild_synced = await bot.tree.sync(guild=discord.Object(GUILD_ID))
    assert {c.name for c in synced} == {"ask", "topic", "kb", "Explain this"}
    assert guild_synced == []
    stored = {c["name"]: c for c in fake_discord.commands()}
    assert stored["ask"]["application_id"] == str(APP_ID)
    assert stored["Explain this"]["type"] == 3
    assert {s.id for s in synced} == {int(c["id"]) for c in stored.values()}
    req = await fake_discord.wait_for("PUT", rf"/applications/{APP_ID}/commands")
    assert req.violations == []
    assert fake_discord.commands(GUILD_ID) == []


async def test_command_sync_body_passes_openapi_spec(
    fake_discord: FakeDiscord, spec: SpecValidator
) -> None:
    bot = MiniBot()
    _add_commands(bot)
    async with run_client(bot):
        await bot.tree.sync()
    req = await fake_discord.wait_for("PUT", rf"/applications/{APP_ID}/commands")
    assert spec.check(req.method, req.path, req.json, req.query) == []
    assert fake_discord.validator is not None  # the fake really validated it


async def test_slash_command_embed_reply_recorded_and_valid(fake_discord: FakeDiscord) -> None:
    bot = MiniBot()
    _add_commands(bot)
    async with run_client(bot):
        await bot.tree.sync()
        sent = await fake_discord.send_slash_command(
            "ask", {"question": "What is GenAI?", "detail": 2}
        )
        body = await fake_discord.interaction_reply(sent.id)
        assert sent.payload["data"]["options"][1] == {"name": "detail", "type": 4, "value": 2}
    assert body["type"] == 4
    embed = body["data"]["embeds"][0]
    assert embed["title"] == "Answer" and embed["description"] == "What is GenAI? (2)"
    assert body["data"]["allowed_mentions"] == {"parse": []}
    callback = fake_discord.callback_request(sent.id)
    assert callback is not None and callback.query == {"with_response": "1"}
    assert callback.violations == []
    latency = fake_discord.interaction_latency(sent.id)
    assert latency is not None and 0 < latency < 3
    [message] = fake_discord.channel_messages(CHANNEL_ID)
    assert message["embeds"][0]["title"] == "Answer"
    assert message["interaction_metadata"]["id"] == str(sent.id)


async def test_subcommand_deferred_followup_and_autocomplete(fake_discord: FakeDiscord) -> None:
    bot = MiniBot()
    _add_commands(bot)
    async with run_client(bot):
        await bot.tree.sync()
        sent = await fake_discord.send_slash_command("kb", {"section": 3}, subcommand="show")
        assert (await fake_discord.interaction_reply(sent.id))["data"]["content"] == "section 3"

        sent = await fake_discord.send_slash_command("topic", {"topic": "genai"})
        assert (await fake_discord.interaction_reply(sent.id))["type"] == 5
        followup = await fake_discord.wait_for_followup(sent.token)
        assert followup.method == "POST" and followup.query.get("wait") == "1"
        assert followup.json["content"] == "about genai"
        original = fake_discord.original_response(sent.token)
        assert original is not None and original["content"] == "about genai"
        assert not original["flags"] & (1 << 7)  # the loading state was replaced

        sent = await fake_discord.send_autocomplete("topic", focused="topic", value="gen")
        body = await fake_discord.interaction_reply(sent.id)
    assert body == {
        "type": 8,
        "data": {
            "choices": [
                {"name": "generative ai", "value": "generative ai"},
                {"name": "genai risks", "value": "genai risks"},
            ]
        },
    }


class Pager(discord.ui.View):
    """A one-button view that edits its message when clicked."""

    @discord.ui.button(label="Next", custom_id="pager:next", style=discord.ButtonStyle.primary)
    async def next_page(
        self, interaction: discord.Interaction, button: discord.ui.Button[Any]
    ) -> None:
        await interaction.response.edit_message(
            content="page 2", view=None, allowed_mentions=NO_PINGS
        )


async def test_component_click_and_message_context_menu(fake_discord: FakeDiscord) -> None:
    bot = MiniBot()
    _add_commands(bot)
    async with run_client(bot):
        await bot.tree.sync()
        channel = bot.get_channel(CHANNEL_ID)
        assert isinstance(channel, discord.TextChannel)
        sent_msg = await channel.send("page 1", view=Pager(timeout=None))
        stored = fake_discord.messages[sent_msg.id]
        assert stored["components"][0]["components"][0]["custom_id"] == "pager:next"

        click = await fake_discord.send_component("pager:next", sent_msg.id)
        body = await fake_discord.interaction_reply(click.id)
        assert body["type"] == 7 and body["data"]["content"] == "page 2"
        assert fake_discord.messages[sent_msg.id]["content"] == "page 2"
        assert fake_discord.messages[sent_msg.id]["components"] == []

        target = await fake_discord.send_message("GenAI makes text", author_id=OTHER_USER_ID)
        ctx = await fake_discord.send_message_command("Explain this", target)
        body = await fake_discord.interaction_reply(ctx.id)
    assert body["data"]["content"] == "explaining: GenAI makes text"
    assert body["data"]["flags"] == 64


class Picker(discord.ui.View):
    """A select menu answered with a deferred update and an @original edit."""

    @discord.ui.select(
        custom_id="pick", options=[discord.SelectOption(label="a"), discord.SelectOption(label="b")]
    )
    async def pick(self, interaction: discord.Interaction, select: discord.ui.Select[Any]) -> None:
        await interaction.response.defer()
        await interaction.edit_original_response(content=f"picked {select.values}", view=None)


async def test_dm_interaction_select_and_user_command(fake_discord: FakeDiscord) -> None:
    bot = MiniBot()
    sent_view = asyncio.Event()

    @bot.tree.command(description="Say hi")
    @app_commands.describe(who="Someone")
    async def hi(interaction: discord.Interaction, who: discord.User) -> None:
        where = type(interaction.channel).__name__
        await interaction.response.send_message(f"hi {who.name} in {where}", view=Picker())
        sent_view.set()  # discord.py listens for the view's clicks from here on

    @bot.tree.context_menu(name="Whois")
    async def whois(interaction: discord.Interaction, user: discord.Member) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        await interaction.edit_original_response(content=f"it is {user.display_name}")

    async with run_client(bot):
        await bot.tree.sync()
        sent = await fake_discord.send_slash_command("hi", {"who": OTHER_USER_ID}, dm=True)
        assert sent.payload["context"] == 1 and "member" not in sent.payload
        assert (await fake_discord.interaction_reply(sent.id))["data"]["content"] == (
            "hi bob in DMChannel"
        )
        original = fake_discord.original_response(sent.token)
        assert original is not None and original["channel_id"] == str(DM_CHANNEL_ID)

        # The fake has the callback as soon as the request arrives, but discord.py stores
        # the view only once the response is back: a click before that finds no view
        # (on Python 3.13's event loop it did, every time).
        await asyncio.wait_for(sent_view.wait(), 5)
        click = await fake_discord.send_component("pick", original, component_type=3, values=["b"])
        assert (await fake_discord.interaction_reply(click.id)) == {"type": 6}
        edit = await fake_discord.wait_for_followup(click.token, method="PATCH")
        assert edit.path.endswith("/messages/@original")
        assert fake_discord.messages[int(original["id"])]["content"] == "picked ['b']"

        who = await fake_discord.send_user_command("Whois", OTHER_USER_ID)
        assert (await fake_discord.interaction_reply(who.id)) == {"type": 5, "data": {"flags": 64}}
        await fake_discord.wait_for_followup(who.token)
        final = fake_discord.original_response(who.token)
        assert final is not None and final["content"] == "it is bob" and final["flags"] == 64


class Feedback(discord.ui.Modal, title="Feedback"):
    """A one-field modal."""

    text: discord.ui.TextInput[Any] = discord.ui.TextInput(label="Your feedback", custom_id="fb")

    async def on_submit(self, interaction: discord.Interaction) -> None:
        await interaction.response.send_message(
            f"thanks: {self.text.value}", allowed_mentions=NO_PINGS
        )


async def test_modal_roundtrip(fake_discord: FakeDiscord) -> None:
    bot = MiniBot()

    @bot.tree.command(description="Send feedback")
    async def feedback(interaction: discord.Interaction) -> None:
        await interaction.response.send_modal(Feedback(custom_id="feedback-modal"))

    async with run_client(bot):
        sent = await fake_discord.send_slash_command("feedback")
        body = await fake_discord.interaction_reply(sent.id)
        assert body["type"] == 9 and body["data"]["custom_id"] == "feedback-modal"
        submit = await fake_discord.send_modal_submit("feedback-modal", {"fb": "great"})
        body = await fake_discord.interaction_reply(submit.id)
    assert body["data"]["content"] == "thanks: great"


# =========================================================================================
# messages, DMs, MESSAGE_CONTENT emulation
# =========================================================================================


async def test_message_content_blanked_without_intent(fake_discord: FakeDiscord) -> None:
    bot = MiniBot()  # Intents.default() lacks message_content
    assert not bot.intents.message_content
    async with run_client(bot):
        assert fake_discord.intents is not None
        assert not fake_discord.intents & MESSAGE_CONTENT_INTENT

        async def receive(**kwargs: Any) -> discord.Message:
            await fake_discord.send_message(**kwargs)
            return await asyncio.wait_for(bot.seen.get(), 5)

        plain = await receive(content="what is @everyone doing", embeds=[{"title": "x"}])
        assert plain.content == "" and plain.embeds == []
        mentioned = await receive(content="what is GenAI?", mention_bot=True)
        assert mentioned.content == f"<@{BOT_USER_ID}> what is GenAI?"
        assert bot.user in mentioned.mentions
        dm = await receive(content="hi in DM", dm=True)
        assert dm.content == "hi in DM" and dm.guild is None
        assert dm.channel.id == DM_CHANNEL_ID

        channel = bot.get_channel(CHANNEL_ID)
        assert isinstance(channel, discord.TextChannel)
        bot_msg = await channel.send("I am the bot")
        reply = await receive(content="a reply to the bot", reply_to=bot_msg.id)
        assert reply.content == "a reply to the bot"
        assert reply.reference is not None and reply.reference.message_id == bot_msg.id
        assert isinstance(reply.reference.resolved, discord.Message)
        fetched = await channel.fetch_message(bot_msg.id)
        assert fetched.content == "I am the bot"

        other = await receive(content="reply to a human", reply_to=plain.id)
        assert other.content == ""


async def test_message_content_kept_with_intent(fake_discord: FakeDiscord) -> None:
    intents = discord.Intents.default()
    intents.message_content = True
    bot = MiniBot(intents=intents)
    async with run_client(bot):
        await fake_discord.send_message("plain text")
        message = await asyncio.wait_for(bot.seen.get(), 5)
    assert message.content == "plain text"


async def test_dm_reply_and_file_upload_are_recorded(fake_discord: FakeDiscord) -> None:
    bot = MiniBot()
    async with run_client(bot):
        user = await bot.fetch_user(USER_ID)
        assert user.name == "alice"
        await user.send("hello there", allowed_mentions=NO_PINGS)
        channel = bot.get_channel(CHANNEL_ID)
        assert isinstance(channel, discord.TextChannel)
        async with channel.typing():
            pass
        await channel.send("report", file=discord.File(io.BytesIO(b"abc"), filename="r.txt"))
    opened = await fake_discord.wait_for("POST", "/users/@me/channels")
    assert opened.json == {"recipient_id": USER_ID}
    dm_sent = await fake_discord.wait_for("POST", rf"/channels/{DM_CHANNEL_ID}/messages")
    assert dm_sent.json["content"] == "hello there"
    await fake_discord.wait_for("POST", rf"/channels/{CHANNEL_ID}/typing")
    upload = await fake_discord.wait_for(
        "POST", rf"/channels/{CHANNEL_ID}/messages", predicate=lambda r: bool(r.files)
    )
    assert upload.content_type == "multipart/form-data"
    assert upload.files == [("files[0]", "r.txt", 3)]
    assert upload.json["attachments"][0]["filename"] == "r.txt"
    [report] = fake_discord.channel_messages(CHANNEL_ID)
    assert report["attachments"][0]["filename"] == "r.txt"


async def test_unfaked_route_is_404_and_recorded(fake_discord: FakeDiscord) -> None:
    bot = MiniBot()
    async with run_client(bot):
        with pytest.raises(discord.NotFound):
            await bot.fetch_guild_preview(GUILD_ID)
    [unhandled] = fake_discord.unhandled
    assert unhandled.path == f"/guilds/{GUILD_ID}/preview" and unhandled.status == 404


# =========================================================================================
# violations
# =========================================================================================


async def test_e2e_violations_are_collected(fake_discord: FakeDiscord) -> None:
    bot = discord.Client(intents=discord.Intents.default())  # no default allowed_mentions
    async with run_client(bot):
        channel = bot.get_channel(CHANNEL_ID)
        assert isinstance(channel, discord.TextChannel)
        await channel.send("x" * 2001)
        await channel.send("hi @everyone", allowed_mentions=discord.AllowedMentions.all())
    problems = fake_discord.take_violations()
    assert fake_discord.violations == []
    assert any("content is 2001 characters (limit 2000)" in p for p in problems)
    assert any("allowed_mentions missing" in p for p in problems)
    assert any("allowed_mentions.parse must be an empty list" in p for p in problems)
    assert all(p.startswith(f"POST /channels/{CHANNEL_ID}/messages: ") for p in problems)


def test_limits_checker_finds_oversized_bodies() -> None:
    path = f"/channels/{CHANNEL_ID}/messages"
    ok = {"content": "hi", "allowed_mentions": {"parse": []}}
    assert check_request("POST", path, ok) == []
    big_embed = {
        "title": "t" * 257,
        "description": "d" * 4096,
        "fields": [{"name": "n", "value": "v" * 1025}] * 2,
        "footer": {"text": "f"},
        "author": {"name": "a" * 257},
    }
    problems = check_limits("POST", path, {"embeds": [big_embed] * 11, "content": "c" * 2001})
    text = "\n".join(problems)
    for expected in (
        "content is 2001 characters",
        "has 11 embeds",
        "title is 257 characters",
        "field[0] value is 1025 characters",
        "author name is 257 characters",
        "embeds total",
    ):
        assert expected in text
    row = {
        "type": 1,
        "components": [{"type": 2, "style": 1, "label": "l" * 81, "custom_id": "c" * 101}] * 6,
    }
    problems = check_limits("POST", path, {"components": [row] * 6})
    text = "\n".join(problems)
    assert "6 action rows" in text and "6 buttons" in text
    assert "label is 81 characters" in text and "custom_id is 101 characters" in text
    choices = [{"name": f"c{i}", "value": str(i)} for i in range(26)] + [{"name": "", "value": "x"}]
    problems = check_limits(
        "POST", "/interactions/1/t/callback", {"type": 8, "data": {"choices": choices}}
    )
    assert any("27 choices" in p for p in problems) and any("length 0" in p for p in problems)
    commands = [
        {"name": "Ask", "description": "d", "type": 1},
        {
            "name": "ok",
            "description": "",
            "type": 1,
            "options": [{"type": 3, "name": "q", "description": "x" * 101}],
        },
        {"name": "Menu", "description": "not empty", "type": 3},
    ]
    text = "\n".join(check_limits("PUT", f"/applications/{APP_ID}/commands", commands))
    assert "'Ask': invalid name" in text
    assert "'ok': description must be 1..100" in text
    assert "option 'q': description must be 1..100" in text
    assert "'Menu': context menu commands must have an empty description" in text


def test_ping_safety_checker() -> None:
    path = f"/channels/{CHANNEL_ID}/messages"
    assert check_ping_safety("POST", path, {"content": "hi"}) != []
    assert (
        check_ping_safety(
            "POST", path, {"content": "hi", "allowed_mentions": {"parse": ["everyone"]}}
        )
        != []
    )
    assert (
        check_ping_safety(
            "POST", path, {"content": "hi", "allowed_mentions": {"parse": [], "users": ["1"]}}
        )
        != []
    )
    assert (
        check_ping_safety(
            "POST", path, {"content": "hi", "allowed_mentions": {"parse": [], "replied_user": True}}
        )
        != []
    )
    assert (
        check_ping_safety(
            "POST",
            path,
            {"content": "hi", "allowed_mentions": {"parse": [], "replied_user": False}},
        )
        == []
    )
    callback = "/interactions/1/tok/callback"
    assert check_ping_safety("POST", callback, {"type": 4, "data": {"content": "x"}}) != []
    assert check_ping_safety("POST", callback, {"type": 5, "data": {"flags": 64}}) == []
    assert check_ping_safety("POST", callback, {"type": 7, "data": {"components": []}}) == []
    assert check_ping_safety("POST", callback, {"type": 7, "data": {"content": "x"}}) != []
    assert check_ping_safety("POST", f"/webhooks/{APP_ID}/tok", {"content": "x"}) != []
    assert (
        check_ping_safety("PATCH", f"/webhooks/{APP_ID}/tok/messages/@original", {"content": "x"})
        != []
    )
    assert (
        check_ping_safety("PATCH", f"/webhooks/{APP_ID}/tok/messages/@original", {"components": []})
        == []
    )


def test_spec_rejects_bad_bodies(spec: SpecValidator) -> None:
    callback = "/interactions/123/tok/callback"
    good = {"type": 4, "data": {"content": "hi", "allowed_mentions": {"parse": []}}}
    assert spec.check("POST", callback, good, {"with_response": "1"}) == []
    [bad_title] = spec.check("POST", callback, {"type": 4, "data": {"embeds": [{"title": 5}]}})
    assert "['data']['embeds'][0]['title']" in bad_title and "not of type" in bad_title
    [bad_type] = spec.check("POST", callback, {"type": 99})
    assert "type 99" in bad_type
    [missing] = spec.check("POST", callback, {"data": {"content": "x"}})
    assert "'type' is a required property" in missing
    [no_value] = spec.check("POST", callback, {"type": 8, "data": {"choices": [{"name": "a"}]}})
    assert "'value' is a required property" in no_value
    assert "not an operation" in spec.check("POST", "/channels/1/nope", {})[0]
    assert (
        "query parameter 'with_response'"
        in spec.check("POST", callback, good, {"with_response": "maybe"})[0]
    )
    assert (
        "path parameter 'channel_id'"
        in spec.check("POST", "/channels/None/messages", {"content": "x"})[0]
    )
    # quirks: snowflakes as int or string, int64 permissions as string, nullable fields
    assert (
        spec.check(
            "POST",
            "/channels/1/messages",
            {
                "content": None,
                "embeds": [{"title": "t", "color": None}],
                "message_reference": {
                    "message_id": 123,
                    "channel_id": "456",
                    "fail_if_not_exists": False,
                },
                "allowed_mentions": {"parse": [], "users": [], "replied_user": False},
            },
        )
        == []
    )
    cmd = {"name": "ask", "description": "d", "default_member_permissions": "8", "type": 1}
    assert spec.check("PUT", f"/applications/{APP_ID}/commands", [cmd]) == []
    # check_request prefixes every problem with the request
    problems = check_request("POST", "/api/v10" + callback, {"type": 99}, validator=spec)
    assert problems and problems[0].startswith(f"POST {callback}: ")


async def test_fake_violation_for_double_ack_and_unknown_reference(
    fake_discord: FakeDiscord,
) -> None:
    bot = discord.Client(intents=discord.Intents.default(), allowed_mentions=NO_PINGS)
    done = asyncio.Event()

    @bot.event
    async def on_interaction(interaction: discord.Interaction) -> None:
        await interaction.response.send_message("one", allowed_mentions=NO_PINGS)
        http = bot.http
        with pytest.raises(discord.HTTPException):  # bypass discord.py's own guard
            await http.request(
                Route(
                    "POST", "/interactions/{i}/{t}/callback", i=interaction.id, t=interaction.token
                ),
                json={"type": 4, "data": {"content": "two", "allowed_mentions": {"parse": []}}},
            )
        done.set()

    async with run_client(bot):
        await fake_discord.send_slash_command("anything")
        await asyncio.wait_for(done.wait(), 5)
        channel = bot.get_channel(CHANNEL_ID)
        assert isinstance(channel, discord.TextChannel)
        with pytest.raises(discord.HTTPException):
            ref = discord.MessageReference(message_id=123, channel_id=CHANNEL_ID)
            await channel.send("re", reference=ref, allowed_mentions=NO_PINGS)
    problems = "\n".join(fake_discord.take_violations())
    assert "already been acknowledged" in problems
    assert "message_reference to unknown message 123" in problems


def test_fixture_teardown_fails_on_violations() -> None:
    class Node:
        def __init__(self, marked: bool) -> None:
            self.marked = marked

        def get_closest_marker(self, name: str) -> object | None:
            return object() if self.marked and name == ALLOW_VIOLATIONS_MARK else None

    class Request:
        def __init__(self, marked: bool) -> None:
            self.node = Node(marked)

    fake = FakeDiscord(spec_path=None)
    _fail_on_violations(cast(pytest.FixtureRequest, Request(False)), [fake])  # none: passes
    fake.add_violation("POST /x: broken")
    with pytest.raises(pytest.fail.Exception, match=r"(?s)1 violation.*POST /x: broken"):
        _fail_on_violations(cast(pytest.FixtureRequest, Request(False)), [fake])
    _fail_on_violations(cast(pytest.FixtureRequest, Request(True)), [fake])  # opted out


def test_patched_restores_discord_urls() -> None:
    fake = FakeDiscord(spec_path=None)
    fake.port = 1234
    before = (Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY)
    with fake.patched():
        assert Route.BASE == "http://127.0.0.1:1234/api/v10"
        assert str(DiscordWebSocket.DEFAULT_GATEWAY) == "ws://127.0.0.1:1234/gateway"
    assert before == (Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY)


def test_recorded_request_body_is_json_serialisable() -> None:
    fake = FakeDiscord(spec_path=None, token=FAKE_TOKEN)
    assert json.dumps(fake.guild_create(GUILD_ID))

"""Slash commands and autocomplete, end to end: the real client against the fake Discord."""

from __future__ import annotations

import re

from bot.discordbot.client import MLGenAIBot
from bot.engine import Engine
from tests.discordbot.conftest import make_settings
from tests.discordbot.helpers import EPHEMERAL, custom_ids, embed_of, flags_of, text_of
from tests.fakediscord import (
    FAKE_TOKEN,
    GUILD_ID,
    MESSAGE_CONTENT_INTENT,
    FakeDiscord,
    run_client,
)

GUILD_MESSAGES = 1 << 9
DM_MESSAGES = 1 << 12
COMMAND_NAMES = {
    "ask",
    "compare",
    "examples",
    "topics",
    "help",
    "kb",
    "privacy",
    "forget-me",
    "Ask the bot",
}


async def test_start_up_without_privileged_intents_and_without_syncing(
    fake_discord: FakeDiscord, engine: Engine
) -> None:
    client = MLGenAIBot(make_settings(), engine)
    async with run_client(client, FAKE_TOKEN):
        intents = fake_discord.intents or 0
        assert not intents & MESSAGE_CONTENT_INTENT
        assert intents & GUILD_MESSAGES and intents & DM_MESSAGES
        assert client.get_cog("Ask") is not None
    assert not [r for r in fake_discord.requests if r.method == "PUT"]  # run does not sync


async def test_sync_payload(fake_discord: FakeDiscord, bot: MLGenAIBot, engine: Engine) -> None:
    commands = {c["name"]: c for c in fake_discord.commands()}
    assert set(commands) == COMMAND_NAMES
    compare = commands["compare"]
    (aspect,) = compare["options"]
    assert not aspect.get("required")
    assert [(c["name"], c["value"]) for c in aspect["choices"]] == [
        (row.aspect, row.id) for row in engine.kb.table
    ]
    examples = commands["examples"]["options"][0]
    assert [c["value"] for c in examples["choices"]] == ["ml", "genai"]
    ask = {o["name"]: o for o in commands["ask"]["options"]}
    assert ask["question"]["autocomplete"] and ask["question"]["required"]
    assert ask["private"]["type"] == 5 and not ask["private"].get("required")
    assert commands["Ask the bot"]["type"] == 3
    for command in commands.values():
        if command["type"] == 1:
            assert 1 <= len(command["description"]) <= 100
            for option in command.get("options", []):
                assert 1 <= len(option["description"]) <= 100


async def test_dev_guild_sync_at_start(fake_discord: FakeDiscord, engine: Engine) -> None:
    client = MLGenAIBot(make_settings(dev_guild_id=GUILD_ID), engine)
    async with run_client(client, FAKE_TOKEN):
        put = await fake_discord.wait_for("PUT", rf"/applications/\d+/guilds/{GUILD_ID}/commands")
        assert {c["name"] for c in put.json} == COMMAND_NAMES
        assert {c["name"] for c in fake_discord.commands(GUILD_ID)} == COMMAND_NAMES
    assert fake_discord.commands() == []  # nothing global


async def test_ask_public(fake_discord: FakeDiscord, bot: MLGenAIBot, engine: Engine) -> None:
    inter = await fake_discord.send_slash_command("ask", {"question": "What is generative AI?"})
    body = await fake_discord.interaction_reply(inter.id)
    assert body["type"] == 4
    assert not flags_of(body) & EPHEMERAL
    embed = embed_of(body)
    assert embed["title"] == "What is generative AI?"
    assert "Generative AI" in embed["description"]
    assert embed["fields"][0]["name"] == "Source"
    assert embed["fields"][0]["value"].startswith("What is Generative AI? — ")
    assert engine.kb.source.title in embed["fields"][0]["value"]
    assert engine.kb.source.version in embed["footer"]["text"]
    ids = custom_ids(body)
    assert any(i.startswith("mlgenai:sources:genai-definition@") for i in ids)
    assert "mlgenai:compare" in ids  # a definition touches the comparison table
    assert body["data"]["allowed_mentions"] == {"parse": []}


async def test_ask_the_difference(fake_discord: FakeDiscord, bot: MLGenAIBot) -> None:
    """ "The difference" between the subjects: the passage that says it, as a comparison
    whose whole table is one button away."""
    question = "What's the difference between machine learning and generative AI?"
    inter = await fake_discord.send_slash_command("ask", {"question": question})
    body = await fake_discord.interaction_reply(inter.id)
    embed = embed_of(body)
    assert "analyze" in embed["description"] and "create" in embed["description"]
    assert "mlgenai:compare" in custom_ids(body)  # "Full comparison"


async def test_ask_private_is_ephemeral(fake_discord: FakeDiscord, bot: MLGenAIBot) -> None:
    inter = await fake_discord.send_slash_command(
        "ask", {"question": "Give me some ML examples", "private": True}
    )
    body = await fake_discord.interaction_reply(inter.id)
    assert body["type"] == 4 and flags_of(body) & EPHEMERAL
    assert "Netflix" in embed_of(body)["description"]


async def test_compare_whole_table(
    fake_discord: FakeDiscord, bot: MLGenAIBot, engine: Engine
) -> None:
    inter = await fake_discord.send_slash_command("compare")
    embed = embed_of(await fake_discord.interaction_reply(inter.id))
    assert [f["name"] for f in embed["fields"]] == [row.aspect for row in engine.kb.table]
    first = engine.kb.table[0]
    assert embed["fields"][0]["value"] == (
        f"**ML:** {first.cell('ml')}\n**GenAI:** {first.cell('genai')}"
    )


async def test_compare_one_row(fake_discord: FakeDiscord, bot: MLGenAIBot) -> None:
    inter = await fake_discord.send_slash_command("compare", {"aspect": "how-it-evaluates"})
    body = await fake_discord.interaction_reply(inter.id)
    embed = embed_of(body)
    (field,) = embed["fields"]
    assert field["name"] == "How it Evaluates"
    assert "accuracy" in field["value"]
    assert custom_ids(body) == ["mlgenai:compare"]  # "Full comparison"


async def test_examples(fake_discord: FakeDiscord, bot: MLGenAIBot) -> None:
    inter = await fake_discord.send_slash_command("examples", {"topic": "genai"})
    embed = embed_of(await fake_discord.interaction_reply(inter.id))
    assert embed["title"] == "Examples of Generative AI"
    assert "ChatGPT" in embed["description"] and "Netflix" not in embed["description"]
    inter = await fake_discord.send_slash_command("examples")
    embed = embed_of(await fake_discord.interaction_reply(inter.id))
    assert "ChatGPT" in text_of(embed) and "Netflix" in text_of(embed)


async def test_topics_and_help_are_ephemeral(
    fake_discord: FakeDiscord, bot: MLGenAIBot, engine: Engine
) -> None:
    source = engine.kb.source
    inter = await fake_discord.send_slash_command("topics")
    body = await fake_discord.interaction_reply(inter.id)
    assert flags_of(body) & EPHEMERAL
    text = text_of(embed_of(body)) + embed_of(body)["footer"]["text"]
    assert source.title in text and source.date in text and source.version in text
    inter = await fake_discord.send_slash_command("help")
    body = await fake_discord.interaction_reply(inter.id)
    assert flags_of(body) & EPHEMERAL
    assert "/ask" in embed_of(body)["description"]
    assert any(i.startswith("mlgenai:ask:") for i in custom_ids(body))


async def test_autocomplete(fake_discord: FakeDiscord, bot: MLGenAIBot, engine: Engine) -> None:
    inter = await fake_discord.send_autocomplete("ask", "question", "examples of gen")
    body = await fake_discord.interaction_reply(inter.id)
    assert body["type"] == 8
    choices = body["data"]["choices"]
    assert 1 <= len(choices) <= 25
    assert all(1 <= len(c["name"]) <= 100 and c["value"] == c["name"] for c in choices)
    assert choices[0]["value"] == engine.suggest("examples of gen")[0]
    assert re.search("example", choices[0]["value"], re.I)

    inter = await fake_discord.send_autocomplete("ask", "question", "")
    assert (await fake_discord.interaction_reply(inter.id))["data"]["choices"]


async def test_ask_in_a_dm(fake_discord: FakeDiscord, bot: MLGenAIBot) -> None:
    inter = await fake_discord.send_slash_command(
        "ask", {"question": "What is machine learning?"}, dm=True
    )
    body = await fake_discord.interaction_reply(inter.id)
    assert body["type"] == 4
    assert "Machine Learning" in embed_of(body)["description"]

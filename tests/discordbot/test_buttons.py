"""The buttons under answers: Sources, Compare and a refusal's suggestions."""

from __future__ import annotations

from typing import Any

from bot.discordbot.client import MLGenAIBot
from bot.engine import Engine
from tests.discordbot.helpers import EPHEMERAL, custom_ids, embed_of, flags_of
from tests.fakediscord import FAKE_TOKEN, FakeDiscord, run_client


async def ask(
    fake: FakeDiscord, question: str, **options: Any
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Send /ask; return the callback body and the message it created."""
    inter = await fake.send_slash_command("ask", {"question": question, **options})
    body = await fake.interaction_reply(inter.id)
    message = fake.original_response(inter.token)
    assert message is not None
    return body, message


async def test_sources_button_is_ephemeral_with_passages_and_scores(
    fake_discord: FakeDiscord, bot: MLGenAIBot, engine: Engine
) -> None:
    _, message = await ask(fake_discord, "What is generative AI?")
    (sources_id,) = [i for i in custom_ids(message) if i.startswith("mlgenai:sources:")]
    click = await fake_discord.send_component(sources_id, message)
    body = await fake_discord.interaction_reply(click.id)
    assert body["type"] == 4 and flags_of(body) & EPHEMERAL
    embed = embed_of(body)
    assert embed["title"] == "Sources"
    passage = engine.passage("genai-definition")
    assert embed["fields"][0]["name"].startswith(f"{passage.section} · score ")
    assert embed["fields"][0]["value"] == passage.text


async def test_sources_of_a_table_row_answer(
    fake_discord: FakeDiscord, bot: MLGenAIBot, engine: Engine
) -> None:
    _, message = await ask(fake_discord, "How is generative AI evaluated?")
    (sources_id,) = [i for i in custom_ids(message) if i.startswith("mlgenai:sources:")]
    click = await fake_discord.send_component(sources_id, message)
    embed = embed_of(await fake_discord.interaction_reply(click.id))
    assert "accuracy" in embed["fields"][0]["value"]


async def test_compare_button(fake_discord: FakeDiscord, bot: MLGenAIBot, engine: Engine) -> None:
    _, message = await ask(
        fake_discord, "What's the difference between machine learning and generative AI?"
    )
    assert "mlgenai:compare" in custom_ids(message)
    click = await fake_discord.send_component("mlgenai:compare", message)
    body = await fake_discord.interaction_reply(click.id)
    assert flags_of(body) & EPHEMERAL
    assert len(embed_of(body)["fields"]) == len(engine.kb.table)


async def test_refusal_suggestion_button_asks_it(
    fake_discord: FakeDiscord, bot: MLGenAIBot
) -> None:
    body, message = await ask(fake_discord, "What's a good recipe for lasagna?")
    suggestions = [i for i in custom_ids(body) if i.startswith("mlgenai:ask:")]
    assert suggestions and len(suggestions) <= 5
    labels = [c["label"] for row in body["data"]["components"] for c in row["components"]]
    question = suggestions[1].removeprefix("mlgenai:ask:")
    assert question in labels
    click = await fake_discord.send_component(suggestions[1], message)
    answer = await fake_discord.interaction_reply(click.id)
    assert answer["type"] == 4 and not flags_of(answer) & EPHEMERAL
    embed = embed_of(answer)
    assert embed["title"] == question
    assert "ChatGPT" in embed["description"] or "Generative" in embed["description"]


async def test_buttons_keep_working_after_a_restart(
    fake_discord: FakeDiscord, engine: Engine, bot: MLGenAIBot
) -> None:
    from tests.discordbot.conftest import make_settings

    _, message = await ask(fake_discord, "What is machine learning?")
    await bot.close()
    fresh = MLGenAIBot(make_settings(), Engine.load())
    async with run_client(fresh, FAKE_TOKEN):
        click = await fake_discord.send_component("mlgenai:compare", message)
        body = await fake_discord.interaction_reply(click.id)
        assert embed_of(body)["fields"]

"""Mentions, DMs, replies to the bot, and the "Ask the bot" message menu."""

from __future__ import annotations

import asyncio

from bot.discordbot.client import MLGenAIBot
from tests.discordbot.helpers import custom_ids, embed_of, flags_of
from tests.fakediscord import (
    BOT_USER_ID,
    CHANNEL_ID,
    DM_CHANNEL_ID,
    OTHER_USER_ID,
    USER_ID,
    FakeDiscord,
)

CHANNEL_POST = rf"/channels/{CHANNEL_ID}/messages"


async def test_mention_in_a_channel_is_answered_as_a_reply(
    fake_discord: FakeDiscord, bot: MLGenAIBot
) -> None:
    mark = fake_discord.mark()
    sent = await fake_discord.send_message("what is machine learning?", mention_bot=True)
    post = await fake_discord.wait_for("POST", CHANNEL_POST, since=mark)
    assert int(post.json["message_reference"]["message_id"]) == int(sent["id"])
    assert post.json["allowed_mentions"]["parse"] == []
    assert not post.json["allowed_mentions"].get("replied_user")
    assert "learn" in embed_of(post.json)["description"].lower()


async def test_nickname_mention_and_empty_mention(
    fake_discord: FakeDiscord, bot: MLGenAIBot
) -> None:
    mark = fake_discord.mark()
    await fake_discord.send_message(f"<@!{BOT_USER_ID}>")
    post = await fake_discord.wait_for("POST", CHANNEL_POST, since=mark)
    assert "/ask" in embed_of(post.json)["description"]  # an empty mention gets the help


async def test_unaddressed_messages_are_ignored(fake_discord: FakeDiscord, bot: MLGenAIBot) -> None:
    mark = fake_discord.mark()
    await fake_discord.send_message("what is machine learning?")  # no mention: not for us
    await fake_discord.send_message("hello", mention_bot=True, author_id=BOT_USER_ID)  # ourselves
    await fake_discord.send_message("ping", mention_bot=True)  # a marker we wait for
    post = await fake_discord.wait_for("POST", CHANNEL_POST, since=mark)
    posts = [r for r in fake_discord.requests[mark:] if r.method == "POST" and r.path == post.path]
    assert len(posts) == 1


async def test_dm_is_answered(fake_discord: FakeDiscord, bot: MLGenAIBot) -> None:
    mark = fake_discord.mark()
    await fake_discord.send_message("What is generative AI?", dm=True)
    post = await fake_discord.wait_for("POST", rf"/channels/{DM_CHANNEL_ID}/messages", since=mark)
    assert "Generative AI" in embed_of(post.json)["description"]


async def test_reply_to_an_answer_continues_the_conversation(
    fake_discord: FakeDiscord, bot: MLGenAIBot
) -> None:
    mark = fake_discord.mark()
    await fake_discord.send_message("What is generative AI?", mention_bot=True)
    await fake_discord.wait_for("POST", CHANNEL_POST, since=mark)
    (answer,) = fake_discord.channel_messages(CHANNEL_ID)
    mark = fake_discord.mark()
    await fake_discord.send_message("examples?", reply_to=answer)  # no mention: a plain reply
    post = await fake_discord.wait_for("POST", CHANNEL_POST, since=mark)
    description = embed_of(post.json)["description"]
    assert "ChatGPT" in description and "Netflix" not in description


async def test_a_reply_without_text_is_ignored(fake_discord: FakeDiscord, bot: MLGenAIBot) -> None:
    mark = fake_discord.mark()
    await fake_discord.send_message("What is generative AI?", mention_bot=True)
    await fake_discord.wait_for("POST", CHANNEL_POST, since=mark)
    (answer,) = fake_discord.channel_messages(CHANNEL_ID)
    mark = fake_discord.mark()
    await fake_discord.send_message("", reply_to=answer)  # e.g. an image, or ping switched off
    marker = await fake_discord.send_message("marker", mention_bot=True)
    post = await fake_discord.wait_for("POST", CHANNEL_POST, since=mark)
    assert int(post.json["message_reference"]["message_id"]) == int(marker["id"])
    await asyncio.sleep(0.05)
    assert len([r for r in fake_discord.requests[mark:] if r.method == "POST"]) == 1


async def test_conversations_are_per_user(fake_discord: FakeDiscord, bot: MLGenAIBot) -> None:
    mark = fake_discord.mark()
    await fake_discord.send_message("What is generative AI?", mention_bot=True)
    await fake_discord.wait_for("POST", CHANNEL_POST, since=mark)
    mark = fake_discord.mark()
    await fake_discord.send_message(
        "what is machine learning?", mention_bot=True, author_id=OTHER_USER_ID
    )
    await fake_discord.wait_for("POST", CHANNEL_POST, since=mark)
    mark = fake_discord.mark()
    await fake_discord.send_message("examples?", mention_bot=True)  # alice still means GenAI
    post = await fake_discord.wait_for("POST", CHANNEL_POST, since=mark)
    assert "ChatGPT" in embed_of(post.json)["description"]


async def test_context_menu_answers_someone_elses_message_without_pinging(
    fake_discord: FakeDiscord, bot: MLGenAIBot
) -> None:
    question = await fake_discord.send_message(
        "@everyone what is generative AI?", author_id=OTHER_USER_ID
    )
    inter = await fake_discord.send_message_command("Ask the bot", question, user_id=USER_ID)
    body = await fake_discord.interaction_reply(inter.id)
    assert body["type"] == 4 and not flags_of(body) & 64
    data = body["data"]
    assert data["content"] == f"Answering <@{OTHER_USER_ID}>'s question:"
    assert data["allowed_mentions"] == {"parse": []}
    embed = embed_of(body)
    assert "@everyone" not in embed["title"]
    assert embed["title"] == "@\u200beveryone what is generative AI?"
    assert "Generative AI" in embed["description"]
    assert custom_ids(body)

    # the author can reply to that answer with a follow-up
    answer = fake_discord.original_response(inter.token)
    assert answer is not None
    mark = fake_discord.mark()
    await fake_discord.send_message("examples?", reply_to=answer, author_id=OTHER_USER_ID)
    post = await fake_discord.wait_for("POST", CHANNEL_POST, since=mark)
    assert "ChatGPT" in embed_of(post.json)["description"]


async def test_context_menu_on_a_message_without_text(
    fake_discord: FakeDiscord, bot: MLGenAIBot
) -> None:
    image = await fake_discord.send_message(
        "",
        author_id=OTHER_USER_ID,
        attachments=[
            {
                "id": "1",
                "filename": "a.png",
                "size": 1,
                "url": "https://x/a.png",
                "proxy_url": "https://x/a.png",
            }
        ],
    )
    inter = await fake_discord.send_message_command("Ask the bot", image)
    body = await fake_discord.interaction_reply(inter.id)
    assert flags_of(body) & 64
    assert "no text" in body["data"]["content"]

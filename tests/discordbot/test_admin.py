"""``/kb``: the administrators' group, hidden by default permissions and checked locally."""

from __future__ import annotations

from bot.discordbot.admin import MISSING_PERMISSIONS
from bot.discordbot.client import MLGenAIBot
from bot.engine import Engine
from tests.discordbot.helpers import EPHEMERAL, flags_of
from tests.fakediscord import OTHER_USER_ID, FakeDiscord

MANAGE_GUILD = 1 << 5
SEND_MESSAGES = 1 << 11


async def test_kb_group_is_synced_for_administrators_in_servers_only(
    fake_discord: FakeDiscord, bot: MLGenAIBot
) -> None:
    (kb,) = [c for c in fake_discord.commands() if c["name"] == "kb"]
    assert int(kb["default_member_permissions"]) == MANAGE_GUILD
    assert kb.get("dm_permission") is False or kb.get("contexts") == [0]
    assert "info" in {o["name"] for o in kb["options"] if o["type"] == 1}


async def test_kb_info_names_the_knowledge_base_being_served(
    fake_discord: FakeDiscord, bot: MLGenAIBot, engine: Engine
) -> None:
    inter = await fake_discord.send_slash_command("kb", subcommand="info")
    body = await fake_discord.interaction_reply(inter.id)
    assert flags_of(body) & EPHEMERAL
    content = body["data"]["content"]
    assert engine.kb.source.version in content
    assert f"{len(engine.kb.passages)} passages" in content


async def test_a_member_without_manage_server_is_told_so(
    fake_discord: FakeDiscord, bot: MLGenAIBot
) -> None:
    fake_discord.member_permissions[OTHER_USER_ID] = SEND_MESSAGES
    inter = await fake_discord.send_slash_command("kb", subcommand="info", user_id=OTHER_USER_ID)
    body = await fake_discord.interaction_reply(inter.id)
    assert flags_of(body) & EPHEMERAL
    assert body["data"]["content"] == MISSING_PERMISSIONS

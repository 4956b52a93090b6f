"""A local fake of Discord (REST + gateway) for end-to-end tests of discord.py bots.

See ``README.md`` in this directory.
"""

from __future__ import annotations

from .client import run_client
from .constants import (
    APP_ID,
    BOT_USER_ID,
    BOT_USER_NAME,
    CHANNEL_ID,
    CHANNEL_ID_2,
    DM_CHANNEL_ID,
    FAKE_TOKEN,
    GUILD_ID,
    GUILD_ID_2,
    MESSAGE_CONTENT_INTENT,
    OTHER_USER_ID,
    OTHER_USER_NAME,
    USER_ID,
    USER_NAME,
)
from .openapi_check import SpecValidator, check_request
from .payloads import FakeChannel, FakeGuild, FakeUser, default_guild, second_guild
from .server import FakeDiscord, FakeDiscordError, RecordedRequest, SentInteraction

__all__ = [
    "APP_ID",
    "BOT_USER_ID",
    "BOT_USER_NAME",
    "CHANNEL_ID",
    "CHANNEL_ID_2",
    "DM_CHANNEL_ID",
    "FAKE_TOKEN",
    "GUILD_ID",
    "GUILD_ID_2",
    "MESSAGE_CONTENT_INTENT",
    "OTHER_USER_ID",
    "OTHER_USER_NAME",
    "USER_ID",
    "USER_NAME",
    "FakeChannel",
    "FakeDiscord",
    "FakeDiscordError",
    "FakeGuild",
    "FakeUser",
    "RecordedRequest",
    "SentInteraction",
    "SpecValidator",
    "check_request",
    "default_guild",
    "run_client",
    "second_guild",
]

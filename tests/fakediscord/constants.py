"""Default identifiers and tokens used by the fake Discord server.

All ids are valid snowflakes. ``GUILD_ID`` lands on shard 1 and ``GUILD_ID_2`` on shard 0
when the bot runs with two shards (shard = ``(guild_id >> 22) % shard_count``).
"""

from __future__ import annotations

FAKE_TOKEN = "fake-bot-token.for-tests.only"
APP_ID = 1100000000000000001
BOT_USER_ID = APP_ID
BOT_USER_NAME = "FakeBot"

GUILD_ID = 1200000000000000001
CHANNEL_ID = 1200000000000000101
GUILD_ID_2 = GUILD_ID + (1 << 22)  # 1200000000004194305: the other shard of 2
CHANNEL_ID_2 = GUILD_ID_2 + 100

USER_ID = 1300000000000000001
USER_NAME = "alice"
OTHER_USER_ID = 1300000000000000002
OTHER_USER_NAME = "bob"

DM_CHANNEL_ID = 1400000000000000001

MESSAGE_CONTENT_INTENT = 1 << 15

#: Discord's epoch (2015-01-01T00:00:00Z) in milliseconds, for snowflake generation.
DISCORD_EPOCH_MS = 1420070400000

__all__ = [
    "APP_ID",
    "BOT_USER_ID",
    "BOT_USER_NAME",
    "CHANNEL_ID",
    "CHANNEL_ID_2",
    "DISCORD_EPOCH_MS",
    "DM_CHANNEL_ID",
    "FAKE_TOKEN",
    "GUILD_ID",
    "GUILD_ID_2",
    "MESSAGE_CONTENT_INTENT",
    "OTHER_USER_ID",
    "OTHER_USER_NAME",
    "USER_ID",
    "USER_NAME",
]

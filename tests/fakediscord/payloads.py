"""Data model of the fake's world (users, guilds, channels) and Discord JSON payload builders.

The builders produce the JSON shapes Discord sends (snowflakes as strings, ISO timestamps)
with every key discord.py 2.7 reads unconditionally.
"""

from __future__ import annotations

import datetime
import itertools
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from .constants import (
    BOT_USER_ID,
    BOT_USER_NAME,
    CHANNEL_ID,
    CHANNEL_ID_2,
    DISCORD_EPOCH_MS,
    GUILD_ID,
    GUILD_ID_2,
    OTHER_USER_ID,
    OTHER_USER_NAME,
    USER_ID,
    USER_NAME,
)

JSON = dict[str, Any]

#: Permissions the fake grants: administrator (1 << 3) plus the usual text permissions.
ALL_PERMISSIONS = str((1 << 50) - 1)
#: What ``app_permissions`` says the bot may do in a channel (view, send, embed, history...).
BOT_APP_PERMISSIONS = str(
    (1 << 10) | (1 << 11) | (1 << 14) | (1 << 15) | (1 << 16) | (1 << 6) | (1 << 31) | (1 << 38)
)
ATTACHMENT_SIZE_LIMIT = 26_214_400
FIXED_JOINED_AT = "2024-01-01T00:00:00.000000+00:00"

_counter = itertools.count()
_lock = threading.Lock()


def snowflake() -> int:
    """Return a fresh, unique, time-ordered snowflake id."""
    with _lock:
        increment = next(_counter) & 0xFFF
        millis = int(time.time() * 1000) - DISCORD_EPOCH_MS
        return (millis << 22) | (1 << 17) | increment


def now_iso() -> str:
    """Return the current UTC time as an ISO-8601 string like Discord's timestamps."""
    return datetime.datetime.now(datetime.timezone.utc).isoformat()


@dataclass
class FakeUser:
    """A Discord user known to the fake."""

    id: int
    name: str
    bot: bool = False
    global_name: str | None = None

    def payload(self) -> JSON:
        """The user object as Discord sends it."""
        return user_payload(self.id, self.name, bot=self.bot, global_name=self.global_name)


@dataclass
class FakeChannel:
    """A guild channel (``type`` 0 = text)."""

    id: int
    name: str = "general"
    type: int = 0
    position: int = 0


@dataclass
class FakeGuild:
    """A guild the bot is in: its channels and members (the bot is added automatically)."""

    id: int
    name: str = "Fake Guild"
    channels: list[FakeChannel] = field(default_factory=list)
    members: list[FakeUser] = field(default_factory=list)
    owner_id: int = USER_ID

    def shard_id(self, shard_count: int) -> int:
        """The shard this guild belongs to for ``shard_count`` shards."""
        return (self.id >> 22) % max(shard_count, 1)


def default_users() -> list[FakeUser]:
    """The two human users of the default world (alice and bob)."""
    return [FakeUser(USER_ID, USER_NAME), FakeUser(OTHER_USER_ID, OTHER_USER_NAME)]


def default_guild() -> FakeGuild:
    """The default guild ``GUILD_ID`` with text channel ``CHANNEL_ID`` and alice + bob."""
    return FakeGuild(
        id=GUILD_ID,
        name="Fake Guild",
        channels=[FakeChannel(CHANNEL_ID, "general")],
        members=default_users(),
    )


def second_guild() -> FakeGuild:
    """A second guild ``GUILD_ID_2`` (other shard of 2) with channel ``CHANNEL_ID_2``."""
    return FakeGuild(
        id=GUILD_ID_2,
        name="Fake Guild Two",
        channels=[FakeChannel(CHANNEL_ID_2, "lobby")],
        members=default_users(),
    )


def user_payload(
    user_id: int, name: str, *, bot: bool = False, global_name: str | None = None
) -> JSON:
    """A Discord user object."""
    data: JSON = {
        "id": str(user_id),
        "username": name,
        "discriminator": "0",
        "global_name": global_name,
        "avatar": None,
        "public_flags": 0,
        "flags": 0,
        "banner": None,
        "accent_color": None,
        "avatar_decoration_data": None,
        "primary_guild": None,
    }
    if bot:
        data["bot"] = True
    return data


def bot_user_payload(bot_id: int = BOT_USER_ID, name: str = BOT_USER_NAME) -> JSON:
    """The bot's own user object as returned by ``GET /users/@me``."""
    data = user_payload(bot_id, name, bot=True)
    data.update(
        {
            "verified": True,
            "mfa_enabled": False,
            "email": None,
            "locale": "en-US",
            "premium_type": 0,
        }
    )
    return data


def member_payload(user: JSON, *, with_user: bool = True, permissions: str | None = None) -> JSON:
    """A guild member object (optionally without ``user``, as in MESSAGE_CREATE)."""
    data: JSON = {
        "nick": None,
        "avatar": None,
        "banner": None,
        "roles": [],
        "joined_at": FIXED_JOINED_AT,
        "premium_since": None,
        "deaf": False,
        "mute": False,
        "pending": False,
        "flags": 0,
        "communication_disabled_until": None,
    }
    if with_user:
        data["user"] = user
    if permissions is not None:
        data["permissions"] = permissions
    return data


def channel_payload(channel: FakeChannel, guild_id: int) -> JSON:
    """A guild channel object."""
    return {
        "id": str(channel.id),
        "type": channel.type,
        "guild_id": str(guild_id),
        "name": channel.name,
        "position": channel.position,
        "permission_overwrites": [],
        "parent_id": None,
        "topic": None,
        "nsfw": False,
        "rate_limit_per_user": 0,
        "last_message_id": None,
        "flags": 0,
    }


def dm_channel_payload(channel_id: int, recipient: JSON) -> JSON:
    """A DM channel object (type 1)."""
    return {
        "id": str(channel_id),
        "type": 1,
        "recipients": [recipient],
        "last_message_id": None,
        "flags": 0,
    }


def everyone_role_payload(guild_id: int) -> JSON:
    """The ``@everyone`` role of a guild (same id as the guild)."""
    return {
        "id": str(guild_id),
        "name": "@everyone",
        "color": 0,
        "colors": {"primary_color": 0, "secondary_color": None, "tertiary_color": None},
        "hoist": False,
        "icon": None,
        "unicode_emoji": None,
        "position": 0,
        "permissions": "2248473465835073",
        "managed": False,
        "mentionable": False,
        "flags": 0,
    }


def guild_create_payload(guild: FakeGuild, members: list[JSON]) -> JSON:
    """A full GUILD_CREATE payload (available guild with channels, roles and members)."""
    return {
        "id": str(guild.id),
        "name": guild.name,
        "icon": None,
        "splash": None,
        "discovery_splash": None,
        "banner": None,
        "description": None,
        "owner_id": str(guild.owner_id),
        "afk_channel_id": None,
        "afk_timeout": 300,
        "verification_level": 0,
        "default_message_notifications": 1,
        "explicit_content_filter": 0,
        "roles": [everyone_role_payload(guild.id)],
        "emojis": [],
        "stickers": [],
        "features": [],
        "mfa_level": 0,
        "application_id": None,
        "system_channel_id": None,
        "system_channel_flags": 0,
        "rules_channel_id": None,
        "public_updates_channel_id": None,
        "safety_alerts_channel_id": None,
        "vanity_url_code": None,
        "premium_tier": 0,
        "premium_subscription_count": 0,
        "preferred_locale": "en-US",
        "nsfw_level": 0,
        "nsfw": False,
        "premium_progress_bar_enabled": False,
        "max_members": 500000,
        "max_video_channel_users": 25,
        "joined_at": FIXED_JOINED_AT,
        "large": False,
        "unavailable": False,
        "member_count": len(members),
        "voice_states": [],
        "members": members,
        "channels": [channel_payload(c, guild.id) for c in guild.channels],
        "threads": [],
        "presences": [],
        "stage_instances": [],
        "guild_scheduled_events": [],
        "soundboard_sounds": [],
        "lazy": True,
        "incidents_data": None,
    }


def application_payload(app_id: int, owner: JSON, name: str = BOT_USER_NAME) -> JSON:
    """The application object returned by ``GET /applications/@me``."""
    return {
        "id": str(app_id),
        "name": name,
        "icon": None,
        "description": "A fake application for tests.",
        "summary": "",
        "type": None,
        "bot_public": True,
        "bot_require_code_grant": False,
        "verify_key": "0" * 64,
        "flags": (1 << 19) | (1 << 23),  # GATEWAY_MESSAGE_CONTENT_LIMITED, APPLICATION_COMMAND
        "owner": owner,
        "team": None,
        "rpc_origins": [],
        "tags": [],
        "redirect_uris": [],
        "interactions_endpoint_url": None,
        "role_connections_verification_url": None,
        "approximate_guild_count": 1,
        "approximate_user_install_count": 0,
        "integration_types_config": {"0": {}},
        "install_params": None,
        "custom_install_url": None,
        "terms_of_service_url": None,
        "privacy_policy_url": None,
        "bot": bot_user_payload(app_id, name),
    }

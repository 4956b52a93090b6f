"""The bot: an ``AutoShardedBot`` that receives its settings and engine, and adds the cog.

Nothing happens at import. :class:`MLGenAIBot` is constructed by the CLI (or a
test) with a :class:`~bot.settings.Settings` and an engine; ``setup_hook`` adds
the cog and the persistent buttons, and syncs commands to ``DEV_GUILD_ID`` when
that is set. Plain ``run`` never syncs globally: ``python -m bot sync`` does.
"""

from __future__ import annotations

import logging
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.discordbot.admin import MISSING_PERMISSIONS, kb_group
from bot.discordbot.cog import AskCog
from bot.discordbot.cooldown import Cooldown
from bot.discordbot.engine_api import EngineLike
from bot.discordbot.errors import notify_error, send_ephemeral
from bot.discordbot.views import DYNAMIC_ITEMS
from bot.settings import Settings

log = logging.getLogger(__name__)


def bot_intents() -> discord.Intents:
    """The gateway intents: the defaults, none of them privileged (no message content).

    Mentions of the bot, DMs and replies to the bot still carry their text.
    """
    intents = discord.Intents.default()
    intents.guild_messages = True
    intents.dm_messages = True
    intents.message_content = False
    return intents


def required_permissions() -> discord.Permissions:
    """The permissions the invite asks for: only what answering needs."""
    return discord.Permissions(
        view_channel=True,
        send_messages=True,
        send_messages_in_threads=True,
        embed_links=True,
        read_message_history=True,
    )


class BotTree(app_commands.CommandTree["MLGenAIBot"]):
    """The command tree, with one error handler for every slash command and menu."""

    async def on_error(
        self, interaction: discord.Interaction[MLGenAIBot], error: app_commands.AppCommandError, /
    ) -> None:
        """Log the real error with its traceback; tell the user briefly and ephemerally."""
        if isinstance(error, app_commands.CommandNotFound):
            log.warning("Unknown command %r: are the synced commands out of date?", error.name)
            await send_ephemeral(
                interaction,
                "I don't know that command (any more). Discord may still be updating "
                "the command list; try again in a minute.",
            )
            return
        if isinstance(error, app_commands.MissingPermissions | app_commands.NoPrivateMessage):
            await send_ephemeral(interaction, MISSING_PERMISSIONS)
            return
        command = interaction.command.qualified_name if interaction.command else "?"
        await notify_error(interaction, error, where=f"command {command!r}")


class MLGenAIBot(commands.AutoShardedBot):
    """The Discord front end of the answer engine.

    ``settings`` supplies sharding, the cooldown and the development guild;
    ``engine`` answers. The engine is called directly on the event loop: it
    answers in well under a millisecond even for a 4,000-character message, so
    every interaction is answered at once, without a deferral. (A worker thread
    with a deferral timer made ``benchmarks/discord_latency.py``'s p50 about a
    third worse, through GIL hand-offs, for a case that does not occur.)
    """

    def __init__(
        self,
        settings: Settings,
        engine: EngineLike,
        *,
        sync_dev_guild: bool = True,
    ) -> None:
        """Create the bot; nothing connects until ``login``/``start``."""
        options: dict[str, Any] = {}  # only what is set: discord.py's typed options refuse None
        if settings.application_id is not None:
            options["application_id"] = settings.application_id
        if settings.shard_ids is not None:
            options["shard_ids"] = list(settings.shard_ids)
        super().__init__(
            command_prefix=commands.when_mentioned,  # unused: there are no prefix commands
            help_command=None,
            intents=bot_intents(),
            allowed_mentions=discord.AllowedMentions.none(),
            tree_cls=BotTree,
            # Replies carry their referenced message, and buttons their custom_id:
            # nothing reads discord.py's message cache, so don't keep one.
            max_messages=None,
            shard_count=settings.shard_count,
            **options,
        )
        self.settings = settings
        self.engine = engine
        self.cooldown = Cooldown(settings.ask_cooldown_rate, settings.ask_cooldown_seconds)
        self.sync_dev_guild = sync_dev_guild

    async def setup_hook(self) -> None:
        """Add the cog and the persistent buttons; sync to the development guild if set."""
        self.add_dynamic_items(*DYNAMIC_ITEMS)
        await self.add_cog(AskCog(self))
        self.tree.add_command(kb_group(self))
        if self.sync_dev_guild and self.settings.dev_guild_id is not None:
            synced = await self.sync_commands(self.settings.dev_guild_id)
            log.info(
                "Synced %d commands to development guild %s: %s",
                len(synced),
                self.settings.dev_guild_id,
                ", ".join(c.name for c in synced),
            )

    async def sync_commands(self, guild_id: int | None = None) -> list[app_commands.AppCommand]:
        """Register the commands with Discord: globally, or (a copy) in one guild."""
        if guild_id is None:
            return await self.tree.sync()
        guild = discord.Object(id=guild_id)
        self.tree.copy_global_to(guild=guild)
        return await self.tree.sync(guild=guild)

    async def on_message(self, message: discord.Message, /) -> None:
        """Do nothing here: there are no prefix commands; the cog listens to messages."""

    async def on_ready(self) -> None:
        """Log who we are and how many guilds we see."""
        user = self.user
        log.info(
            "Connected as %s (id %s) on %d shard(s), in %d guild(s)",
            user,
            user.id if user else "?",
            len(self.shards),
            len(self.guilds),
        )

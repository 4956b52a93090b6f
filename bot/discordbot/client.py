"""The bot: an ``AutoShardedBot`` that receives its settings and engine, and adds the cog.

Nothing happens at import. :class:`MLGenAIBot` is constructed by the CLI (or a
test) with a :class:`~bot.settings.Settings` and an engine; ``setup_hook`` adds
the cog and the persistent buttons, and syncs commands to ``DEV_GUILD_ID`` when
that is set. Plain ``run`` never syncs globally: ``python -m bot sync`` does.
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot import health
from bot.discordbot.admin import MISSING_PERMISSIONS, kb_group
from bot.discordbot.cog import AskCog
from bot.discordbot.cooldown import Cooldown
from bot.discordbot.engine_api import EngineLike
from bot.discordbot.errors import notify_error, send_ephemeral
from bot.discordbot.privacy import PrivacyCog
from bot.discordbot.ratings import RatingsCog
from bot.discordbot.views import DYNAMIC_ITEMS
from bot.models import Reply
from bot.settings import Settings
from bot.store import Store

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

    async def interaction_check(self, interaction: discord.Interaction[MLGenAIBot], /) -> bool:
        """Count every command as work in flight, which a shutdown lets finish."""
        interaction.client.track()
        return True

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
        store: Store | None = None,
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
        self.store = store  # what the bot remembers (bot.store); None: nothing
        self._in_flight: set[asyncio.Task[Any]] = set()
        self._health_task: asyncio.Task[None] | None = None

    #: How long a shutdown waits for answers in flight before cancelling them.
    shutdown_grace = 5.0

    def track(self) -> None:
        """Count the running task (an answer being made) as work in flight.

        :meth:`close` lets tracked work finish, within :attr:`shutdown_grace`,
        before it closes the HTTP session the work needs to send its reply.
        """
        task = asyncio.current_task()
        if task is not None and task not in self._in_flight:
            self._in_flight.add(task)
            task.add_done_callback(self._in_flight.discard)

    @property
    def in_flight(self) -> int:
        """How many answers are being made right now."""
        return len(self._in_flight)

    async def close(self) -> None:
        """Let answers in flight finish (cancel what outlasts the grace), then disconnect."""
        if not self.is_closed():
            await self._drain()
        if self._health_task is not None:
            self._health_task.cancel()
            self._health_task = None
        try:
            await super().close()
        finally:
            if self.store is not None:
                await self.store.close()  # writes what is still queued
        self.write_health()  # disconnected: a health check now fails at once

    def remember(
        self,
        answer_id: str,
        user_id: int,
        question: str,
        reply: Reply,
        guild_id: int | None = None,
    ) -> str | None:
        """Queue the log of an answer in the store (never waits); its id if it was kept,
        so the reply gets rating buttons."""
        if self.store is None or not question:
            return None
        kept = self.store.record_answer(
            answer_id,
            user_id,
            question,
            reply,
            kb_version=self.engine.kb.source.version,
            origin="discord",
            guild_id=guild_id,
        )
        return answer_id if kept else None

    def write_health(self) -> None:
        """Write the gateway state to the health file (``python -m bot health`` reads it)."""
        shards = {shard_id: not info.is_closed() for shard_id, info in self.shards.items()}
        ready = self.is_ready() and not self.is_closed()
        try:
            health.write_status(
                self.settings.health_file, ready=ready, shards=shards, now=time.time()
            )
        except OSError as error:
            log.warning("Could not write the health file %s: %s", self.settings.health_file, error)

    async def _report_health(self) -> None:
        """Rewrite the health file every few seconds, so a stuck bot shows as stale."""
        while True:
            self.write_health()
            await asyncio.sleep(health.INTERVAL)

    async def on_shard_ready(self, shard_id: int) -> None:
        """Report the shard as connected at once."""
        self.write_health()

    async def on_shard_resumed(self, shard_id: int) -> None:
        """Report the shard as connected again at once."""
        self.write_health()

    async def on_shard_disconnect(self, shard_id: int) -> None:
        """Report the lost connection at once (discord.py keeps trying to reconnect)."""
        self.write_health()

    async def _drain(self) -> None:
        deadline = time.monotonic() + self.shutdown_grace
        current = asyncio.current_task()
        while pending := {t for t in self._in_flight if t is not current and not t.done()}:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                log.warning(
                    "Shutting down: cancelled %d answer(s) still in flight after %.0f s",
                    len(pending),
                    self.shutdown_grace,
                )
                for task in pending:
                    task.cancel()
                await asyncio.wait(pending, timeout=1.0)
                return
            log.info("Shutting down: waiting for %d answer(s) in flight", len(pending))
            await asyncio.wait(pending, timeout=remaining)

    async def setup_hook(self) -> None:
        """Add the cog and the persistent buttons; sync to the development guild if set."""
        self._health_task = asyncio.create_task(self._report_health(), name="health file")
        if self.store is not None:
            await self.store.start()
            self._share_reloads(self.store)
        self.add_dynamic_items(*DYNAMIC_ITEMS)
        await self.add_cog(AskCog(self))
        await self.add_cog(PrivacyCog(self))
        await self.add_cog(RatingsCog())
        self.tree.add_command(kb_group(self))
        if self.sync_dev_guild and self.settings.dev_guild_id is not None:
            synced = await self.sync_commands(self.settings.dev_guild_id)
            log.info(
                "Synced %d commands to development guild %s: %s",
                len(synced),
                self.settings.dev_guild_id,
                ", ".join(c.name for c in synced),
            )

    def _share_reloads(self, store: Store) -> None:
        """Announce this process's reloads in the store, and follow other processes'."""
        from bot.reload import LiveEngine, share_reloads

        if store.enabled and isinstance(self.engine, LiveEngine):
            share_reloads(self.engine, store, self.settings.kb_poll_seconds)

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
        self.write_health()

"""Every way to ask: slash commands, the "Ask the bot" menu, mentions, DMs and replies.

The cog only translates: it reads the question from Discord, asks the engine,
and hands the reply to :mod:`render` and :mod:`views`. It never composes
answers itself.
"""

from __future__ import annotations

import asyncio
import datetime
import logging
import math
import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.discordbot import render, views
from bot.discordbot.errors import NO_MENTIONS, SORRY, send_ephemeral
from bot.discordbot.pacing import Pacer
from bot.models import Reply, Source

if TYPE_CHECKING:
    from bot.discordbot.client import MLGenAIBot

log = logging.getLogger(__name__)

QUESTION_MAX_LENGTH = 500
# Discord accepts an interaction's first response for 3 seconds. An answer not
# ready after this long is deferred ("thinking...") and sent when it is.
DEFER_AFTER = 1.0
DESCRIPTION_LIMIT = 100  # Discord's limit for command and option descriptions
NO_TEXT = (
    "That message has no text I can read, so there is nothing to answer. "
    "Try `/ask` with the question instead."
)


def _describe(text: str) -> str:
    """A command or option description within Discord's 100 characters."""
    return render.choice_name(text)[:DESCRIPTION_LIMIT]


def conversation_key(channel_id: int | None, user_id: int) -> str:
    """The engine conversation for one user in one channel, thread or DM."""
    return f"discord:{channel_id}:{user_id}"


def question_from_message(content: str, bot_id: int, role_id: int | None = None) -> str:
    """The question in a message: the text without the bot's own mention(s)."""
    pattern = rf"<@!?{bot_id}>"
    if role_id is not None:
        pattern += rf"|<@&{role_id}>"
    return render.one_line(re.sub(pattern, " ", content))


def cooldown_notice(retry_after: float) -> str:
    """The friendly "slow down" text, with a live relative time to retry."""
    when = discord.utils.utcnow() + datetime.timedelta(seconds=math.ceil(retry_after))
    return (
        "You're asking a little fast. Give me a moment: you can ask again "
        f"{discord.utils.format_dt(when, 'R')}."
    )


class AskCog(commands.Cog, name="Ask"):
    """Slash commands, the message menu and the message listener."""

    def __init__(self, bot: MLGenAIBot) -> None:
        """Bind to ``bot``; the knowledge base's table rows become /compare choices."""
        self.bot = bot
        self.engine = bot.engine
        self.compare_command = self._build_compare_command()
        self.examples_command = self._build_examples_command()
        self.ask_menu = app_commands.ContextMenu(
            name="Ask the bot", callback=self.ask_about_message
        )
        # Questions are answered one at a time, in the order they came (the engine's
        # conversation memory sees one question at a time): on the event loop while
        # the engine is quick, else on a worker thread, so that the loop keeps
        # serving (heartbeats, autocomplete, deferrals) while a slow answer is made.
        self.pacer = Pacer()
        self.defer_after = DEFER_AFTER

    async def cog_load(self) -> None:
        """Add the commands built at runtime (data-driven choices, context menu)."""
        self.bot.tree.add_command(self.compare_command)
        self.bot.tree.add_command(self.examples_command)
        self.bot.tree.add_command(self.ask_menu)

    async def cog_unload(self) -> None:
        """Remove the commands added in :meth:`cog_load`."""
        self.bot.tree.remove_command(self.compare_command.name)
        self.bot.tree.remove_command(self.examples_command.name)
        self.bot.tree.remove_command(self.ask_menu.name, type=self.ask_menu.type)
        self.pacer.shutdown()

    # ---------------------------------------------------------------- commands

    @app_commands.command(name="ask", description="Ask me a question; I answer from my source")
    @app_commands.describe(
        question="Your question, e.g. What is generative AI?",
        private="Show the answer only to you (default: everyone here sees it)",
    )
    async def ask(
        self,
        interaction: discord.Interaction[MLGenAIBot],
        question: app_commands.Range[str, 1, QUESTION_MAX_LENGTH],
        private: bool = False,
    ) -> None:
        """/ask: answer a question."""
        await self.answer_question(interaction, question, ephemeral=private)

    @ask.autocomplete("question")
    async def ask_autocomplete(
        self, interaction: discord.Interaction[MLGenAIBot], current: str
    ) -> list[app_commands.Choice[str]]:
        """Suggest questions the knowledge base answers, best match first (at most 25)."""
        try:
            suggestions = self.engine.suggest(current, 25)
        except Exception:
            log.exception("Autocomplete failed for %r", current)
            return []
        choices: list[app_commands.Choice[str]] = []
        for text in suggestions:
            # The value is what gets asked: it must be the whole question (<= 100).
            if 0 < len(text) <= render.CHOICE_NAME_LIMIT:
                choices.append(app_commands.Choice(name=render.choice_name(text), value=text))
            if len(choices) == 25:
                break
        return choices

    @app_commands.command(name="topics", description="What I cover, and the source I answer from")
    async def topics(self, interaction: discord.Interaction[MLGenAIBot]) -> None:
        """/topics: scope, source article with its date, knowledge-base version (ephemeral)."""
        reply = self.engine.topics()
        await self._send(interaction, reply, title="What I can answer", ephemeral=True)

    @app_commands.command(name="help", description="How to ask me questions")
    async def help(self, interaction: discord.Interaction[MLGenAIBot]) -> None:
        """/help: how to ask (ephemeral)."""
        reply = self.engine.help()
        await self._send(interaction, reply, title="How to ask me", ephemeral=True)

    def _build_compare_command(self) -> app_commands.Command[Any, Any, None]:
        """/compare, with one choice per table row of the loaded knowledge base.

        Choices are static in Discord's eyes but data here, so the command is
        built when the cog is created rather than at import.
        """
        choices = [
            app_commands.Choice(name=render.choice_name(row.aspect), value=row.id)
            for row in self.engine.kb.table[:25]
            if len(row.id) <= 100
        ]

        async def compare(
            interaction: discord.Interaction[MLGenAIBot], aspect: str | None = None
        ) -> None:
            reply = self.engine.compare(aspect)
            await self._send(interaction, reply, ephemeral=False)

        described = app_commands.describe(aspect="One aspect only (default: the whole table)")(
            compare
        )
        if choices:
            described = app_commands.choices(aspect=choices)(described)
        return app_commands.Command(
            name="compare",
            description=_describe(f"{self.engine.kb.name}, side by side"),
            callback=described,
        )

    def _build_examples_command(self) -> app_commands.Command[Any, Any, None]:
        """/examples, with one choice per subject of the loaded knowledge base."""
        kb = self.engine.kb
        subjects = list(kb.subjects[:25])
        titles: dict[str | None, str] = {s.id: f"Examples of {s.name}" for s in subjects}
        titles[None] = f"Examples: {kb.name}"

        async def examples(
            interaction: discord.Interaction[MLGenAIBot], topic: str | None = None
        ) -> None:
            reply = self.engine.examples(topic)
            await self._send(interaction, reply, title=titles.get(topic), ephemeral=False)

        names = ", ".join(s.name for s in subjects)
        described = app_commands.describe(
            topic=_describe(f"{names}, or leave empty for all" if len(subjects) > 1 else names)
        )(examples)
        if len(subjects) > 1:
            choices = [
                app_commands.Choice(name=render.choice_name(s.name), value=s.id)
                for s in subjects
                if len(s.id) <= 100
            ]
            described = app_commands.choices(topic=choices)(described)
        return app_commands.Command(
            name="examples",
            description=_describe(f"Examples from what I know about {kb.name}"),
            callback=described,
        )

    async def ask_about_message(
        self, interaction: discord.Interaction[MLGenAIBot], message: discord.Message
    ) -> None:
        """The "Ask the bot" message menu: answer someone's message as a question.

        The conversation is the message author's, so they can reply to the
        answer with a follow-up; the cooldown is the invoker's.
        """
        bot_id = self.bot.user.id if self.bot.user else 0
        question = question_from_message(message.content, bot_id)
        if not question:
            await send_ephemeral(interaction, NO_TEXT)
            return
        own = message.author.id == interaction.user.id
        await self.answer_question(
            interaction,
            question,
            ephemeral=False,
            conversation=conversation_key(interaction.channel_id, message.author.id),
            content=render.attribution(message.author.mention, self_ask=own),
        )

    # ------------------------------------------------------- used by the buttons

    async def ask_from_button(
        self, interaction: discord.Interaction[Any], question: str, *, ephemeral: bool
    ) -> None:
        """A suggestion button: ask its question for the clicker."""
        await self.answer_question(interaction, question, ephemeral=ephemeral)

    async def show_sources(
        self, interaction: discord.Interaction[Any], refs: list[tuple[str, float]]
    ) -> None:
        """The Sources button: the passages used, with their scores, to the clicker only."""
        used = [self._cited(ref_id, score) for ref_id, score in refs]
        embed = render.sources_embed(used, self.engine.kb.source)
        await interaction.response.send_message(
            embed=embed, ephemeral=True, allowed_mentions=NO_MENTIONS
        )

    def _cited(self, ref_id: str, score: float) -> tuple[Source, str | None]:
        """A cited passage or comparison-table row, and its text, by id."""
        try:
            passage = self.engine.passage(ref_id)
        except KeyError:
            pass
        else:
            return Source(passage.id, passage.section, passage.title, score), passage.text
        for row in self.engine.kb.table:
            if row.id == ref_id:
                section = f"Comparison: {row.aspect}"
                return Source(row.id, section, row.aspect, score), render.compare_value(row)
        log.info("A Sources button names %r, which the knowledge base no longer has", ref_id)
        return Source(ref_id, ref_id, ref_id, score), None

    async def show_compare(self, interaction: discord.Interaction[Any]) -> None:
        """The Compare button: the whole table, to the clicker only."""
        reply = self.engine.compare()
        await self._send(interaction, reply, ephemeral=True)

    # ------------------------------------------------------------ the plumbing

    async def answer_question(
        self,
        interaction: discord.Interaction[Any],
        question: str,
        *,
        ephemeral: bool,
        conversation: str | None = None,
        content: str | None = None,
    ) -> None:
        """Check the cooldown, ask the engine, send the answer with its buttons."""
        verdict = self.bot.cooldown.hit(interaction.user.id)
        if not verdict.allowed:
            await send_ephemeral(interaction, cooldown_notice(verdict.retry_after))
            return
        key = conversation or conversation_key(interaction.channel_id, interaction.user.id)
        reply = await self._in_time(
            interaction, self.engine.ask, question, key, ephemeral=ephemeral
        )
        answer_id = self.bot.remember(
            str(interaction.id), interaction.user.id, question, reply, interaction.guild_id
        )
        title = question if reply.kind in ("answer", "refusal") else None
        await self._send(
            interaction,
            reply,
            title=title,
            ephemeral=ephemeral,
            content=content,
            answer_id=answer_id,
        )

    async def _in_time(
        self,
        interaction: discord.Interaction[Any],
        function: Callable[..., Reply],
        *args: Any,
        ephemeral: bool,
    ) -> Reply:
        """``function(*args)``: on the loop while the engine is quick (see
        :mod:`~bot.discordbot.pacing`) and the interaction young enough, else on the
        worker, deferred first if it is not done :data:`DEFER_AFTER` after the
        interaction was created, so that the interaction never misses Discord's
        deadline. The reply is the same either way; only how it is sent differs."""
        # Counted from the interaction's creation, so that time spent waiting on a
        # busy event loop counts too.
        age = (discord.utils.utcnow() - interaction.created_at).total_seconds()
        if age + self.pacer.limit < self.defer_after and self.pacer.quick():
            return self.pacer.inline(function, *args)
        job = asyncio.ensure_future(self.pacer.on_worker(function, *args))
        wait = min(self.defer_after, max(0.0, self.defer_after - age))
        done, _ = await asyncio.wait({job}, timeout=wait)
        if not done and not interaction.response.is_done():
            await interaction.response.defer(ephemeral=ephemeral, thinking=True)
        return await job

    async def _send(
        self,
        interaction: discord.Interaction[Any],
        reply: Reply,
        *,
        ephemeral: bool,
        title: str | None = None,
        content: str | None = None,
        answer_id: str | None = None,
    ) -> None:
        """Send a reply as an embed with its buttons, as the interaction's response."""
        kwargs: dict[str, Any] = {
            "embed": render.answer_embed(reply, self.engine.kb.source, title=title),
            "ephemeral": ephemeral,
            "allowed_mentions": NO_MENTIONS,
        }
        if content:
            kwargs["content"] = render.notice(content)
        view = views.reply_view(reply, self.engine.kb, answer_id)
        if view is not None:
            kwargs["view"] = view
        if interaction.response.is_done():  # deferred: the "thinking..." message becomes it
            del kwargs["ephemeral"]  # set by the deferral
            await interaction.edit_original_response(**kwargs)
            return
        await interaction.response.send_message(**kwargs)

    # ---------------------------------------------------------------- messages

    def _addressed(self, message: discord.Message) -> str | None:
        """How a message is meant for the bot: ``"dm"``, ``"mention"``, ``"reply"``, or None."""
        me = self.bot.user
        if me is None or message.author.bot or message.webhook_id is not None:
            return None
        if message.guild is None:
            return "dm"
        if any(user.id == me.id for user in message.mentions):
            return "mention"
        role = message.guild.self_role
        if role is not None and role in message.role_mentions:
            return "mention"
        ref = message.reference
        resolved = ref.resolved if ref is not None else None
        if isinstance(resolved, discord.Message) and resolved.author.id == me.id:
            return "reply"
        return None

    @commands.Cog.listener("on_message")
    async def on_message(self, message: discord.Message) -> None:
        """Answer mentions, DMs and replies to the bot's answers."""
        how = self._addressed(message)
        if how is None:
            return
        self.bot.track()
        try:
            await self._answer_message(message, how)
        except Exception:
            log.exception(
                "Error answering message %s in channel %s", message.id, message.channel.id
            )
            try:
                await self._reply(message, content=SORRY)
            except Exception:  # e.g. the bot is shutting down: the error is logged already
                log.warning("Could not tell the user about the error", exc_info=True)

    async def _answer_message(self, message: discord.Message, how: str) -> None:
        bot_id = self.bot.user.id if self.bot.user else 0
        role = message.guild.self_role if message.guild is not None else None
        question = question_from_message(
            message.content, bot_id, role.id if role is not None else None
        )
        if not question and how == "reply":
            # Nothing to answer: an image, or a reply whose @mention was switched
            # off, which Discord delivers to bots without message content.
            return
        verdict = self.bot.cooldown.hit(message.author.id)
        if not verdict.allowed:
            if verdict.notify:
                await self._reply(
                    message, content=render.notice(cooldown_notice(verdict.retry_after))
                )
            return
        key = conversation_key(message.channel.id, message.author.id)
        reply = (
            await self.pacer.run(self.engine.ask, question, key) if question else self.engine.help()
        )
        guild_id = message.guild.id if message.guild is not None else None
        answer_id = self.bot.remember(str(message.id), message.author.id, question, reply, guild_id)
        embed = render.answer_embed(reply, self.engine.kb.source)
        view = views.reply_view(reply, self.engine.kb, answer_id)
        await self._reply(message, embed=embed, **({"view": view} if view is not None else {}))

    @staticmethod
    async def _reply(message: discord.Message, **kwargs: Any) -> None:
        """Reply without pinging anyone; still send if the message was deleted meanwhile."""
        await message.channel.send(
            reference=message.to_reference(fail_if_not_exists=False),
            allowed_mentions=NO_MENTIONS,
            **kwargs,
        )

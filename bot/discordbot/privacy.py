"""``/privacy`` (what is stored about you, and for how long) and ``/forget-me``.

Both answer ephemerally (deferred first: the database may be slow) and work in
servers and in DMs: the store keeps one
record per user across servers, under a salted hash of the user id.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.discordbot.errors import send_ephemeral
from bot.store import StoreUnavailableError
from bot.store.store import UserData

if TYPE_CHECKING:
    from bot.discordbot.client import MLGenAIBot
    from bot.store import Store

NOTHING_STORED = (
    "I store nothing about anyone: this bot runs with question logging switched off "
    "(STORE_QUESTIONS=false). There is nothing to forget."
)


def privacy_text(store: Store, mine: UserData) -> str:
    """What ``/privacy`` says: what is kept, how, for how long, and what is kept of you."""
    who = (
        "your Discord user id"
        if store.keep_user_ids
        else "a salted hash of your user id (not the id itself)"
    )
    since = (
        f", the oldest from {discord.utils.format_dt(_utc(mine.oldest), 'D')}"
        if mine.oldest
        else ""
    )
    return (
        "**What I remember**\n"
        "When you ask me something, I keep your question, the kind of reply (answered or "
        f"declined), the passages I used and when, with {who}. When you rate an answer "
        "with 👍/👎, I keep the vote and the reason you give.\n"
        f"Everything is deleted after **{store.retention_days} days**. The administrators of "
        "the server you asked in see its declined and down-rated questions in `/kb gaps`, "
        "without who asked them.\n\n"
        f"Right now I hold **{mine.answers}** question(s) and **{mine.ratings}** rating(s) of "
        f"yours{since}. `/forget-me` deletes them all."
    )


def _utc(timestamp: float) -> datetime.datetime:
    return datetime.datetime.fromtimestamp(timestamp, datetime.timezone.utc)


class PrivacyCog(commands.Cog, name="Privacy"):
    """``/privacy`` and ``/forget-me``."""

    def __init__(self, bot: MLGenAIBot) -> None:
        """Bind to ``bot`` (its store)."""
        self.bot = bot

    @app_commands.command(name="privacy", description="What I store about you, and for how long")
    async def privacy(self, interaction: discord.Interaction[MLGenAIBot]) -> None:
        """/privacy: what is stored, for how long, and how much of it is the user's."""
        store = self.bot.store
        if store is None or not store.enabled:
            await send_ephemeral(interaction, NOTHING_STORED)
            return
        await interaction.response.defer(ephemeral=True, thinking=True)  # a slow database
        try:
            mine = await store.about_user(interaction.user.id)
        except StoreUnavailableError as exc:
            await send_ephemeral(interaction, f"I can't look that up right now: {exc}.")
            return
        await send_ephemeral(interaction, privacy_text(store, mine))

    @app_commands.command(name="forget-me", description="Delete everything I have stored about you")
    async def forget_me(self, interaction: discord.Interaction[MLGenAIBot]) -> None:
        """/forget-me: delete the user's questions and ratings; say how many rows went."""
        store = self.bot.store
        if store is None or not store.enabled:
            await send_ephemeral(interaction, NOTHING_STORED)
            return
        await interaction.response.defer(ephemeral=True, thinking=True)
        try:
            gone = await store.forget_user(interaction.user.id)
        except StoreUnavailableError as exc:
            await send_ephemeral(interaction, f"I couldn't delete anything yet: {exc}.")
            return
        await send_ephemeral(
            interaction,
            f"Done: I deleted {gone} stored row(s) about you (your questions, the passages "
            "they used, your ratings)."
            if gone
            else "I had nothing stored about you.",
        )

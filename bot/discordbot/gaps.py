"""``/kb gaps``: what members asked that the knowledge base lacks, with a CSV export.

The reply is deferred (Discord allows 3 seconds for a response, and a busy or
distant database may take longer); the report follows.

One builder for the ``/kb`` group (see :data:`bot.discordbot.admin.BUILDERS`). The
clustering and the text are the core's (:mod:`bot.store.gaps`), shared with
``python -m bot kb gaps``.
"""

from __future__ import annotations

import io
import time
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands

from bot.discordbot.errors import NO_MENTIONS, send_ephemeral
from bot.store import StoreUnavailableError
from bot.store.gaps import LOW_CONFIDENCE, PERIODS, cluster, report, to_csv
from bot.text import words

if TYPE_CHECKING:
    from bot.discordbot.client import MLGenAIBot

MESSAGE_LIMIT = 2000
PERIOD_NAMES = {"1d": "Last day", "7d": "Last 7 days", "30d": "Last 30 days", "90d": "Last 90 days"}


def _terms(bot: MLGenAIBot) -> Any:
    engine = getattr(bot.engine, "current", bot.engine)  # a LiveEngine serves through .current
    tokenizer = getattr(engine, "tokenizer", None)
    if tokenizer is not None:
        return lambda q: tokenizer.tokenize(q, correct=True)
    return lambda q: [w for w in words(q) if len(w) > 3]


def gaps_commands(bot: MLGenAIBot) -> list[app_commands.Command[Any, Any, Any]]:
    """``/kb gaps [period] [limit]``."""
    from bot.discordbot.admin import admin_only  # here: admin.py lists this builder

    @app_commands.command(
        name="gaps", description="Questions I declined, was unsure of, or got rated down for"
    )
    @app_commands.describe(
        period="How far back to look (default: the last 7 days)",
        limit="How many topics to list (default 10)",
    )
    @app_commands.choices(
        period=[app_commands.Choice(name=PERIOD_NAMES[k], value=k) for k in PERIODS]
    )
    @admin_only()
    async def gaps(
        interaction: discord.Interaction[MLGenAIBot],
        period: str = "7d",
        limit: app_commands.Range[int, 1, 25] = 10,
    ) -> None:
        store = bot.store
        if store is None or not store.enabled:
            await send_ephemeral(
                interaction, "Nothing is stored on this bot (STORE_QUESTIONS=false)."
            )
            return
        days = PERIODS.get(period, 7)
        await interaction.response.defer(ephemeral=True, thinking=True)  # a slow database
        try:
            flagged = await store.flagged(
                time.time() - days * 86_400, LOW_CONFIDENCE, guild_id=interaction.guild_id
            )
        except StoreUnavailableError as exc:
            await send_ephemeral(interaction, f"I can't read the gaps right now: {exc}.")
            return
        found = cluster(flagged, _terms(bot))
        text = report(found, days, limit, markdown=True)
        if len(text) > MESSAGE_LIMIT:
            text = text[: MESSAGE_LIMIT - 2].rsplit("\n", 1)[0] + "\n…"
        kwargs: dict[str, Any] = {}
        if found:
            data = to_csv(found).encode("utf-8")
            kwargs["file"] = discord.File(io.BytesIO(data), filename=f"gaps-{days}d.csv")
        await interaction.followup.send(
            text, ephemeral=True, allowed_mentions=NO_MENTIONS, **kwargs
        )

    return [gaps]

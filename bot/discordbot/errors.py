"""One way to report a failure: log it with the traceback, tell the user briefly.

Used by the command tree's error handler, the buttons and the message handler.
Users never see exception text, only a short apology.
"""

from __future__ import annotations

import logging
from typing import Any

import discord

log = logging.getLogger(__name__)

SORRY = "Sorry, something went wrong on my side while answering. Please try again in a moment."
NO_MENTIONS = discord.AllowedMentions.none()


def unwrap(error: BaseException) -> BaseException:
    """The exception that actually happened, through discord.py's wrappers (``.original``)."""
    seen: set[int] = set()
    while isinstance(getattr(error, "original", None), BaseException) and id(error) not in seen:
        seen.add(id(error))
        error = error.original  # type: ignore[attr-defined]
    return error


async def send_ephemeral(interaction: discord.Interaction[Any], text: str) -> None:
    """Send ``text`` to the interaction's user only, as a response or a followup."""
    if interaction.response.is_done():
        await interaction.followup.send(text, ephemeral=True, allowed_mentions=NO_MENTIONS)
    else:
        await interaction.response.send_message(text, ephemeral=True, allowed_mentions=NO_MENTIONS)


async def notify_error(
    interaction: discord.Interaction[Any], error: BaseException, *, where: str
) -> None:
    """Log ``error`` with its traceback and tell the user, ephemerally, that it failed."""
    original = unwrap(error)
    closed = getattr(getattr(interaction, "client", None), "is_closed", None)
    if closed is not None and closed():  # cancelled or cut off by a shutdown: expected
        log.info("Not answered in %s: the bot is shutting down (%r)", where, original)
        return
    log.error(
        "Error in %s (user %s, channel %s)",
        where,
        interaction.user.id if interaction.user else "?",
        interaction.channel_id,
        exc_info=original,
    )
    if interaction.type is discord.InteractionType.autocomplete:
        return  # nothing can be shown; Discord shows "loading options failed"
    try:
        await send_ephemeral(interaction, SORRY)
    except Exception:  # e.g. the interaction expired or the bot is closing; logged above
        log.warning("Could not tell the user about the error in %s", where, exc_info=True)

"""👍/👎 under answers, and the optional reason after a 👎.

The buttons are :class:`discord.ui.DynamicItem` s whose ``custom_id`` carries the
answer id and the vote (``mlgenai:rate:<answer id>:up|down``), so they work after
a restart and in any shard process: the vote goes to the shared store, one per
user per answer (a second click replaces the first). A 👎 opens a modal asking
why (optional); a 👍 and the modal's submit get an ephemeral thank-you.

The modal's submit is handled by its ``custom_id`` too (``mlgenai:reason:<answer
id>``), by :class:`RatingsCog`'s listener on every interaction, not by the modal
object that discord.py keeps in the memory of the process that showed it: so
the reason is stored whichever process receives the submit, after a restart as
well.
"""

from __future__ import annotations

import logging
import re
from typing import TYPE_CHECKING, Any

import discord
from discord.ext import commands

from bot.discordbot.errors import NO_MENTIONS, notify_error, send_ephemeral

if TYPE_CHECKING:
    from bot.store import Store

log = logging.getLogger(__name__)

RATE_PREFIX = "mlgenai:rate:"
REASON_PREFIX = "mlgenai:reason:"
REASON_FIELD = "mlgenai:reason-text"
REASON_MAX = 400
THANKS_UP = "Thanks! Glad it helped. 👍"
THANKS_DOWN = "Thanks for telling me. The admins see answers rated down, to improve what I know."
RATINGS_OFF = "Ratings are switched off on this bot."
_ANSWER_ID = r"[A-Za-z0-9]{1,40}"
# Parsed once: every answer carries both buttons, and discord.py would parse the
# emoji string again for each.
_EMOJI = {"up": discord.PartialEmoji(name="👍"), "down": discord.PartialEmoji(name="👎")}


def rate_custom_id(answer_id: str, vote: str) -> str:
    """The custom_id of a rating button (``vote``: ``up`` or ``down``)."""
    return f"{RATE_PREFIX}{answer_id}:{vote}"


def _store_of(interaction: discord.Interaction[Any]) -> Store | None:
    store: Store | None = getattr(interaction.client, "store", None)
    return store if store is not None and store.enabled else None


class RateButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=rf"mlgenai:rate:(?P<answer_id>{_ANSWER_ID}):(?P<vote>up|down)",
):
    """One of the two rating buttons of an answer."""

    def __init__(self, answer_id: str, vote: str) -> None:
        """The 👍 (``vote="up"``) or 👎 (``"down"``) button of answer ``answer_id``."""
        self.answer_id = answer_id
        self.vote = vote
        super().__init__(
            discord.ui.Button(
                style=discord.ButtonStyle.secondary,
                emoji=_EMOJI[vote],
                custom_id=rate_custom_id(answer_id, vote),
            )
        )

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction[Any],
        item: discord.ui.Item[Any],
        match: re.Match[str],
        /,
    ) -> RateButton:
        """Rebuild a clicked button from its custom_id."""
        return cls(match["answer_id"], match["vote"])

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        """Store the vote; thank for a 👍, ask why (optionally) after a 👎."""
        try:
            store = _store_of(interaction)
            if store is None:
                await send_ephemeral(interaction, RATINGS_OFF)
                return
            if self.vote == "up":
                store.rate(self.answer_id, interaction.user.id, 1)
                await interaction.response.send_message(
                    THANKS_UP, ephemeral=True, allowed_mentions=NO_MENTIONS
                )
                return
            store.rate(self.answer_id, interaction.user.id, -1)
            modal = ReasonModal(self.answer_id)
            await interaction.response.send_modal(modal)
            # Out of this process's memory: RatingsCog handles the submit by its
            # custom_id, here or in whichever process receives it.
            modal.stop()
        except Exception as error:
            await notify_error(interaction, error, where=f"button {self.custom_id!r}")


class ReasonModal(discord.ui.Modal):
    """ "What was wrong?" after a 👎; the vote is stored already, the reason is optional.

    Only shown: its submit is handled by :class:`RatingsCog`, by ``custom_id``.
    """

    reason: discord.ui.TextInput[ReasonModal] = discord.ui.TextInput(
        label="What was wrong or missing? (optional)",
        style=discord.TextStyle.paragraph,
        custom_id=REASON_FIELD,
        required=False,
        max_length=REASON_MAX,
        placeholder="e.g. It didn't answer my question; the source says otherwise...",
    )

    def __init__(self, answer_id: str) -> None:
        """The modal for answer ``answer_id``."""
        super().__init__(title="Thanks for the feedback", custom_id=reason_custom_id(answer_id))
        self.answer_id = answer_id


def reason_custom_id(answer_id: str) -> str:
    """The custom_id of the reason modal of answer ``answer_id``."""
    return f"{REASON_PREFIX}{answer_id}"


_REASON_ID = re.compile(rf"{re.escape(REASON_PREFIX)}(?P<answer_id>{_ANSWER_ID})")


def submitted_reason(components: Any) -> str:
    """The text typed into the reason field of a submitted modal (``""`` if none).

    Walks the submitted components: action rows (``components``) and labels
    (``component``) around the text input.
    """
    stack = list(components) if isinstance(components, list) else []
    while stack:
        part = stack.pop(0)
        if not isinstance(part, dict):
            continue
        if part.get("custom_id") == REASON_FIELD and isinstance(part.get("value"), str):
            return str(part["value"])
        stack.extend(part.get("components") or [])
        if isinstance(part.get("component"), dict):
            stack.append(part["component"])
    return ""


class RatingsCog(commands.Cog, name="Ratings"):
    """Stores the reason after a 👎, from the modal's submit, in any process."""

    @commands.Cog.listener("on_interaction")
    async def on_reason_submit(self, interaction: discord.Interaction[Any]) -> None:
        """A submit of a reason modal: store the 👎 again with its reason; thank the user."""
        if interaction.type is not discord.InteractionType.modal_submit:
            return
        data: Any = interaction.data or {}
        match = _REASON_ID.fullmatch(str(data.get("custom_id", "")))
        if match is None:
            return
        track = getattr(interaction.client, "track", None)
        if track is not None:  # work in flight, which a shutdown lets finish
            track()
        try:
            store = _store_of(interaction)
            if store is not None:
                reason = submitted_reason(data.get("components"))[:REASON_MAX]
                store.rate(match["answer_id"], interaction.user.id, -1, reason)
            await interaction.response.send_message(
                THANKS_DOWN, ephemeral=True, allowed_mentions=NO_MENTIONS
            )
        except Exception as error:
            await notify_error(interaction, error, where="the reason modal")


def rating_buttons(answer_id: str) -> list[RateButton]:
    """👍 and 👎 for one answer (none when the id cannot go into a custom_id)."""
    if not re.fullmatch(_ANSWER_ID, answer_id):
        return []
    return [RateButton(answer_id, "up"), RateButton(answer_id, "down")]

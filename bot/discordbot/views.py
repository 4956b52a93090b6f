"""Buttons under the bot's answers, with state kept in their ``custom_id``.

Every button is a :class:`discord.ui.DynamicItem`: the ``custom_id`` carries all
the button needs (passage ids and scores, or a question), so
buttons keep working after a restart and no view is held in memory. The
callbacks only parse the id and hand over to the cog.

custom_id formats (all at most 100 characters):

- ``mlgenai:sources:<id>@<score>,<id>@<score>`` shows the passages used (ephemeral);
- ``mlgenai:compare`` shows the comparison table (ephemeral);
- ``mlgenai:ask:<question>`` asks one of the suggested questions;
- ``mlgenai:rate:<answer id>:up|down`` rates an answer (:mod:`bot.discordbot.ratings`).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

import discord

from bot.discordbot import render
from bot.discordbot.engine_api import KnowledgeLike
from bot.discordbot.errors import notify_error
from bot.discordbot.ratings import RateButton, rating_buttons
from bot.models import Reply, Source

if TYPE_CHECKING:
    from bot.discordbot.cog import AskCog

log = logging.getLogger(__name__)

CUSTOM_ID_LIMIT = 100
PREFIX = "mlgenai"
SOURCES_PREFIX = f"{PREFIX}:sources:"
COMPARE_ID = f"{PREFIX}:compare"
ASK_PREFIX = f"{PREFIX}:ask:"
MAX_SUGGESTIONS = 5  # one row of buttons

_REF_ID = re.compile(r"[A-Za-z0-9_.-]+")


def sources_refs(sources: tuple[Source, ...]) -> str | None:
    """Encode passage ids and scores as ``<id>@<score>,...``, best first, as many as fit."""
    refs: list[str] = []
    for source in sources:
        if not _REF_ID.fullmatch(source.passage_id):
            log.debug("passage id %r cannot go into a custom_id", source.passage_id)
            continue
        ref = f"{source.passage_id}@{source.score:.2f}"
        if len(SOURCES_PREFIX) + len(",".join([*refs, ref])) > CUSTOM_ID_LIMIT:
            break
        refs.append(ref)
    return ",".join(refs) if refs else None


def parse_sources(refs: str) -> list[tuple[str, float]]:
    """Decode the ``<id>@<score>,...`` part of a sources custom_id; bad entries are skipped."""
    parsed: list[tuple[str, float]] = []
    for ref in refs.split(","):
        passage_id, _, score = ref.partition("@")
        try:
            parsed.append((passage_id, float(score)))
        except ValueError:
            continue
    return parsed


def ask_custom_id(question: str) -> str | None:
    """The custom_id of a suggestion button, or None if the question is too long to carry."""
    custom_id = ASK_PREFIX + question
    return custom_id if len(custom_id) <= CUSTOM_ID_LIMIT else None


def _cog(interaction: discord.Interaction[Any]) -> AskCog:
    """The bot's Ask cog, which answers the clicks."""
    from bot.discordbot.cog import AskCog  # here: cog.py imports this module

    get_cog = getattr(interaction.client, "get_cog", None)
    cog = get_cog(AskCog.__cog_name__) if get_cog is not None else None
    if not isinstance(cog, AskCog):
        raise RuntimeError("the Ask cog is not loaded")
    return cog


_ButtonT = TypeVar("_ButtonT", bound="_Button")


class _Button(discord.ui.DynamicItem[discord.ui.Button[Any]], template=r"mlgenai:_base"):
    """Shared plumbing: build the button, and report callback errors to the user."""

    def __init__(
        self,
        custom_id: str,
        label: str,
        style: discord.ButtonStyle = discord.ButtonStyle.secondary,
        emoji: str | None = None,
    ) -> None:
        super().__init__(
            discord.ui.Button(
                label=render.button_label(label), style=style, custom_id=custom_id, emoji=emoji
            )
        )

    @classmethod
    async def from_custom_id(
        cls: type[_ButtonT],
        interaction: discord.Interaction[Any],
        item: discord.ui.Item[Any],
        match: re.Match[str],
        /,
    ) -> _ButtonT:
        """Rebuild a clicked button: the template's groups are the constructor's arguments."""
        factory: Callable[..., _ButtonT] = cls
        return factory(*match.groups())

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        """Run :meth:`handle`, telling the user briefly (and logging) if it fails."""
        track = getattr(interaction.client, "track", None)
        if track is not None:  # work in flight, which a shutdown lets finish
            track()
        try:
            await self.handle(interaction, _cog(interaction))
        except Exception as error:  # one reporting path for every button
            await notify_error(interaction, error, where=f"button {self.custom_id!r}")

    async def handle(self, interaction: discord.Interaction[Any], cog: AskCog) -> None:
        """Answer the click; subclasses implement it."""
        raise NotImplementedError


class SourcesButton(_Button, template=r"mlgenai:sources:(?P<refs>[A-Za-z0-9_.@,+-]+)"):
    """Shows the passages an answer used, with their scores, to the clicker only."""

    def __init__(self, refs: str) -> None:
        """Make the button for an encoded ``<id>@<score>,...`` list."""
        self.refs = refs
        super().__init__(SOURCES_PREFIX + refs, "Sources", emoji="📚")

    async def handle(self, interaction: discord.Interaction[Any], cog: AskCog) -> None:
        """Send the sources embed ephemerally."""
        await cog.show_sources(interaction, parse_sources(self.refs))


class CompareButton(_Button, template=r"mlgenai:compare"):
    """Shows the whole comparison table to the clicker only."""

    def __init__(self, label: str = "Compare") -> None:
        """Make the button with ``label``."""
        super().__init__(COMPARE_ID, label, emoji="⚖️")

    async def handle(self, interaction: discord.Interaction[Any], cog: AskCog) -> None:
        """Send the comparison ephemerally."""
        await cog.show_compare(interaction)


class AskButton(_Button, template=r"mlgenai:ask:(?P<question>.+)"):
    """A suggested question; clicking it asks it."""

    def __init__(self, question: str) -> None:
        """Make the button for ``question`` (which must fit in the custom_id)."""
        self.question = question
        custom_id = ask_custom_id(question)
        if custom_id is None:
            raise ValueError("question too long for a custom_id")
        super().__init__(custom_id, question, style=discord.ButtonStyle.primary)

    async def handle(self, interaction: discord.Interaction[Any], cog: AskCog) -> None:
        """Answer the question, visible like the message the button is on."""
        ephemeral = bool(interaction.message and interaction.message.flags.ephemeral)
        await cog.ask_from_button(interaction, self.question, ephemeral=ephemeral)


DYNAMIC_ITEMS: tuple[type[discord.ui.DynamicItem[Any]], ...] = (
    SourcesButton,
    CompareButton,
    AskButton,
    RateButton,
)


# The general passages' ids of each knowledge base, found once: reading every
# passage for every answer cost milliseconds on the event loop at 100,000 passages.
_GENERAL: dict[int, tuple[KnowledgeLike, frozenset[str]]] = {}


def _general_ids(kb: KnowledgeLike) -> frozenset[str]:
    """The ids of ``kb``'s passages about no one subject."""
    known = _GENERAL.get(id(kb))
    if known is None or known[0] is not kb:
        if len(_GENERAL) >= 16:  # a bot has one knowledge base; tests make many
            _GENERAL.clear()
        known = _GENERAL[id(kb)] = (kb, frozenset(p.id for p in kb.passages if not p.subject))
    return known[1]


def compare_label(reply: Reply, kb: KnowledgeLike) -> str | None:
    """The label of the Compare button for this reply, or None when it gets none.

    An answer that touches the table (the engine attached rows to it) or draws
    on a general passage (one about no single subject) offers the
    comparison; a one-row comparison offers the full table; the full table
    offers nothing more.
    """
    if reply.kind == "compare":
        # One row, or the passage that says the difference: the whole table is more.
        return "Full comparison" if len(reply.rows) == 1 or (kb.table and not reply.rows) else None
    if reply.kind != "answer":
        return None
    if reply.rows:
        return "Compare"
    if kb.table and any(s.passage_id in _general_ids(kb) for s in reply.sources):
        return "Compare"
    return None


def reply_view(
    reply: Reply, kb: KnowledgeLike, answer_id: str | None = None
) -> discord.ui.View | None:
    """The buttons for a reply: suggestions for a refusal, Sources/Compare for an answer,
    and 👍/👎 for an answer or comparison the store recorded as ``answer_id``."""
    items: list[discord.ui.Item[Any]] = []
    for question in reply.suggestions[:MAX_SUGGESTIONS]:
        if ask_custom_id(question) is not None:
            items.append(AskButton(question))
    # A comparison shows its rows already; only answers get a Sources button.
    refs = sources_refs(reply.sources) if reply.kind == "answer" else None
    if refs is not None:
        items.append(SourcesButton(refs))
    label = compare_label(reply, kb)
    if label is not None:
        items.append(CompareButton(label))
    if answer_id is not None and reply.kind in ("answer", "compare"):
        items.extend(rating_buttons(answer_id))
    if not items:
        return None
    view = discord.ui.View(timeout=None)
    for item in items:
        view.add_item(item)
    return view


__all__ = [
    "DYNAMIC_ITEMS",
    "AskButton",
    "CompareButton",
    "SourcesButton",
    "compare_label",
    "reply_view",
]

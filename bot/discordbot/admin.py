"""``/kb``: the administrators' commands, one group that feature modules add to.

Discord hides the group from members without *Manage Server* (its
``default_permissions``); a server can change that in its integration settings,
so every command also checks the permission itself (:func:`admin_only`).

Each feature contributes its subcommands through a builder listed in
:data:`BUILDERS` (a function of the bot that returns commands), so the group is
assembled in one place and the features stay in their own modules.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands

from bot.discordbot.errors import NO_MENTIONS

if TYPE_CHECKING:
    from bot.discordbot.client import MLGenAIBot

AdminCommand = app_commands.Command[Any, Any, Any]
ADMIN_PERMISSIONS = discord.Permissions(manage_guild=True)
MISSING_PERMISSIONS = (
    "You're missing permissions for this: the /kb commands need the Manage Server permission."
)


def admin_only() -> Callable[[Any], Any]:
    """The local check behind ``default_permissions``: *Manage Server* in this server."""
    return app_commands.checks.has_permissions(manage_guild=True)


def knowledge_summary(bot: MLGenAIBot) -> str:
    """What ``/kb info`` shows: which knowledge base is being served, and its size."""
    kb = bot.engine.kb
    source = kb.source
    return (
        f"**{kb.name}**, knowledge base version `{source.version}`\n"
        f"Source: “{source.title}” ({source.date})\n"
        f"{len(kb.passages)} passages, {len(kb.table)} comparison rows, "
        f"{len(kb.subjects)} subject(s)"
    )


def info_commands(bot: MLGenAIBot) -> list[AdminCommand]:
    """``/kb info``."""

    @app_commands.command(name="info", description="Which knowledge base I answer from")
    @admin_only()
    async def info(interaction: discord.Interaction[MLGenAIBot]) -> None:
        await interaction.response.send_message(
            knowledge_summary(bot), ephemeral=True, allowed_mentions=NO_MENTIONS
        )

    return [info]


def reload_commands(bot: MLGenAIBot) -> list[AdminCommand]:
    """``/kb reload``: load the knowledge folder again; a broken edit keeps the old one."""

    @app_commands.command(name="reload", description="Load the knowledge base again after an edit")
    @admin_only()
    async def reload(interaction: discord.Interaction[MLGenAIBot]) -> None:
        from bot.reload import LiveEngine, ReloadError, reload_async

        live = bot.engine
        if not isinstance(live, LiveEngine):
            await interaction.response.send_message(
                "This bot's knowledge base was not loaded from a folder, so it cannot be reloaded.",
                ephemeral=True,
            )
            return
        await interaction.response.defer(ephemeral=True, thinking=True)
        try:
            done = await reload_async(live)
        except ReloadError as exc:
            problems = str(exc).splitlines()
            shown = "\n".join(f"• {p[:300]}" for p in problems[:5])
            more = f"\n… and {len(problems) - 5} more" if len(problems) > 5 else ""
            text = (
                f"Not reloaded: still answering from version `{live.kb.source.version}`. "
                f"Fix this and try again (`python -m bot kb check` lists every problem):\n"
                f"{shown}{more}"
            )
        else:
            text = f"Reloaded: {done.change()}."
        await interaction.followup.send(text[:2000], ephemeral=True, allowed_mentions=NO_MENTIONS)

    return [reload]


BUILDERS: tuple[Callable[[MLGenAIBot], list[AdminCommand]], ...] = (
    info_commands,
    reload_commands,
)


def kb_group(bot: MLGenAIBot) -> app_commands.Group:
    """The ``/kb`` group with every feature's subcommands, for servers only."""
    group = app_commands.Group(
        name="kb",
        description="Manage the knowledge base (administrators)",
        default_permissions=ADMIN_PERMISSIONS,
        guild_only=True,
    )
    for build in BUILDERS:
        for command in build(bot):
            group.add_command(command)
    return group

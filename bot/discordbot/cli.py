"""The ``run``, ``sync`` and ``invite`` subcommands of ``python -m bot``.

``bot/__main__.py`` calls :func:`add_subcommands`. This module does not import
``discord`` at import time (the console mode never loads discord.py): the
handlers import it when they run. Each handler returns the exit status:
0 on success, 2 for a configuration problem (settings, token, knowledge base,
a gateway close that retrying cannot fix), 1 when Discord cannot be reached.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import os
import re
import signal
from collections.abc import Coroutine, Iterable, Iterator
from typing import TYPE_CHECKING, Any, TextIO

from bot.settings import Settings, SettingsError

if TYPE_CHECKING:
    from bot.discordbot.client import MLGenAIBot
    from bot.discordbot.engine_api import EngineLike

log = logging.getLogger(__name__)

EXIT_OK = 0
EXIT_UNREACHABLE = 1
EXIT_CONFIG = 2
EXIT_UNHEALTHY = 1
REDACTED = "[redacted token]"
#: Gateway close codes that retrying cannot fix, as the one-line error for each.
FATAL_CLOSES = {
    4004: "Discord's gateway rejected DISCORD_TOKEN (close code 4004, authentication "
    "failed). Reset the token in the developer portal (Bot tab) and update .env",
    4010: "Discord refused a shard id (close code 4010): check SHARD_IDS against SHARD_COUNT",
    4011: "Discord requires sharding for this many servers (close code 4011): set "
    "SHARD_COUNT, or leave it unset so discord.py chooses",
    4012: "Discord refused the gateway API version (close code 4012): upgrade discord.py",
    4013: "Discord refused the gateway intents (close code 4013): upgrade the bot",
}
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


def add_subcommands(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register ``run``, ``sync [--guild ID]`` and ``invite``, each with a ``handler``."""
    run = subparsers.add_parser(
        "run",
        help="connect to Discord and answer (stop with Ctrl-C or SIGTERM)",
        description="Connect to Discord's gateway and answer questions. Does not sync commands.",
    )
    run.add_argument(
        "--watch",
        action="store_true",
        help="reload the knowledge base whenever a file in its folder changes",
    )
    run.set_defaults(handler=run_command)
    sync = subparsers.add_parser(
        "sync",
        help="register the slash commands with Discord",
        description="Log in over HTTP (no gateway) and register the slash commands and menu.",
    )
    sync.add_argument(
        "--guild",
        type=int,
        metavar="ID",
        help="register a copy in this server only (shows up at once; for development)",
    )
    sync.set_defaults(handler=sync_command)
    invite = subparsers.add_parser(
        "invite",
        help="print the URL that adds the bot to a server",
        description="Print the OAuth2 URL: scopes bot + applications.commands, few permissions.",
    )
    invite.set_defaults(handler=invite_command)
    health = subparsers.add_parser(
        "health",
        help="exit 0 if the running bot is connected to Discord (a container health check)",
        description="Read the health file the running bot writes (HEALTH_FILE) and say "
        "whether it is connected to the gateway: exit 0 if so, 1 if not.",
    )
    health.set_defaults(handler=health_command)


# ------------------------------------------------------------------ handlers


def run_command(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """``python -m bot run``: connect and answer until SIGINT/SIGTERM."""
    loaded = _load(err)
    if loaded is None:
        return EXIT_CONFIG
    settings, token, engine = loaded
    from bot.discordbot.client import MLGenAIBot
    from bot.discordbot.collector import pace_for_serving
    from bot.store import open_store

    pace_for_serving()
    with redacted_logging(token, settings.log_level, err):
        bot = MLGenAIBot(settings, engine, store=open_store(settings))
        return _run_reporting(run_bot(bot, token, watch=args.watch), token, err)


def sync_command(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """``python -m bot sync [--guild ID]``: register the commands over HTTP only."""
    loaded = _load(err)
    if loaded is None:
        return EXIT_CONFIG
    settings, token, engine = loaded
    guild_id: int | None = args.guild
    if guild_id is not None and guild_id <= 0:
        print("error: --guild must be a server id (digits only)", file=err)
        return EXIT_CONFIG
    from bot.discordbot.client import MLGenAIBot

    with redacted_logging(token, settings.log_level, err):
        bot = MLGenAIBot(settings, engine, sync_dev_guild=False)
        return _run_reporting(sync_bot(bot, token, guild_id, out), token, err)


def invite_command(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """``python -m bot invite``: print the OAuth2 URL that adds the bot to a server."""
    try:
        settings = Settings.from_env()
        application_id = settings.require_application_id()
    except SettingsError as error:
        print(f"error: {error}", file=err)
        return EXIT_CONFIG
    print(invite_url(application_id), file=out)
    return EXIT_OK


def health_command(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """``python -m bot health``: 0 when the running bot reports itself connected, else 1."""
    from bot import health

    try:
        settings = Settings.from_env()
    except SettingsError as error:
        print(f"error: {error}", file=err)
        return EXIT_CONFIG
    verdict = health.check(settings.health_file)
    print(verdict.message, file=out if verdict.healthy else err)
    return EXIT_OK if verdict.healthy else EXIT_UNHEALTHY


# ------------------------------------------------------------------ building blocks


def invite_url(application_id: int) -> str:
    """The invite URL: scopes ``bot`` and ``applications.commands``, minimal permissions."""
    import discord

    from bot.discordbot.client import required_permissions

    return discord.utils.oauth_url(
        application_id,
        permissions=required_permissions(),
        scopes=("bot", "applications.commands"),
    )


async def run_bot(
    bot: MLGenAIBot,
    token: str,
    *,
    signals: Iterable[signal.Signals] = STOP_SIGNALS,
    watch: bool = False,
) -> int:
    """Run ``bot`` until it is closed; SIGINT/SIGTERM close the gateway cleanly, SIGHUP
    reloads the knowledge base (and, with ``watch``, so does any change to its folder).

    Returns 0 after a clean shutdown. The signal handlers are removed again
    when the bot stops, so this can be called in a test's event loop.
    """
    from bot.reload import LiveEngine

    loop = asyncio.get_running_loop()
    installed: list[signal.Signals] = []
    closing: set[asyncio.Task[None]] = set()
    live = bot.engine if isinstance(bot.engine, LiveEngine) else None
    background: list[asyncio.Task[Any]] = []
    if live is not None:
        installed += _install_reload(loop, live, closing)
        if watch:
            from bot.reload import watch as watch_folder

            background.append(asyncio.ensure_future(watch_folder(live)))

    def request_close(sig: signal.Signals) -> None:
        log.info("Received %s: closing the gateway connection", sig.name)
        task = asyncio.ensure_future(bot.close())
        closing.add(task)
        task.add_done_callback(closing.discard)

    for sig in signals:
        try:
            loop.add_signal_handler(sig, request_close, sig)
        except (NotImplementedError, RuntimeError, ValueError):  # Windows, or not the main thread
            continue
        installed.append(sig)
    try:
        async with bot:
            await bot.start(token)
        if closing:
            await asyncio.gather(*closing)
    finally:
        for sig in installed:
            loop.remove_signal_handler(sig)
        for task in background:
            task.cancel()
    log.info("Disconnected cleanly")
    return EXIT_OK


def _install_reload(
    loop: asyncio.AbstractEventLoop, live: Any, tasks: set[asyncio.Task[Any]]
) -> list[signal.Signals]:
    """SIGHUP reloads the knowledge base (where the platform has SIGHUP)."""
    from bot.reload import ReloadError, reload_async

    hup = getattr(signal, "SIGHUP", None)
    if hup is None:
        return []

    async def reload() -> None:
        with contextlib.suppress(ReloadError):  # logged; the old knowledge base serves on
            await reload_async(live)

    def request_reload() -> None:
        log.info("Received SIGHUP: reloading the knowledge base")
        task = asyncio.ensure_future(reload())
        tasks.add(task)
        task.add_done_callback(tasks.discard)

    try:
        loop.add_signal_handler(hup, request_reload)
    except (NotImplementedError, RuntimeError, ValueError):
        return []
    return [hup]


async def sync_bot(bot: MLGenAIBot, token: str, guild_id: int | None, out: TextIO) -> int:
    """Log in over HTTP only (no gateway), sync the commands, print what was synced."""
    async with bot:
        await bot.login(token)
        synced = await bot.sync_commands(guild_id)
    names = ", ".join(_command_label(c) for c in synced)
    where = f"to server {guild_id}" if guild_id is not None else "globally"
    print(f"Synced {len(synced)} command(s) {where}: {names}", file=out)
    if guild_id is not None:
        print(
            "Guild commands show up at once; remove them again with a sync of no commands "
            "or by kicking the bot.",
            file=out,
        )
    return EXIT_OK


def _command_label(command: Any) -> str:
    import discord

    if command.type is discord.AppCommandType.chat_input:
        return f"/{command.name}"
    return f"{command.name!r} ({command.type.name} menu)"


def _load(err: TextIO) -> tuple[Settings, str, EngineLike] | None:
    """Settings, token and engine, or None after printing a one-line error."""
    from bot.knowledge import KnowledgeError

    try:
        settings = Settings.from_env()
        token = settings.require_token()
    except SettingsError as error:
        print(f"error: {error}", file=err)
        return None
    try:
        from bot.reload import LiveEngine

        engine = LiveEngine.load(settings.knowledge_path)
    except KnowledgeError as error:
        print(f"error: knowledge base: {error}", file=err)
        return None
    return settings, token, engine


def _run_reporting(main: Coroutine[Any, Any, int], token: str, err: TextIO) -> int:
    """Run the coroutine ``main``; turn the expected failures into one-line errors."""
    import aiohttp
    import discord

    try:
        result = asyncio.run(main)
    except discord.LoginFailure:
        print(
            "error: Discord rejected DISCORD_TOKEN (401 Unauthorized). Reset the token in the "
            "developer portal (Bot tab) and update .env",
            file=err,
        )
        return EXIT_CONFIG
    except discord.PrivilegedIntentsRequired:
        print("error: Discord refused a privileged intent; this bot needs none", file=err)
        return EXIT_CONFIG
    except discord.HTTPException as error:
        print(redact(f"error: Discord answered {error.status}: {error.text}", token), file=err)
        return EXIT_UNREACHABLE
    except discord.ConnectionClosed as error:
        if error.code not in FATAL_CLOSES:
            print(redact(f"error: cannot reach Discord: {error}", token), file=err)
            return EXIT_UNREACHABLE
        print(f"error: {FATAL_CLOSES[error.code]}", file=err)
        return EXIT_CONFIG
    except (
        discord.GatewayNotFound,
        aiohttp.ClientError,
        OSError,
    ) as error:
        print(redact(f"error: cannot reach Discord: {error}", token), file=err)
        return EXIT_UNREACHABLE
    except KeyboardInterrupt:
        return EXIT_OK
    return result


#: Other secrets in discord.py's debug lines: interaction and webhook tokens in URLs
#: (``/interactions/{id}/{token}/callback``, ``/webhooks/{app}/{token}/...``) and
#: ``token`` fields of logged payloads.
SECRET_PATTERNS = (
    re.compile(r"(/(?:interactions|webhooks)/\d+/)[A-Za-z0-9_.\-]+"),
    re.compile(r"""(["']token["']\s*:\s*["'])[^"']+"""),
)


def redact(text: str, token: str) -> str:
    """``text`` without ``token`` and without any interaction or webhook token."""
    if token:
        text = text.replace(token, REDACTED)
    for pattern in SECRET_PATTERNS:
        text = pattern.sub(rf"\1{REDACTED}", text)
    return text


class RedactTokenFilter(logging.Filter):
    """A logging filter that removes tokens from messages and tracebacks, at every level."""

    def __init__(self, token: str) -> None:
        """Redact ``token`` from every record passing the handler it is attached to."""
        super().__init__()
        self.token = token

    def filter(self, record: logging.LogRecord) -> bool:
        """Rewrite the record without the token; never drops a record."""
        message = record.getMessage()
        cleaned = redact(message, self.token)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text, self.token)
        return True


PLAIN_LOG_FORMAT = "[{asctime}] [{levelname:<8}] {name}: {message}"


def log_formatter(stream: TextIO) -> logging.Formatter | None:
    """Plain log lines unless ``stream`` is a terminal and ``NO_COLOR`` is unset.

    ``None`` lets discord.py colour its lines; it would also colour them inside
    a container with no terminal, filling log collectors with escape codes.
    """
    isatty = getattr(stream, "isatty", None)
    if isatty is not None and isatty() and not os.environ.get("NO_COLOR"):
        return None
    return logging.Formatter(PLAIN_LOG_FORMAT, "%Y-%m-%d %H:%M:%S", style="{")


def _not_about_voice(record: logging.LogRecord) -> bool:
    return "voice will NOT be supported" not in record.getMessage()


@contextlib.contextmanager
def redacted_logging(token: str, level: str, err: TextIO) -> Iterator[None]:
    """Configure logging for a command (unless already configured), redacting the token.

    Logs go to ``err``. The filter sits on every root handler (filters on a
    logger would miss records propagated from discord.py's loggers) and is
    removed again on exit.
    """
    import discord

    token_filter = RedactTokenFilter(token)
    root = logging.getLogger()
    previous_level = root.level
    added: logging.Handler | None = None
    if not root.handlers:
        added = logging.StreamHandler(err)
        formatter = log_formatter(err)
        if formatter is None:  # a terminal: discord.py's coloured lines
            discord.utils.setup_logging(handler=added, level=logging.getLevelName(level))
        else:
            discord.utils.setup_logging(
                handler=added, formatter=formatter, level=logging.getLevelName(level)
            )
    else:
        root.setLevel(level)
    handlers = list(root.handlers)
    for handler in handlers:
        handler.addFilter(token_filter)
    # A text-only bot never uses voice: discord.py's start-up warnings about
    # missing voice libraries (PyNaCl, davey) would only alarm self-hosters.
    client_log = logging.getLogger("discord.client")
    client_log.addFilter(_not_about_voice)
    try:
        yield
    finally:
        client_log.removeFilter(_not_about_voice)
        for handler in handlers:
            handler.removeFilter(token_filter)
        if added is not None:
            root.removeHandler(added)
        root.setLevel(previous_level)

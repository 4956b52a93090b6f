"""``python -m bot``: the console mode and the Discord bot's commands.

``main(argv, stdin, stdout, stderr) -> int`` is the one entry point; the
console script ``mlgenai-bot`` calls it through :func:`run_main`.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from importlib import metadata
from typing import TextIO

from bot import __version__, cli
from bot.discordbot import cli as discord_cli


def version_line() -> str:
    """The package's version, with discord.py's and Python's (what a bug report needs)."""
    try:
        discord_version = metadata.version("discord.py")
    except metadata.PackageNotFoundError:
        discord_version = "not installed"
    python = ".".join(str(n) for n in sys.version_info[:3])
    return f"mlgenai-bot {__version__} (discord.py {discord_version}, Python {python})"


def build_parser() -> argparse.ArgumentParser:
    """The command-line parser with every subcommand."""
    parser = argparse.ArgumentParser(
        prog="python -m bot",
        description="Answers questions from a knowledge base (shipped: Machine Learning vs "
        "Generative AI, grounded in one article). Try: python -m bot chat",
    )
    parser.add_argument("--version", action="version", version=version_line())
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    cli.add_subcommands(sub)
    discord_cli.add_subcommands(sub)
    return parser


def main(
    argv: Sequence[str] | None = None,
    stdin: TextIO | None = None,
    stdout: TextIO | None = None,
    stderr: TextIO | None = None,
) -> int:
    """Run one subcommand and return its exit status."""
    stdin = stdin or sys.stdin
    stdout = stdout or sys.stdout
    stderr = stderr or sys.stderr
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse exits on --help, --version and usage errors
        return int(exc.code or 0)
    if getattr(args, "console", None) is not None:
        logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
        try:
            return int(args.console(args, stdin, stdout, stderr))
        except KeyboardInterrupt:
            print(file=stdout)
            return 130
        except BrokenPipeError:
            return 0
    if getattr(args, "handler", None) is not None:
        return int(args.handler(args, stdout, stderr))
    parser.print_help(stdout)
    return 2


def run_main() -> None:
    """Console-script entry point."""
    sys.exit(main())


if __name__ == "__main__":
    run_main()

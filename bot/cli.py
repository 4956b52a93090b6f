"""The console front end: ``ask``, ``chat`` and ``check``.

Every function takes its streams as arguments, so tests capture the output,
and returns an exit status.
"""

from __future__ import annotations

import argparse
import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any, TextIO

from bot import kbcheck, store_console
from bot.chat import run as run_chat
from bot.engine import Engine
from bot.knowledge import KnowledgeBase, KnowledgeError
from bot.models import Reply
from bot.render import reply_lines, terminal_width, wrap_text
from bot.settings import SettingsError, parse_env_file

#: Exit statuses, the same for every command (the README's table):
EXIT_OK = 0
#: The command ran and failed: a bad line in ``ask --jsonl``, a question ``check`` fails.
EXIT_ERROR = 1
#: Usage or configuration: bad arguments, settings or ``.env``, a knowledge base that
#: cannot be loaded, a token Discord rejects.
EXIT_USAGE = EXIT_CONFIG = 2


def knowledge_path(args: argparse.Namespace, env_file: Path = Path(".env")) -> str | None:
    """The knowledge folder: ``--knowledge``, else ``KNOWLEDGE_PATH`` from the environment
    or the ``.env`` file (as ``run`` and ``sync`` read it), else the shipped one.

    Raises :class:`~bot.settings.SettingsError` when ``.env`` cannot be parsed.
    """
    chosen = getattr(args, "knowledge", None) or os.environ.get("KNOWLEDGE_PATH", "").strip()
    if not chosen and env_file.is_file():
        chosen = parse_env_file(env_file).get("KNOWLEDGE_PATH", "").strip()
    return chosen or None


def reply_to_json(reply: Reply) -> dict[str, Any]:
    """The JSON form of a reply (the contract of ``ask --json`` and ``ask --jsonl``)."""
    return {
        "kind": reply.kind,
        "answer": reply.text,
        "sources": [
            {"id": s.passage_id, "section": s.section, "title": s.title, "score": s.score}
            for s in reply.sources
        ],
        "suggestions": list(reply.suggestions),
        "rows": [
            {"id": r.id, "aspect": r.aspect, "cells": {c.subject: c.text for c in r.cells}}
            for r in reply.rows
        ],
    }


def _wrap(text: str, width: int) -> str:
    """Wrap each line to ``width``; a bullet's continuation lines are indented under it."""
    return wrap_text(text, width)


def format_reply(reply: Reply, engine: Engine, width: int | None = None) -> str:
    """A reply for a person in a terminal: the answer, then where it came from.

    With ``width``, lines are wrapped at word boundaries to fit it.
    """
    text = _format_reply(reply, engine)
    return _wrap(text, width) if width else text


def _format_reply(reply: Reply, engine: Engine) -> str:
    return "\n".join(line.text for line in reply_lines(reply, engine))


def _load_engine(args: argparse.Namespace, err: TextIO) -> Engine | None:
    try:
        return Engine.load(knowledge_path(args))
    except KnowledgeError as exc:
        print(f"error: knowledge base: {exc}", file=err)
        return None
    except SettingsError as exc:
        print(f"error: {exc}", file=err)
        return None


def cmd_ask(args: argparse.Namespace, stdin: TextIO, out: TextIO, err: TextIO) -> int:
    """``ask "question"``, ``ask --json "question"`` or ``ask --jsonl`` (batch on stdin)."""
    engine = _load_engine(args, err)
    if engine is None:
        return EXIT_CONFIG
    if args.jsonl:
        return _ask_jsonl(args, engine, stdin, out, err)
    question = " ".join(args.question)
    if not question.strip():
        print('error: give a question, e.g. python -m bot ask "What is generative AI?"', file=err)
        return EXIT_USAGE
    reply = engine.ask(question)
    store_console.record(args, engine, question, reply)
    if args.json:
        print(json.dumps(reply_to_json(reply), ensure_ascii=False), file=out)
    else:
        print(format_reply(reply, engine, terminal_width(out)), file=out)
    return EXIT_OK


def _ask_jsonl(
    args: argparse.Namespace, engine: Engine, stdin: TextIO, out: TextIO, err: TextIO
) -> int:
    """One JSON object in, one out, in order, flushed per line; bad lines get an error object."""
    status = EXIT_OK
    for number, line in enumerate(stdin, start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
            if not isinstance(item, dict) or not isinstance(item.get("question"), str):
                raise ValueError('expected an object with a "question" string')
            conversation = item.get("conversation")
            key = None if conversation is None else str(conversation)
            reply = engine.ask(item["question"], key)
            store_console.record(args, engine, item["question"], reply)
            result = reply_to_json(reply)
        except ValueError as exc:  # json.JSONDecodeError is a ValueError
            print(f"line {number}: {exc}", file=err)
            result = {
                "kind": "error",
                "answer": "",
                "sources": [],
                "error": f"line {number}: {exc}",
            }
            status = EXIT_ERROR
        out.write(json.dumps(result, ensure_ascii=False) + "\n")
        out.flush()
    return status


def cmd_chat(args: argparse.Namespace, stdin: TextIO, out: TextIO, err: TextIO) -> int:
    """An interactive conversation in the terminal; ``quit`` or end of input leaves.

    On a terminal it has line editing, history, colour and wrapping (see
    :mod:`bot.chat`); with piped input it reads one question a line.
    """
    engine = _load_engine(args, err)
    if engine is None:
        return EXIT_CONFIG
    return run_chat(
        engine, stdin, out, err, on_reply=lambda q, r: store_console.record(args, engine, q, r)
    )


def summarize(kb: KnowledgeBase) -> str:
    """A short summary of a valid knowledge base."""
    return (
        f"knowledge base OK: {kb.path}\n"
        f"  source: “{kb.source.title}” ({kb.source.date})\n"
        f"  version: {kb.source.version}\n"
        f"  passages: {len(kb.passages)} in {len(kb.sections)} sections\n"
        f"  table rows: {len(kb.table)} ({', '.join(r.aspect for r in kb.table) or 'none'})\n"
        f"  subjects: {', '.join(s.name for s in kb.subjects)}\n"
        f"  synonyms: {len(kb.synonyms)} terms"
    )


def cmd_check(args: argparse.Namespace, stdin: TextIO, out: TextIO, err: TextIO) -> int:
    """Validate the knowledge base (see :mod:`bot.kbcheck`).

    Exit status: 0 when it has no errors (warnings are printed), 1 when it loads
    but has errors (or warnings, with ``--strict``), 2 when it cannot be loaded
    (or on a usage error).
    """
    try:
        chosen = getattr(args, "folder", None) or knowledge_path(args)
    except SettingsError as exc:
        print(f"error: {exc}", file=err)
        return EXIT_CONFIG
    report = kbcheck.check(chosen)
    for problem in report.errors:
        print(f"error: {problem}", file=err)
    for problem in report.warnings:
        print(f"warning: {problem}", file=err)
    failed = len(report.errors) + (len(report.warnings) if args.strict else 0)
    if report.kb is None or failed:
        where = report.kb.path if report.kb else chosen or "the shipped knowledge base"
        print(
            f"{len(report.errors)} error(s), {len(report.warnings)} warning(s) in {where}",
            file=err,
        )
        return EXIT_CONFIG if report.kb is None else EXIT_ERROR
    print(summarize(report.kb), file=out)
    if report.warnings:
        print(f"  warnings: {len(report.warnings)} (see above)", file=out)
    return EXIT_OK


def _check_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "folder", nargs="?", metavar="DIR", help="the knowledge folder (wins over --knowledge)"
    )
    parser.add_argument("--strict", action="store_true", help="fail on warnings too")
    parser.epilog = (
        "Exit status: 0 no errors, 1 errors (or warnings with --strict), "
        "2 the knowledge base does not load (or a usage error)."
    )


Handler = Callable[[argparse.Namespace, TextIO, TextIO, TextIO], int]


def add_subcommands(sub: Any) -> None:
    """Register ``ask``, ``chat`` and ``check`` on an argparse subparsers object."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--knowledge",
        metavar="PATH",
        help="knowledge folder (default: $KNOWLEDGE_PATH or the shipped one)",
    )

    ask = sub.add_parser(
        "ask",
        parents=[common],
        help="answer one question (or a batch)",
        description="Answer a question from the knowledge base.",
    )
    ask.add_argument("question", nargs="*", help="the question")
    mode = ask.add_mutually_exclusive_group()
    mode.add_argument("--json", action="store_true", help="print one JSON object")
    mode.add_argument(
        "--jsonl",
        action="store_true",
        help='read {"question": ..., "conversation": ...} lines on stdin, '
        "write one JSON object per line",
    )
    store_console.add_store_flag(ask)
    ask.set_defaults(console=store_console.with_recorder(cmd_ask))

    chat = sub.add_parser(
        "chat",
        parents=[common],
        help="talk to the bot in the terminal",
        description="An interactive conversation (quit or Ctrl-D leaves). In a terminal the "
        "arrow keys edit the line and recall earlier questions (kept in "
        "~/.local/state/mlgenai-bot/history, or $CHAT_HISTORY_FILE; empty: not kept) and "
        "Ctrl-C drops the line; NO_COLOR=1 turns colour off.",
    )
    store_console.add_store_flag(chat)
    chat.set_defaults(console=store_console.with_recorder(cmd_chat))

    check = sub.add_parser(
        "check",
        parents=[common],
        help="validate the knowledge base (same as kb check)",
        description="Validate the knowledge base and print a summary.",
    )
    _check_arguments(check)
    check.set_defaults(console=cmd_check)

    kb = sub.add_parser(
        "kb",
        help="work on the knowledge base (kb check, ...)",
        description="Commands for the knowledge base's authors and admins.",
    )
    kb.set_defaults(console=_usage(kb))
    kb_sub = kb.add_subparsers(dest="kb_command", metavar="KB_COMMAND")
    add_kb_subcommands(kb_sub, common)


def add_kb_subcommands(kb_sub: Any, common: argparse.ArgumentParser) -> None:
    """Register the ``kb`` subcommands; ``common`` carries ``--knowledge``."""
    check = kb_sub.add_parser(
        "check",
        parents=[common],
        help="validate the knowledge base",
        description="Validate the knowledge base and print a summary.",
    )
    _check_arguments(check)
    check.set_defaults(console=cmd_check)
    store_console.add_gaps_parser(kb_sub, common)

    migrate = kb_sub.add_parser(
        "migrate",
        parents=[common],
        help="convert a YAML knowledge base to one Markdown file per entry",
        description="Convert a knowledge base in the YAML files (source.yaml, passages.yaml, "
        "table.yaml) into knowledge.yaml and one Markdown file per entry, in place or "
        "into --out. The result is checked to read back the same before anything is removed.",
    )
    migrate.add_argument("--out", metavar="DIR", help="write here instead of in place")
    migrate.set_defaults(console=cmd_migrate)

    importer = kb_sub.add_parser(
        "import",
        help="make a knowledge base from Markdown, HTML, reStructuredText, AsciiDoc or text files, "
        "folders or URLs",
        description="Turn documents into a knowledge base in --out: headings become "
        "passages, a comparison table the table (its columns the subjects), and each "
        "passage gets example questions. URLs are fetched only when given.",
    )
    importer.add_argument("sources", nargs="+", metavar="SOURCE", help="file, folder or URL")
    importer.add_argument("--out", metavar="DIR", required=True, help="the new knowledge folder")
    importer.add_argument("--name", default="", help="what the knowledge base is called")
    importer.add_argument(
        "--subject", default="", help="the one thing the sources are about (default: guessed)"
    )
    importer.add_argument("--force", action="store_true", help="replace what --out holds")
    importer.set_defaults(console=cmd_import)


def cmd_import(args: argparse.Namespace, stdin: TextIO, out: TextIO, err: TextIO) -> int:
    """``kb import``: documents to a knowledge base, then the same checks as ``kb check``."""
    from bot import importer

    target = Path(args.out)
    try:
        draft = importer.import_sources(
            args.sources, target, name=args.name, subject=args.subject, force=args.force
        )
    except (importer.SourceError, OSError) as exc:
        print(f"error: {exc}", file=err)
        return EXIT_USAGE
    kb = draft.kb
    print(
        f"imported {len(kb.passages)} passages and {len(kb.table)} comparison rows into "
        f"{target} (subjects: {', '.join(s.name for s in kb.subjects)})",
        file=out,
    )
    report = kbcheck.check(str(target))
    for problem in report.errors:
        print(f"error: {problem}", file=err)
    print(
        f"kb check: {len(report.errors)} error(s), {len(report.warnings)} warning(s); "
        f"run: python -m bot kb check {target}",
        file=out,
    )
    return EXIT_ERROR if report.errors else EXIT_OK


def cmd_migrate(args: argparse.Namespace, stdin: TextIO, out: TextIO, err: TextIO) -> int:
    """``kb migrate``: the YAML format to Markdown entries (see :mod:`bot.migrate`)."""
    from bot.migrate import migrate

    try:
        chosen = knowledge_path(args)
        if chosen is None:
            print("error: give the folder to convert with --knowledge DIR", file=err)
            return EXIT_USAGE
        kb = migrate(Path(chosen), Path(args.out) if args.out else None)
    except (KnowledgeError, SettingsError, OSError) as exc:
        print(f"error: {exc}", file=err)
        return EXIT_CONFIG
    print(f"converted: {kb.path} ({len(kb.passages)} passages, {len(kb.table)} rows)", file=out)
    return EXIT_OK


def _usage(parser: argparse.ArgumentParser) -> Handler:
    """A handler that prints ``parser``'s help and exits with the usage status."""

    def show(args: argparse.Namespace, stdin: TextIO, out: TextIO, err: TextIO) -> int:
        parser.print_help(err)
        return EXIT_USAGE

    return show

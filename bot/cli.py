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

from bot.chat import run as run_chat
from bot.engine import Engine
from bot.knowledge import KnowledgeBase, KnowledgeError, load
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
        return _ask_jsonl(engine, stdin, out, err)
    question = " ".join(args.question)
    if not question.strip():
        print('error: give a question, e.g. python -m bot ask "What is generative AI?"', file=err)
        return EXIT_USAGE
    reply = engine.ask(question)
    if args.json:
        print(json.dumps(reply_to_json(reply), ensure_ascii=False), file=out)
    else:
        print(format_reply(reply, engine, terminal_width(out)), file=out)
    return EXIT_OK


def _ask_jsonl(engine: Engine, stdin: TextIO, out: TextIO, err: TextIO) -> int:
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
            result = reply_to_json(engine.ask(item["question"], key))
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
    return run_chat(engine, stdin, out, err)


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


def own_question_misses(engine: Engine) -> list[str]:
    """Each passage's example questions that do not find that passage first."""
    problems = []
    for passage in engine.kb.passages:
        for question in passage.questions:
            reply = engine.ask(question)
            first = reply.sources[0].passage_id if reply.sources else None
            if first != passage.id:
                got = f"passage '{first}'" if first else f"a reply of kind {reply.kind}"
                problems.append(
                    f"{engine.kb.path / 'passages.yaml'}, passage '{passage.id}': "
                    f"its question “{question}” finds {got} first"
                )
    return problems


def cmd_check(args: argparse.Namespace, stdin: TextIO, out: TextIO, err: TextIO) -> int:
    """Validate the knowledge base; non-zero exit on any problem.

    Beyond the schema, every passage's own example questions must find that
    passage first: otherwise users asking that way would get another answer.
    """
    try:
        kb = load(knowledge_path(args))
        engine = Engine(kb)  # builds the index, which checks what the loader cannot
    except (KnowledgeError, SettingsError) as exc:
        print(f"error: {exc}", file=err)
        return EXIT_CONFIG
    problems = own_question_misses(engine)
    for problem in problems:
        print(f"error: {problem}", file=err)
    if problems:
        print(f"{len(problems)} problem(s) in {kb.path}", file=err)
        return EXIT_ERROR
    print(summarize(kb), file=out)
    return EXIT_OK


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
    ask.set_defaults(console=cmd_ask)

    chat = sub.add_parser(
        "chat",
        parents=[common],
        help="talk to the bot in the terminal",
        description="An interactive conversation (quit or Ctrl-D leaves). In a terminal the "
        "arrow keys edit the line and recall earlier questions (kept in "
        "~/.local/state/mlgenai-bot/history, or $CHAT_HISTORY_FILE; empty: not kept) and "
        "Ctrl-C drops the line; NO_COLOR=1 turns colour off.",
    )
    chat.set_defaults(console=cmd_chat)

    check = sub.add_parser(
        "check",
        parents=[common],
        help="validate the knowledge base (same as kb check)",
        description="Validate the knowledge base and print a summary.",
    )
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
    check.set_defaults(console=cmd_check)


def _usage(parser: argparse.ArgumentParser) -> Handler:
    """A handler that prints ``parser``'s help and exits with the usage status."""

    def show(args: argparse.Namespace, stdin: TextIO, out: TextIO, err: TextIO) -> int:
        parser.print_help(err)
        return EXIT_USAGE

    return show

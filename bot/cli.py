"""The console front end: ``ask``, ``chat`` and ``check``.

Every function takes its streams as arguments, so tests capture the output,
and returns an exit status.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import textwrap
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any, TextIO

from bot.engine import Engine
from bot.knowledge import KnowledgeBase, KnowledgeError, load
from bot.models import Reply
from bot.settings import SettingsError, parse_env_file

EXIT_OK = 0
EXIT_ERROR = 1
EXIT_USAGE = 2


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


def terminal_width(stream: TextIO) -> int | None:
    """The width to wrap to when ``stream`` is a terminal (at most 100), else ``None``."""
    if not stream.isatty():
        return None
    return max(40, min(100, shutil.get_terminal_size().columns - 1))


def _wrap(text: str, width: int) -> str:
    """Wrap each line to ``width``; a bullet's continuation lines are indented under it."""
    out = []
    for line in text.splitlines():
        indent = "  " if line.startswith("• ") else ""
        out.append(textwrap.fill(line, width, subsequent_indent=indent) if line else "")
    return "\n".join(out)


def format_reply(reply: Reply, engine: Engine, width: int | None = None) -> str:
    """A reply for a person in a terminal: the answer, then where it came from.

    With ``width``, lines are wrapped at word boundaries to fit it.
    """
    text = _format_reply(reply, engine)
    return _wrap(text, width) if width else text


def _format_reply(reply: Reply, engine: Engine) -> str:
    lines = [reply.text]
    if reply.sources:
        sections = list(dict.fromkeys(s.section for s in reply.sources))
        lines.append("")
        lines.append(
            f"Source: {'; '.join(sections)} — “{engine.kb.source.title}” "
            f"({engine.kb.source.date}), knowledge base {engine.kb.source.version}"
        )
    if reply.kind == "refusal" and not all(q in reply.text for q in reply.suggestions):
        lines.append("")
        lines.append("Try: " + " | ".join(reply.suggestions))
    return "\n".join(lines)


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
        return EXIT_ERROR
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
    """An interactive conversation in the terminal; ``quit`` or end of input leaves."""
    engine = _load_engine(args, err)
    if engine is None:
        return EXIT_ERROR
    conversation = f"console:{uuid.uuid4().hex}"
    interactive = stdin.isatty()
    if interactive:
        with contextlib.suppress(ImportError):  # line editing and history where available
            import readline  # noqa: F401
    src = engine.kb.source
    width = terminal_width(out)
    intro = (
        f"Ask me about {engine.kb.name} (from “{src.title}”, {src.date}).\n"
        + ("Type /compare for the side-by-side table, " if engine.kb.table else "Type ")
        + "/help for more, quit to leave."
    )
    print(_wrap(intro, width) if width else intro, file=out)
    while True:
        if interactive:
            out.write("\nyou> ")
            out.flush()
        line = stdin.readline()
        if not line:
            if interactive:
                print(file=out)
            return EXIT_OK
        question = line.strip()
        if not question:
            continue
        if question.lower() in {"quit", "exit", "/quit", "/exit", ":q"}:
            print("Bye!", file=out)
            return EXIT_OK
        reply = engine.ask(question, conversation)
        prefix = "" if interactive else f"\nyou> {question}\n"
        print(f"{prefix}bot> " + format_reply(reply, engine, width), file=out)
        out.flush()


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
        return EXIT_ERROR
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
        description="An interactive conversation (quit or Ctrl-D leaves).",
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

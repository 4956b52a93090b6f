"""The store from the console: ``ask`` and ``chat`` record to it, ``kb gaps`` reads it.

The console is synchronous; the store is asynchronous. :class:`ConsoleRecorder`
runs the store on an event loop in a background thread, so recording never
delays an answer in the terminal, and :func:`with_recorder` wraps a console
handler with one (unless ``--no-store``).
"""

from __future__ import annotations

import argparse
import asyncio
import concurrent.futures
import getpass
import logging
import threading
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any, TextIO

from bot.engine import Engine
from bot.knowledge import KnowledgeError
from bot.models import Reply
from bot.settings import Settings, SettingsError
from bot.store import Store, StoreUnavailableError, open_store
from bot.store.gaps import LOW_CONFIDENCE, cluster, parse_period, report, to_csv

log = logging.getLogger(__name__)

Handler = Callable[[argparse.Namespace, TextIO, TextIO, TextIO], int]
CLOSE_TIMEOUT = 3.0


def console_user() -> str:
    """Who asks in the console: the login name, hashed like a Discord id when stored."""
    try:
        name = getpass.getuser()
    except (KeyError, OSError):
        name = "unknown"
    return f"console:{name}"


def load_settings(err: TextIO) -> Settings | None:
    """The settings from the environment and ``.env``, or None with a one-line warning."""
    try:
        return Settings.from_env()
    except SettingsError as exc:
        print(f"warning: not recording to the store: {exc}", file=err)
        return None


class ConsoleRecorder:
    """A started store on its own event loop thread, fed from synchronous code."""

    def __init__(self, store: Store) -> None:
        """Start ``store`` in the background (a database that is down is only logged)."""
        self.store = store
        self.user = console_user()
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(
            target=self._loop.run_forever, name="store-console", daemon=True
        )
        self._thread.start()
        self._started = asyncio.run_coroutine_threadsafe(store.start(), self._loop)

    def record(self, question: str, reply: Reply, kb_version: str) -> None:
        """Queue the log of one answer (returns at once)."""
        answer_id = uuid.uuid4().hex
        self._loop.call_soon_threadsafe(
            lambda: self.store.record_answer(
                answer_id, self.user, question, reply, kb_version=kb_version, origin="console"
            )
        )

    def close(self, err: TextIO) -> None:
        """Write what is queued (a few seconds at most), then stop the thread."""

        async def finish() -> int:
            await asyncio.wrap_future(self._started)
            flushed = await self.store.flush(CLOSE_TIMEOUT)
            left = len(self.store._pending) if not flushed else 0
            await self.store.close(timeout=0.1)
            return left

        try:
            left = asyncio.run_coroutine_threadsafe(finish(), self._loop).result(CLOSE_TIMEOUT + 15)
        except (concurrent.futures.TimeoutError, Exception) as exc:
            log.debug("store close failed", exc_info=exc)
            left = -1
        finally:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(5)
            if not self._thread.is_alive():
                self._loop.close()
        if left:
            print(
                "warning: the store could not be reached; "
                + (f"{left} question(s) were not recorded" if left > 0 else "not recorded"),
                file=err,
            )


def with_recorder(handler: Handler) -> Handler:
    """``handler`` with ``args.recorder`` set to a :class:`ConsoleRecorder` (or None with
    ``--no-store``, ``STORE_QUESTIONS=false`` or unusable settings), closed afterwards."""

    def run(args: argparse.Namespace, stdin: TextIO, out: TextIO, err: TextIO) -> int:
        args.recorder = None
        if not getattr(args, "no_store", False):
            settings = load_settings(err)
            if settings is not None and settings.store_questions:
                args.recorder = ConsoleRecorder(open_store(settings))
        try:
            return handler(args, stdin, out, err)
        finally:
            if args.recorder is not None:
                args.recorder.close(err)

    return run


def record(args: argparse.Namespace, engine: Engine, question: str, reply: Reply) -> None:
    """Record one console answer, if this run records (see :func:`with_recorder`)."""
    recorder: ConsoleRecorder | None = getattr(args, "recorder", None)
    if recorder is not None:
        recorder.record(question, reply, engine.kb.source.version)


def add_store_flag(parser: argparse.ArgumentParser) -> None:
    """``--no-store`` on a console command that records."""
    parser.add_argument(
        "--no-store",
        action="store_true",
        help="do not record the questions in the store (see README: What the bot remembers)",
    )


# ------------------------------------------------------------------ kb gaps


def cmd_gaps(args: argparse.Namespace, stdin: TextIO, out: TextIO, err: TextIO) -> int:
    """``kb gaps --since 7d [--limit N] [--csv FILE]``: what the knowledge base lacks."""
    from bot.cli import knowledge_path

    try:
        days = parse_period(args.since)
    except ValueError as exc:
        print(f"error: --since: {exc}", file=err)
        return 2
    if args.limit < 1:
        print("error: --limit must be at least 1", file=err)
        return 2
    try:
        settings = Settings.from_env()
        engine = Engine.load(knowledge_path(args))
    except (SettingsError, KnowledgeError) as exc:
        print(f"error: {exc}", file=err)
        return 1
    if not settings.store_questions:
        print("error: nothing is stored: STORE_QUESTIONS=false", file=err)
        return 1
    try:
        flagged = asyncio.run(_flagged(open_store(settings), time.time() - days * 86_400))
    except StoreUnavailableError as exc:
        print(f"error: store: {exc}", file=err)
        return 1
    gaps = cluster(flagged, lambda q: engine.tokenizer.tokenize(q, correct=True))
    print(report(gaps, days, args.limit), file=out)
    if args.csv:
        text = to_csv(gaps)
        if args.csv == "-":
            out.write(text)
        else:
            try:
                Path(args.csv).write_text(text, encoding="utf-8", newline="")
            except OSError as exc:
                print(f"error: cannot write {args.csv}: {exc.strerror or exc}", file=err)
                return 1
            print(f"CSV: {args.csv} ({sum(g.count for g in gaps)} rows)", file=out)
    return 0


async def _flagged(store: Store, since: float) -> list[Any]:
    try:
        return await store.flagged(since, LOW_CONFIDENCE)
    finally:
        await store.close(timeout=0.1)


def add_gaps_parser(kb_sub: Any, common: argparse.ArgumentParser) -> None:
    """Register ``kb gaps`` (``common`` carries ``--knowledge``)."""
    gaps = kb_sub.add_parser(
        "gaps",
        parents=[common],
        help="questions the knowledge base lacks (declined, unsure, rated down)",
        description="Declined and low-confidence questions and down-rated answers from the "
        "store, grouped by topic, most frequent first.",
    )
    gaps.add_argument("--since", default="7d", help="period: 7d (default), 30d, 2w, ...")
    gaps.add_argument("--limit", type=int, default=20, help="topics to list (default 20)")
    gaps.add_argument("--csv", metavar="FILE", help="also write every question as CSV (- stdout)")
    gaps.set_defaults(console=cmd_gaps)


__all__ = ["ConsoleRecorder", "add_gaps_parser", "add_store_flag", "record", "with_recorder"]

"""Hot reload: the engine being served, replaced in one step by a freshly built one.

:class:`LiveEngine` is what front ends hold. It answers through the current
:class:`~bot.engine.Engine`; :meth:`LiveEngine.prepare` builds a new engine
off to the side (load the folder, build the index, ask it one question) and
:meth:`LiveEngine.swap` replaces the current one with a single assignment. A
broken edit raises :class:`ReloadError` from ``prepare`` and the old knowledge
base goes on serving; it is never cleared first, and lookups never wait for a
rebuild. Conversations live in one store that the new engine takes over, so a
conversation in flight survives a reload (unless the subjects it names are gone).

The Discord layer runs ``prepare`` in a worker thread and ``swap`` on the event
loop (:func:`reload_async`), so a reply and the footer that names its
knowledge-base version always come from the same engine.

Several bot processes (shards on several machines) share one store:
:func:`share_reloads` makes each reload announce its version there, and makes the
process reload its own folder when another process announces one (without
announcing that reload again, so two processes never answer each other forever).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from bot.engine import Engine
from bot.knowledge import KnowledgeBase, KnowledgeError, load
from bot.models import Passage, Reply

if TYPE_CHECKING:
    from bot.store import KbStamp, Store

log = logging.getLogger(__name__)

ANNOUNCE_TIMEOUT = 5.0  # seconds a reload waits to tell the other processes


class ReloadError(RuntimeError):
    """The new knowledge base cannot be served; the message says why, in one line each."""


@dataclass(frozen=True)
class Reloaded:
    """What a successful reload changed."""

    old_version: str
    new_version: str
    passages: int
    rows: int

    def change(self) -> str:
        """What changed: ``version A -> B (N passages, M comparison rows)``."""
        return (
            f"version {self.old_version} -> {self.new_version} "
            f"({self.passages} passages, {self.rows} comparison rows)"
        )

    def summary(self) -> str:
        """One line for a log."""
        return f"knowledge base reloaded: {self.change()}"


def _engine_for(kb: KnowledgeBase, old: Engine) -> Engine:
    """A new engine that keeps the old one's conversations, when they still make sense:
    remembered turns name subjects by id, so a knowledge base about other subjects
    starts its conversations afresh."""
    same = {s.id for s in kb.subjects} >= {s.id for s in old.kb.subjects}
    if not same:
        log.info("The subjects changed: conversations start afresh")
    return Engine(kb, old.conversations if same else None)


class LiveEngine:
    """An engine that can be replaced while it serves (see the module's docstring)."""

    def __init__(
        self,
        engine: Engine,
        path: str | Path | None = None,
        build: Callable[[KnowledgeBase, Engine], Engine] | None = None,
    ) -> None:
        self._engine = engine
        self.path = path  # None: the shipped knowledge base
        self._build = build or _engine_for
        self._lock = threading.Lock()  # one reload at a time
        #: Told of each reload made here (:func:`share_reloads` sets it); None: nobody.
        self.announce: Callable[[Reloaded], Awaitable[None]] | None = None

    @classmethod
    def load(cls, path: str | Path | None = None) -> LiveEngine:
        """A live engine over the knowledge base in ``path`` (``None``: the shipped one)."""
        return cls(Engine.load(path), path)

    @property
    def current(self) -> Engine:
        """The engine serving now."""
        return self._engine

    @property
    def kb(self) -> KnowledgeBase:
        """The knowledge base serving now."""
        return self._engine.kb

    # ------------------------------------------------------------------ reloading

    def prepare(self) -> Engine:
        """Build and validate a new engine from the folder; the current one is untouched.

        Raises :class:`ReloadError` when the folder does not load, or when another
        reload is under way.
        """
        if not self._lock.acquire(blocking=False):
            raise ReloadError("a reload is already under way")
        try:
            kb = load(self.path)
            engine = self._build(kb, self._engine)
            engine.ask(kb.suggested_questions[0])  # the new engine answers before it serves
            return engine
        except KnowledgeError as exc:
            raise ReloadError("\n".join(exc.problems)) from None
        finally:
            self._lock.release()

    def swap(self, engine: Engine) -> Reloaded:
        """Serve ``engine`` from now on (one assignment: readers see the old or the new)."""
        old = self._engine
        self._engine = engine
        done = Reloaded(
            old.kb.source.version,
            engine.kb.source.version,
            len(engine.kb.passages),
            len(engine.kb.table),
        )
        log.info("%s", done.summary())
        return done

    def reload(self) -> Reloaded:
        """Prepare and swap, in the caller's thread; on error the old engine keeps serving."""
        try:
            return self.swap(self.prepare())
        except ReloadError as exc:
            log.error(
                "knowledge base not reloaded, still serving %s: %s", self.kb.source.version, exc
            )
            raise

    # ------------------------------------------------------------------ the engine's API

    def ask(self, question: str, conversation: str | None = None) -> Reply:
        """Answer from the current engine (see :meth:`bot.engine.Engine.ask`)."""
        return self._engine.ask(question, conversation)

    def compare(self, aspect: str | None = None) -> Reply:
        """The comparison table, or one row of it."""
        return self._engine.compare(aspect)

    def examples(self, topic: str | None = None) -> Reply:
        """Examples of one subject, or of every subject."""
        return self._engine.examples(topic)

    def topics(self) -> Reply:
        """What the bot covers, its source and the knowledge-base version."""
        return self._engine.topics()

    def help(self) -> Reply:
        """How to ask."""
        return self._engine.help()

    def suggest(self, typed: str, limit: int = 25) -> list[str]:
        """Questions the knowledge base answers, best match for ``typed`` first."""
        return self._engine.suggest(typed, limit)

    def passage(self, passage_id: str) -> Passage:
        """The passage with this id (``KeyError`` if there is none)."""
        return self._engine.passage(passage_id)


async def reload_async(live: LiveEngine, *, announce: bool = True) -> Reloaded:
    """Build in a worker thread (the loop keeps answering), swap on the event loop, and
    (with ``announce``) tell the other bot processes (:attr:`LiveEngine.announce`).

    Raises :class:`ReloadError` (logged) when the new knowledge base cannot be served.
    A failed announcement is only logged: the reload here stands.
    """
    try:
        engine = await asyncio.to_thread(live.prepare)
    except ReloadError as exc:
        log.error("knowledge base not reloaded, still serving %s: %s", live.kb.source.version, exc)
        raise
    done = live.swap(engine)
    if announce and live.announce is not None:
        try:
            await asyncio.wait_for(live.announce(done), timeout=ANNOUNCE_TIMEOUT)
        except Exception as exc:
            log.warning(
                "Reloaded here, but could not tell the other bot processes (%s): %s",
                type(exc).__name__,
                str(exc).splitlines()[0][:200] if str(exc).strip() else "no details",
            )
    return done


def share_reloads(live: LiveEngine, store: Store, interval: float) -> asyncio.Task[None]:
    """Share reloads with every bot process that uses ``store``.

    Each reload made here (``/kb reload``, SIGHUP, ``run --watch``) publishes its
    version in the store; every ``interval`` seconds the store's stamp is read,
    and when another process has published, this one reloads its own folder,
    without publishing (no ping-pong). If that reload fails, the old knowledge
    base keeps serving and the error is logged. Returns the watching task (the
    store cancels it when it closes).
    """

    async def announce(done: Reloaded) -> None:
        stamp = await store.publish_kb_version(done.new_version)
        log.info(
            "Told the other bot processes: knowledge base version %s (reload #%d)",
            stamp.version,
            stamp.serial,
        )

    async def heard(stamp: KbStamp) -> None:
        log.info(
            "Another bot process reloaded the knowledge base (version %s): reloading here",
            stamp.version,
        )
        try:
            done = await reload_async(live, announce=False)
        except ReloadError:  # logged: the old knowledge base serves on
            return
        if done.new_version != stamp.version:
            log.warning(
                "This process now serves version %s, the other announced %s: "
                "is its knowledge folder the same as this one?",
                done.new_version,
                stamp.version,
            )

    live.announce = announce
    return store.watch_kb(heard, interval=interval)


async def watch(live: LiveEngine, stop: asyncio.Event | None = None) -> None:
    """Reload whenever a file in the knowledge folder changes (``run --watch``)."""
    from watchfiles import awatch

    folder = Path(live.path) if live.path is not None else live.kb.path
    log.info("Watching %s for changes to the knowledge base", folder)
    async for _changes in awatch(folder, stop_event=stop):
        with contextlib.suppress(ReloadError):  # logged; the old knowledge base serves on
            await reload_async(live)

"""The store: what the bot remembers about the answers it served, behind a small API.

Front ends call :meth:`Store.record_answer` and :meth:`Store.rate`, which never
wait for the database: they put the write on a bounded queue that one background
task drains in batches, each batch one transaction. While the database is
unreachable the batch is retried with a growing pause and new writes wait in the
queue; when the queue is full, further writes are dropped with a warning and
counted (:attr:`Store.stats`). Reads (``gaps``, ``about_user``, ``forget_user``,
``purge``) are awaited and raise :class:`StoreUnavailableError` when the database is
down, so a command can say so in one line.

User ids are stored as a salted hash (HMAC-SHA256) unless the admin opts in to
raw ids. The salt comes from ``STORE_SALT`` or is made once and kept in the
database, so every process that shares the database hashes alike.

Nothing here imports ``discord``.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import logging
import secrets
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from bot.models import Reply
from bot.store.backends import Backend, Transaction
from bot.store.migrations import migrate

log = logging.getLogger(__name__)

RECORDED_KINDS = frozenset({"answer", "refusal", "compare"})
QUEUE_LIMIT = 10_000
BATCH = 500
RETRY_FIRST = 0.2
COALESCE = 0.25  # seconds the writer waits after the first queued write, to batch the rest
RETRY_MAX = 5.0
DAY = 86_400.0
MAX_QUESTION_CHARS = 2000
MAX_REASON_CHARS = 1000
MAX_PARAMETERS = 900  # per statement: under SQLite's oldest limit (999) and PostgreSQL's
HASH_CACHE = 4096  # user ids whose hash is kept, so a regular's is not recomputed


class StoreUnavailableError(RuntimeError):
    """The database cannot be reached (or the store is switched off); one-line message."""


@dataclass(frozen=True)
class AnswerRecord:
    """One answer served, as queued (the user id is hashed when it is written)."""

    answer_id: str
    user_id: str
    question: str
    kind: str
    confidence: float | None
    kb_version: str
    origin: str
    sources: tuple[tuple[str, float], ...]
    created_at: float
    guild_id: str | None = None  # the server it was asked in (None: a DM, the console)


@dataclass(frozen=True)
class RatingRecord:
    """One user's vote on one answer (+1 or -1), with an optional reason."""

    answer_id: str
    user_id: str
    vote: int
    reason: str | None
    created_at: float


@dataclass(frozen=True)
class Flagged:
    """An answer worth an admin's look: declined, unsure, or rated down."""

    answer_id: str
    created_at: float
    question: str
    kind: str
    confidence: float | None
    downvotes: int
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class UserData:
    """How much the store holds about one user."""

    answers: int
    ratings: int
    queued: int
    oldest: float | None


@dataclass(frozen=True)
class KbStamp:
    """The knowledge-base version last published, and a serial that grows on every publish."""

    version: str
    serial: int
    updated_at: float


@dataclass
class StoreStats:
    """Counters of the write path, for logs and tests."""

    queued: int = 0
    written: int = 0
    dropped: int = 0
    failures: int = 0
    available: bool = False


@dataclass
class _Pending:
    item: AnswerRecord | RatingRecord
    done: bool = field(default=False)


def hash_user(salt: str, user_id: str) -> str:
    """The stored form of a user id: HMAC-SHA256 under ``salt``, 32 hex digits."""
    digest = hmac.new(salt.encode(), user_id.encode(), hashlib.sha256).hexdigest()
    return digest[:32]


class Store:
    """The answer log and ratings, on one back end, with a non-blocking write path."""

    enabled = True

    def __init__(
        self,
        backend: Backend,
        *,
        salt: str | None = None,
        keep_user_ids: bool = False,
        retention_days: int = 30,
        queue_limit: int = QUEUE_LIMIT,
        purge_every: float = 3600.0,
        coalesce: float = COALESCE,
    ) -> None:
        """Write to ``backend``; see the module docstring for ``salt`` and ``keep_user_ids``."""
        self.backend = backend
        self.keep_user_ids = keep_user_ids
        self.retention_days = retention_days
        self.queue_limit = queue_limit
        self.purge_every = purge_every
        self.coalesce = coalesce
        self.stats = StoreStats()
        self._salt = salt
        self._pending: list[_Pending] = []
        self._wake = asyncio.Event()
        self._idle = asyncio.Event()
        self._idle.set()
        self._ready = False
        self._down_since: float | None = None
        self._tasks: list[asyncio.Task[None]] = []
        self._closing = False
        self._watched_serial: int | None = None
        self._close_task: asyncio.Future[None] | None = None
        self._writing = asyncio.Lock()  # held while a batch is in flight (forget waits)
        self._hashes: dict[tuple[str, str], str] = {}

    # ------------------------------------------------------------------ lifecycle

    async def start(self) -> None:
        """Connect, migrate and start the writer and the purge; a database that is down
        is only logged: the writer keeps trying, and writes wait in the queue."""
        try:
            await asyncio.wait_for(self._ensure_ready(), timeout=10)
        except Exception as exc:
            self._mark_down(exc)
        self._tasks.append(asyncio.create_task(self._writer(), name="store-writer"))
        if self.purge_every > 0:
            self._tasks.append(asyncio.create_task(self._purger(), name="store-purge"))

    async def close(self, timeout: float = 5.0) -> None:
        """Write what is queued (for at most ``timeout`` seconds), then stop. Calls made
        while a close is under way wait for that one."""
        if self._close_task is None:
            self._close_task = asyncio.ensure_future(self._close(timeout))
        await asyncio.shield(self._close_task)

    async def _close(self, timeout: float) -> None:
        if not await self.flush(timeout) and self._pending:
            log.warning("Store closing with %d write(s) not written", len(self._pending))
        self._closing = True  # every loop below checks it, should a cancel be swallowed
        self._wake.set()
        tasks = [t for t in self._tasks if not t.done()]
        for task in tasks:
            task.cancel()
        if tasks:
            await asyncio.wait(tasks, timeout=2.0)
        self._tasks.clear()
        await self.backend.close()
        self._ready = False

    async def flush(self, timeout: float = 5.0) -> bool:
        """Wait until everything queued so far is written; False on timeout."""
        try:
            await asyncio.wait_for(self._idle.wait(), timeout=timeout)
        except asyncio.TimeoutError:
            return False
        return True

    async def _ensure_ready(self) -> None:
        if self._ready:
            return
        await self.backend.connect()
        await migrate(self.backend)
        if self._salt is None:
            self._salt = await self._stored_salt()
        self._ready = True
        if self._down_since is not None:
            log.warning(
                "Store is reachable again after %.0f s; %d queued write(s) resume",
                time.time() - self._down_since,
                len(self._pending),
            )
            self._down_since = None
        self.stats.available = True

    async def _stored_salt(self) -> str:
        candidate = secrets.token_hex(16)
        async with self.backend.transaction() as tx:
            await tx.execute(
                "INSERT INTO store_settings (key, value) VALUES ('user_salt', ?) "
                "ON CONFLICT (key) DO NOTHING",
                (candidate,),
            )
            rows = await tx.fetch("SELECT value FROM store_settings WHERE key = 'user_salt'")
        return str(rows[0][0])

    def _mark_down(self, exc: BaseException) -> None:
        self.stats.failures += 1
        self.stats.available = False
        if self._ready:
            self._ready = False
        if self._down_since is None:
            self._down_since = time.time()
            log.warning(
                "Store unavailable (%s: %s); answers go on, writes are queued",
                type(exc).__name__,
                _one_line(exc),
            )

    def _user_hash(self, salt: str, user_id: str) -> str:
        """:func:`hash_user`, remembered for the last few thousand users."""
        key = (salt, user_id)
        known = self._hashes.get(key)
        if known is None:
            if len(self._hashes) >= HASH_CACHE:
                self._hashes.clear()
            known = self._hashes[key] = hash_user(salt, user_id)
        return known

    # ------------------------------------------------------------------ writes

    def record_answer(
        self,
        answer_id: str,
        user_id: int | str,
        question: str,
        reply: Reply,
        *,
        kb_version: str,
        origin: str,
        guild_id: int | str | None = None,
    ) -> bool:
        """Queue the log of one answer served; False if it is not kept (its kind is not
        logged, or the queue is full). ``guild_id`` scopes it to one server's gaps."""
        if reply.kind not in RECORDED_KINDS:
            return False
        record = AnswerRecord(
            answer_id=str(answer_id),
            user_id=str(user_id),
            question=question.strip()[:MAX_QUESTION_CHARS],
            kind=reply.kind,
            confidence=reply.confidence,
            kb_version=kb_version,
            origin=origin,
            sources=tuple((s.passage_id, float(s.score)) for s in reply.sources),
            created_at=time.time(),
            guild_id=None if guild_id is None else str(guild_id),
        )
        return self._enqueue(record)

    def rate(
        self, answer_id: str, user_id: int | str, vote: int, reason: str | None = None
    ) -> bool:
        """Queue one user's vote on an answer (+1 or -1); a later vote replaces it."""
        if vote not in (1, -1):
            raise ValueError("vote must be 1 or -1")
        text = (reason or "").strip()[:MAX_REASON_CHARS] or None
        record = RatingRecord(str(answer_id), str(user_id), vote, text, time.time())
        return self._enqueue(record)

    def _enqueue(self, item: AnswerRecord | RatingRecord) -> bool:
        if self._closing:
            return False
        if len(self._pending) >= self.queue_limit:
            self.stats.dropped += 1
            if self.stats.dropped == 1 or self.stats.dropped % 1000 == 0:
                log.warning(
                    "Store write queue is full (%d): %d write(s) dropped so far",
                    self.queue_limit,
                    self.stats.dropped,
                )
            return False
        self._pending.append(_Pending(item))
        self.stats.queued += 1
        self._idle.clear()
        self._wake.set()
        return True

    async def _writer(self) -> None:
        pause = RETRY_FIRST
        while not self._closing:
            if not self._pending:
                self._idle.set()
                self._wake.clear()
                await self._wake.wait()
                if self.coalesce > 0 and not self._closing:
                    # Gather what arrives meanwhile into one transaction: fewer commits and
                    # thread hops competing with the answers being made.
                    await asyncio.sleep(self.coalesce)
                continue
            try:
                async with self._writing:
                    batch = self._pending[:BATCH]
                    await self._ensure_ready()
                    await self._write(batch)
                    written = {id(p) for p in batch}
                    self._pending = [p for p in self._pending if id(p) not in written]
                    self.stats.written += len(batch)
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                self._mark_down(exc)
                await asyncio.sleep(pause)
                pause = min(pause * 2, RETRY_MAX)
                continue
            pause = RETRY_FIRST

    async def _write(self, batch: Sequence[_Pending]) -> None:
        salt = self._salt or ""
        answers: list[tuple[Any, ...]] = []
        sources: list[tuple[Any, ...]] = []
        votes: dict[tuple[str, str], tuple[Any, ...]] = {}
        for pending in batch:
            item = pending.item
            raw = item.user_id if self.keep_user_ids else None
            user = self._user_hash(salt, item.user_id)
            if isinstance(item, AnswerRecord):
                answers.append(
                    (
                        item.answer_id,
                        item.created_at,
                        user,
                        raw,
                        item.origin,
                        item.guild_id,
                        item.question,
                        item.kind,
                        item.confidence,
                        item.kb_version,
                    )
                )
                sources += [
                    (item.answer_id, n, pid, score) for n, (pid, score) in enumerate(item.sources)
                ]
            else:
                row = (item.answer_id, user, raw, item.vote, item.reason, item.created_at)
                known = votes.get((item.answer_id, user))
                if known is None or known[5] <= item.created_at:  # one row per key and statement
                    votes[(item.answer_id, user)] = row
        async with self.backend.transaction() as tx:
            await _insert(
                tx,
                "INSERT INTO answers (id, created_at, user_hash, user_id, origin, guild_id, "
                "question, kind, confidence, kb_version) VALUES",
                answers,
                "ON CONFLICT (id) DO NOTHING",
            )
            await _insert(
                tx,
                "INSERT INTO answer_sources (answer_id, position, passage_id, score) VALUES",
                sources,
                "ON CONFLICT (answer_id, position) DO NOTHING",
            )
            await _insert(
                tx,
                "INSERT INTO ratings (answer_id, user_hash, user_id, vote, reason, created_at) "
                "VALUES",
                list(votes.values()),
                "ON CONFLICT (answer_id, user_hash) DO UPDATE SET "
                "vote = excluded.vote, reason = excluded.reason, created_at = excluded.created_at "
                # The later vote wins even when another process commits the earlier one last.
                "WHERE excluded.created_at >= ratings.created_at",
            )

    # ------------------------------------------------------------------ reads

    async def _read(
        self, work: Callable[[Transaction], Awaitable[Any]], *, timeout: float = 10.0
    ) -> Any:
        try:
            await asyncio.wait_for(self._ensure_ready(), timeout=timeout)

            async def run() -> Any:
                async with self.backend.transaction() as tx:
                    return await work(tx)

            return await asyncio.wait_for(run(), timeout=timeout)
        except Exception as exc:
            self._mark_down(exc)
            raise StoreUnavailableError(
                "the database is unreachable right now; try again in a minute"
            ) from exc

    async def flagged(
        self, since: float, low_confidence: float, guild_id: int | str | None = None
    ) -> list[Flagged]:
        """Answers since ``since`` (epoch seconds) that were declined, had a confidence
        under ``low_confidence``, or were rated down, oldest first; with ``guild_id``,
        only those asked in that server (an admin sees their own server's questions)."""
        guild = None if guild_id is None else str(guild_id)
        scope = (guild, guild)  # CAST: PostgreSQL must know the type of a NULL parameter

        async def work(tx: Transaction) -> list[Flagged]:
            rows = await tx.fetch(
                "SELECT a.id, a.created_at, a.question, a.kind, a.confidence, "
                "COALESCE(d.downvotes, 0) FROM answers a LEFT JOIN "
                "(SELECT answer_id, COUNT(*) AS downvotes FROM ratings WHERE vote < 0 "
                "GROUP BY answer_id) d ON d.answer_id = a.id "
                "WHERE a.created_at >= ? AND (a.kind = 'refusal' "
                "OR (a.kind = 'answer' AND a.confidence < ?) OR d.downvotes > 0) "
                "AND (CAST(? AS TEXT) IS NULL OR a.guild_id = ?) ORDER BY a.created_at, a.id",
                (since, low_confidence, *scope),
            )
            reasons = await tx.fetch(
                "SELECT r.answer_id, r.reason FROM ratings r JOIN answers a ON a.id = r.answer_id "
                "WHERE a.created_at >= ? AND r.vote < 0 AND r.reason IS NOT NULL "
                "AND (CAST(? AS TEXT) IS NULL OR a.guild_id = ?) ORDER BY r.created_at",
                (since, *scope),
            )
            said: dict[str, list[str]] = {}
            for answer_id, reason in reasons:
                said.setdefault(str(answer_id), []).append(str(reason))
            return [
                Flagged(
                    answer_id=str(r[0]),
                    created_at=float(r[1]),
                    question=str(r[2]),
                    kind=str(r[3]),
                    confidence=None if r[4] is None else float(r[4]),
                    downvotes=int(r[5]),
                    reasons=tuple(said.get(str(r[0]), ())),
                )
                for r in rows
            ]

        result: list[Flagged] = await self._read(work)
        return result

    async def vote_of(self, answer_id: str, user_id: int | str) -> tuple[int, str | None] | None:
        """One user's stored vote on one answer and its reason, or None."""
        salt = await self._salt_ready()

        async def work(tx: Transaction) -> tuple[int, str | None] | None:
            rows = await tx.fetch(
                "SELECT vote, reason FROM ratings WHERE answer_id = ? AND user_hash = ?",
                (str(answer_id), hash_user(salt, str(user_id))),
            )
            return (int(rows[0][0]), rows[0][1]) if rows else None

        result: tuple[int, str | None] | None = await self._read(work)
        return result

    async def about_user(self, user_id: int | str) -> UserData:
        """How many answers and ratings are stored for ``user_id`` (and still queued)."""
        salt = await self._salt_ready()
        user = hash_user(salt, str(user_id))

        async def work(tx: Transaction) -> tuple[int, int, float | None]:
            (a,) = await tx.fetch(
                "SELECT COUNT(*), MIN(created_at) FROM answers WHERE user_hash = ?", (user,)
            )
            (r,) = await tx.fetch(
                "SELECT COUNT(*), MIN(created_at) FROM ratings WHERE user_hash = ?", (user,)
            )
            times = [t for t in (a[1], r[1]) if t is not None]
            return int(a[0]), int(r[0]), (min(float(t) for t in times) if times else None)

        answers, ratings, oldest = await self._read(work)
        queued = sum(1 for p in self._pending if p.item.user_id == str(user_id))
        return UserData(answers, ratings, queued, oldest)

    # ------------------------------------------------------------------ deletes

    async def forget_user(self, user_id: int | str) -> int:
        """Delete everything stored (and queued) for ``user_id``; how many rows went."""
        salt = await self._salt_ready()
        user = hash_user(salt, str(user_id))

        async def work(tx: Transaction) -> int:
            gone = await tx.execute(
                "DELETE FROM answer_sources WHERE answer_id IN "
                "(SELECT id FROM answers WHERE user_hash = ?)",
                (user,),
            )
            gone += await tx.execute("DELETE FROM answers WHERE user_hash = ?", (user,))
            gone += await tx.execute("DELETE FROM ratings WHERE user_hash = ?", (user,))
            return gone

        async with self._writing:  # no batch of theirs is half written meanwhile
            queued = [p for p in self._pending if p.item.user_id == str(user_id)]
            self._pending = [p for p in self._pending if p.item.user_id != str(user_id)]
            if not self._pending:
                self._idle.set()
            deleted: int = await self._read(work)
        return deleted + len(queued)

    async def purge(self, now: float | None = None) -> int:
        """Delete what is older than the retention window; how many rows went."""
        cutoff = (time.time() if now is None else now) - self.retention_days * DAY

        async def work(tx: Transaction) -> int:
            gone = await tx.execute(
                "DELETE FROM answer_sources WHERE answer_id IN "
                "(SELECT id FROM answers WHERE created_at < ?)",
                (cutoff,),
            )
            gone += await tx.execute("DELETE FROM answers WHERE created_at < ?", (cutoff,))
            gone += await tx.execute("DELETE FROM ratings WHERE created_at < ?", (cutoff,))
            return gone

        deleted: int = await self._read(work)
        if deleted:
            log.info("Purged %d row(s) older than %d days", deleted, self.retention_days)
        return deleted

    async def _purger(self) -> None:
        while not self._closing:
            with contextlib.suppress(StoreUnavailableError):
                await self.purge()
            await asyncio.sleep(self.purge_every)

    async def _salt_ready(self) -> str:
        if self._salt is None:
            await self._read(lambda tx: asyncio.sleep(0))
        return self._salt or ""

    # ------------------------------------------------------------------ reload broadcast

    async def publish_kb_version(self, version: str) -> KbStamp:
        """Announce that this process now serves knowledge-base ``version``: the stamp's
        serial grows by one, and every :meth:`watch_kb` elsewhere sees it."""
        now = time.time()

        async def work(tx: Transaction) -> KbStamp:
            await tx.execute(
                "INSERT INTO kb_stamp (id, version, serial, updated_at) VALUES (1, ?, 1, ?) "
                "ON CONFLICT (id) DO UPDATE SET version = excluded.version, "
                "serial = kb_stamp.serial + 1, updated_at = excluded.updated_at",
                (version, now),
            )
            (row,) = await tx.fetch("SELECT version, serial, updated_at FROM kb_stamp")
            return KbStamp(str(row[0]), int(row[1]), float(row[2]))

        stamp: KbStamp = await self._read(work)
        self._watched_serial = max(stamp.serial, self._watched_serial or 0)
        return stamp

    async def kb_stamp(self) -> KbStamp | None:
        """The last published stamp, or None if no process has published one."""

        async def work(tx: Transaction) -> KbStamp | None:
            rows = await tx.fetch("SELECT version, serial, updated_at FROM kb_stamp WHERE id = 1")
            return KbStamp(str(rows[0][0]), int(rows[0][1]), float(rows[0][2])) if rows else None

        stamp: KbStamp | None = await self._read(work)
        return stamp

    def watch_kb(
        self, on_change: Callable[[KbStamp], Awaitable[None]], interval: float = 30.0
    ) -> asyncio.Task[None]:
        """Poll the stamp every ``interval`` seconds; call ``on_change`` when another
        process has published since (this process's own publishes do not count)."""

        async def poll() -> None:
            with contextlib.suppress(StoreUnavailableError):
                first = await self.kb_stamp()
                if self._watched_serial is None:
                    self._watched_serial = first.serial if first else 0
            while not self._closing:
                await asyncio.sleep(interval)
                try:
                    stamp = await self.kb_stamp()
                except StoreUnavailableError:
                    continue
                if stamp is None:
                    continue
                if self._watched_serial is None:
                    self._watched_serial = stamp.serial
                # Serials only grow: a smaller one is a read older than this process's
                # own publish, which must not count as news.
                elif stamp.serial > self._watched_serial:
                    self._watched_serial = stamp.serial
                    try:
                        await on_change(stamp)
                    except Exception:
                        log.exception("Knowledge-base change handler failed for %s", stamp)

        task = asyncio.create_task(poll(), name="store-kb-watch")
        self._tasks.append(task)
        return task


async def _insert(tx: Transaction, head: str, rows: Sequence[tuple[Any, ...]], tail: str) -> None:
    """``head (?, ...), (?, ...) tail`` for ``rows``, as few statements as the parameter
    limit allows: one statement is one step of the database, where ``executemany`` is
    one per row (each a hand-over of the GIL by SQLite's thread, which the event loop
    and the engine's thread then wait for)."""
    if not rows:
        return
    width = len(rows[0])
    group = "(" + ", ".join("?" * width) + ")"
    per = max(1, MAX_PARAMETERS // width)
    for start in range(0, len(rows), per):
        chunk = rows[start : start + per]
        values = ", ".join([group] * len(chunk))
        await tx.execute(f"{head} {values} {tail}", [v for row in chunk for v in row])


def _one_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0][:200] if text else "no details"

"""The two SQL back ends behind the store: SQLite (aiosqlite) and PostgreSQL (asyncpg).

Both speak the same small subset of SQL (the schema in :mod:`bot.store.migrations`
and the queries in :mod:`bot.store.store` are written once, with ``?``
placeholders), so the store has one code path. A back end only opens
connections, runs a transaction, and translates placeholders.

Why not SQLAlchemy: the queries are a dozen plain statements that both databases
accept as written (``ON CONFLICT ... DO UPDATE`` included), so an ORM or a query
builder would add a dependency and a layer between the bot and two drivers that
are already asynchronous, without removing a branch.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
from collections.abc import AsyncIterator, Sequence
from pathlib import Path
from typing import Any, Protocol

Row = tuple[Any, ...]
Params = Sequence[Any]

SQLITE_BUSY_TIMEOUT_MS = 5000
PG_LOCK_ID = 7_263_401  # the advisory lock that serializes migrations across processes


class Transaction(Protocol):
    """One open transaction: statements with ``?`` placeholders."""

    async def execute(self, sql: str, params: Params = ()) -> int:
        """Run one statement; the number of rows it changed."""

    async def executemany(self, sql: str, rows: Sequence[Params]) -> None:
        """Run one statement for each row of parameters."""

    async def fetch(self, sql: str, params: Params = ()) -> list[Row]:
        """Run a query; its rows as tuples."""


class Backend(Protocol):
    """A database the store writes to."""

    name: str  # "sqlite" or "postgresql"

    async def connect(self) -> None:
        """Open the connection (or pool); raises when the database is unreachable."""

    async def close(self) -> None:
        """Close every connection."""

    def transaction(self, *, lock: bool = False) -> contextlib.AbstractAsyncContextManager[Any]:
        """A transaction (committed on success); ``lock`` also serializes it across
        processes (for migrations)."""


class SqliteBackend:
    """One SQLite file in WAL mode with a busy timeout, through aiosqlite's thread."""

    name = "sqlite"

    def __init__(self, path: Path, *, busy_timeout_ms: int = SQLITE_BUSY_TIMEOUT_MS) -> None:
        """Use the database file at ``path`` (created, with its folder, on connect)."""
        self.path = path
        self.busy_timeout_ms = busy_timeout_ms
        self._conn: Any = None
        self._lock = asyncio.Lock()  # one connection: one transaction at a time on it

    async def connect(self) -> None:
        """Open the file and set WAL mode, the busy timeout and normal syncing."""
        import aiosqlite

        if self._conn is not None:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        conn = await aiosqlite.connect(
            self.path, timeout=self.busy_timeout_ms / 1000, isolation_level=None
        )
        try:
            await conn.execute(f"PRAGMA busy_timeout = {int(self.busy_timeout_ms)}")
            await conn.execute("PRAGMA journal_mode = WAL")
            await conn.execute("PRAGMA synchronous = NORMAL")
        except BaseException:
            await conn.close()
            raise
        self._conn = conn

    async def close(self) -> None:
        """Close the connection (after the transaction in progress, if any)."""
        async with self._lock:
            conn, self._conn = self._conn, None
            if conn is not None:
                await conn.close()

    @contextlib.asynccontextmanager
    async def transaction(self, *, lock: bool = False) -> AsyncIterator[_SqliteTx]:
        """``BEGIN IMMEDIATE``: takes the write lock at once, so concurrent writers queue on
        the busy timeout instead of failing on a lock upgrade."""
        async with self._lock:
            if self._conn is None:
                await self.connect()
            conn = self._conn
            if conn.in_transaction:  # left open by a failure: start clean
                await conn.execute("ROLLBACK")
            await conn.execute("BEGIN IMMEDIATE")
            try:
                yield _SqliteTx(conn)
                await conn.execute("COMMIT")  # a busy COMMIT is rolled back, never left open
            except BaseException:
                with contextlib.suppress(Exception):
                    await conn.execute("ROLLBACK")
                raise


class _SqliteTx:
    def __init__(self, conn: Any) -> None:
        self._conn = conn

    async def execute(self, sql: str, params: Params = ()) -> int:
        cursor = await self._conn.execute(sql, tuple(params))
        count = int(cursor.rowcount)
        await cursor.close()
        return max(count, 0)

    async def executemany(self, sql: str, rows: Sequence[Params]) -> None:
        if rows:
            await self._conn.executemany(sql, [tuple(r) for r in rows])

    async def fetch(self, sql: str, params: Params = ()) -> list[Row]:
        cursor = await self._conn.execute(sql, tuple(params))
        rows = await cursor.fetchall()
        await cursor.close()
        return [tuple(r) for r in rows]


_PLACEHOLDER = re.compile(r"\?")


def numbered(sql: str) -> str:
    """``?`` placeholders as PostgreSQL's ``$1, $2, ...`` (our SQL has no literal ``?``)."""
    counter = iter(range(1, 10_000))
    return _PLACEHOLDER.sub(lambda _: f"${next(counter)}", sql)


class PostgresBackend:
    """A PostgreSQL server, through an asyncpg connection pool."""

    name = "postgresql"

    def __init__(self, url: str, *, min_size: int = 1, max_size: int = 4) -> None:
        """Use the server at ``url`` (``postgresql://user:password@host:port/db``)."""
        self.url = url
        self.min_size = min_size
        self.max_size = max_size
        self._pool: Any = None

    async def connect(self) -> None:
        """Open the pool (one connection at first)."""
        import asyncpg

        if self._pool is not None:
            return
        self._pool = await asyncpg.create_pool(
            self.url,
            min_size=self.min_size,
            max_size=self.max_size,
            command_timeout=10,
            timeout=5,
        )

    async def close(self) -> None:
        """Close the pool (at most a few seconds if the server is gone)."""
        pool, self._pool = self._pool, None
        if pool is not None:
            try:
                await pool.close()
            except Exception:
                pool.terminate()

    @contextlib.asynccontextmanager
    async def transaction(self, *, lock: bool = False) -> AsyncIterator[_PostgresTx]:
        """A transaction on a pooled connection; ``lock`` takes the migration advisory lock."""
        if self._pool is None:
            await self.connect()
        async with self._pool.acquire() as conn, conn.transaction():
            if lock:
                await conn.execute("SELECT pg_advisory_xact_lock($1)", PG_LOCK_ID)
            yield _PostgresTx(conn)


class _PostgresTx:
    def __init__(self, conn: Any) -> None:
        self._conn = conn

    async def execute(self, sql: str, params: Params = ()) -> int:
        status = await self._conn.execute(numbered(sql), *params)
        tail = str(status).rsplit(" ", 1)[-1]
        return int(tail) if tail.isdigit() else 0

    async def executemany(self, sql: str, rows: Sequence[Params]) -> None:
        if rows:
            await self._conn.executemany(numbered(sql), [tuple(r) for r in rows])

    async def fetch(self, sql: str, params: Params = ()) -> list[Row]:
        records = await self._conn.fetch(numbered(sql), *params)
        return [tuple(r) for r in records]


def backend_for(url: str) -> SqliteBackend | PostgresBackend:
    """The back end for a store URL: ``sqlite:///path`` or ``postgresql://...``.

    Raises ``ValueError`` naming the scheme when it is neither.
    """
    if url.startswith(("postgresql://", "postgres://")):
        return PostgresBackend(url)
    if url.startswith("sqlite:///"):
        return SqliteBackend(Path(url.removeprefix("sqlite:///")).expanduser())
    if url.startswith("sqlite://"):
        return SqliteBackend(Path(url.removeprefix("sqlite://")).expanduser())
    scheme = url.split(":", 1)[0] if ":" in url else url[:20]
    raise ValueError(f"unsupported database {scheme!r}: use sqlite:///FILE or postgresql://...")

"""The store's schema, as numbered migrations that both back ends run as written.

:func:`migrate` is called at start-up: it applies, in order and each in one
transaction, every migration the database has not had yet, and records it in
``schema_migrations``. Two processes starting at once are serialized (SQLite's
write lock, PostgreSQL's advisory lock), so each migration runs once.

To change the schema, append a migration; never edit one that has shipped.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from bot.store.backends import Backend, Transaction


@dataclass(frozen=True)
class Migration:
    """One step of the schema: its number, what it does, and its statements."""

    version: int
    description: str
    statements: tuple[str, ...]


MIGRATIONS: tuple[Migration, ...] = (
    Migration(
        1,
        "answers served, the passages they cite, ratings, and the store's own settings",
        (
            """CREATE TABLE answers (
                id TEXT PRIMARY KEY,
                created_at DOUBLE PRECISION NOT NULL,
                user_hash TEXT NOT NULL,
                user_id TEXT,
                origin TEXT NOT NULL,
                guild_id TEXT,
                question TEXT NOT NULL,
                kind TEXT NOT NULL,
                confidence DOUBLE PRECISION,
                kb_version TEXT NOT NULL
            )""",
            """CREATE TABLE answer_sources (
                answer_id TEXT NOT NULL,
                position INTEGER NOT NULL,
                passage_id TEXT NOT NULL,
                score DOUBLE PRECISION NOT NULL,
                PRIMARY KEY (answer_id, position)
            )""",
            """CREATE TABLE ratings (
                answer_id TEXT NOT NULL,
                user_hash TEXT NOT NULL,
                user_id TEXT,
                vote SMALLINT NOT NULL,
                reason TEXT,
                created_at DOUBLE PRECISION NOT NULL,
                PRIMARY KEY (answer_id, user_hash)
            )""",
            "CREATE TABLE store_settings (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
        ),
    ),
    Migration(
        2,
        "the knowledge-base stamp other processes poll, and the indexes purge and forget use",
        (
            """CREATE TABLE kb_stamp (
                id INTEGER PRIMARY KEY,
                version TEXT NOT NULL,
                serial BIGINT NOT NULL,
                updated_at DOUBLE PRECISION NOT NULL
            )""",
            "CREATE INDEX answers_created_at ON answers (created_at)",
            "CREATE INDEX answers_user_hash ON answers (user_hash)",
            "CREATE INDEX answers_guild_created_at ON answers (guild_id, created_at)",
            "CREATE INDEX ratings_created_at ON ratings (created_at)",
            "CREATE INDEX ratings_user_hash ON ratings (user_hash)",
        ),
    ),
)

LATEST = MIGRATIONS[-1].version

_CREATE_LEDGER = """CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY,
    description TEXT NOT NULL,
    applied_at DOUBLE PRECISION NOT NULL
)"""


async def applied_versions(tx: Transaction) -> set[int]:
    """The migrations this database has had."""
    await tx.execute(_CREATE_LEDGER)
    return {int(r[0]) for r in await tx.fetch("SELECT version FROM schema_migrations")}


async def migrate(backend: Backend, upto: int = LATEST) -> list[int]:
    """Apply the missing migrations up to ``upto``; the versions applied now, in order."""
    done: list[int] = []
    async with backend.transaction(lock=True) as tx:
        have = await applied_versions(tx)
    for migration in MIGRATIONS:
        if migration.version > upto or migration.version in have:
            continue
        async with backend.transaction(lock=True) as tx:
            if migration.version in await applied_versions(tx):
                continue  # another process got there first
            for statement in migration.statements:
                await tx.execute(statement)
            await tx.execute(
                "INSERT INTO schema_migrations (version, description, applied_at) VALUES (?, ?, ?)",
                (migration.version, migration.description, time.time()),
            )
        done.append(migration.version)
    return done


async def schema_version(backend: Backend) -> int:
    """The highest migration applied (0 for an empty database)."""
    async with backend.transaction(lock=True) as tx:
        have = await applied_versions(tx)
    return max(have, default=0)

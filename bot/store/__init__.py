"""What the bot remembers: answers served, ratings, and the gaps they show.

:func:`open_store` builds the store the settings ask for: SQLite under
``DATA_DIR`` by default, PostgreSQL when ``DATABASE_URL=postgresql://...``, or
:class:`DisabledStore` when ``STORE_QUESTIONS=false``. Nothing here imports
``discord``; see ``README.md``, "What the bot remembers".
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.store.backends import backend_for
from bot.store.store import (
    Flagged,
    KbStamp,
    Store,
    StoreStats,
    StoreUnavailableError,
    UserData,
    hash_user,
)

if TYPE_CHECKING:
    from bot.settings import Settings

OFF = "storing is switched off on this bot (STORE_QUESTIONS=false)"


class DisabledStore(Store):
    """A store that keeps nothing (``STORE_QUESTIONS=false``): writes are ignored, reads
    raise :class:`StoreUnavailableError` saying it is off."""

    enabled = False

    def __init__(self) -> None:
        """Nothing to open."""
        super().__init__(backend_for("sqlite:///:memory:"), purge_every=0)

    async def start(self) -> None:
        """Nothing to start."""

    async def close(self, timeout: float = 5.0) -> None:
        """Nothing to close."""

    def _enqueue(self, item: object) -> bool:
        return False

    async def _read(self, work: object, *, timeout: float = 10.0) -> object:
        raise StoreUnavailableError(OFF)


def open_store(settings: Settings) -> Store:
    """The store the settings describe (not started: call ``await store.start()``)."""
    if not settings.store_questions:
        return DisabledStore()
    return Store(
        backend_for(settings.store_url()),
        salt=settings.store_salt,
        keep_user_ids=settings.store_user_ids,
        retention_days=settings.retention_days,
    )


__all__ = [
    "DisabledStore",
    "Flagged",
    "KbStamp",
    "Store",
    "StoreStats",
    "StoreUnavailableError",
    "UserData",
    "hash_user",
    "open_store",
]

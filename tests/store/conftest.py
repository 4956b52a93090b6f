"""Fixtures: a fresh store on each back end (the PostgreSQL server is tests/conftest.py's)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.store import Store
from bot.store.backends import backend_for


@pytest.fixture
async def store(store_url: str) -> AsyncIterator[Store]:
    """A started store on an empty database, closed afterwards."""
    opened = Store(backend_for(store_url), purge_every=0)
    await opened.start()
    try:
        yield opened
    finally:
        await opened.close()

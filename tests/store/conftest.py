"""Fixtures: a fresh store on each back end (the PostgreSQL server is tests/conftest.py's)."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.store import Store
from bot.store.backends import backend_for
from tests.pgserver import PostgresServer


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The URL of an empty database on each back end."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'store.sqlite3'}"
    server: PostgresServer = request.getfixturevalue("postgres")
    return server.create_database(f"t_{uuid.uuid4().hex[:12]}")


@pytest.fixture
async def store(store_url: str) -> AsyncIterator[Store]:
    """A started store on an empty database, closed afterwards."""
    opened = Store(backend_for(store_url), purge_every=0)
    await opened.start()
    try:
        yield opened
    finally:
        await opened.close()

"""Fixtures: a real PostgreSQL server for the session, and a fresh store on each back end."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from bot.store import Store
from bot.store.backends import backend_for
from tests.pgserver import PostgresServer, server_bin


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresServer]:
    """A PostgreSQL server on 127.0.0.1 for the whole run (skipped, except in CI, when
    PostgreSQL is not installed: .ci/run installs it)."""
    bin_dir = server_bin()
    if bin_dir is None:
        message = "PostgreSQL server binaries not found (apt-get install postgresql)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    server = PostgresServer(bin_dir)
    server.start()
    try:
        yield server
    finally:
        server.cleanup()


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

"""Shared fixtures: the fake Discord plugin, a temporary data folder, a PostgreSQL server."""

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.pgserver import PostgresServer, server_bin

pytest_plugins = ["tests.fakediscord.plugin"]


@pytest.fixture(autouse=True)
def _store_in_a_temporary_folder(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The console records to the store: never into the real user's data folder."""
    monkeypatch.setenv("DATA_DIR", str(tmp_path_factory.mktemp("data")))
    for name in ("DATABASE_URL", "STORE_QUESTIONS", "STORE_USER_IDS", "STORE_SALT"):
        monkeypatch.delenv(name, raising=False)


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

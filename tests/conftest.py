import pytest

pytest_plugins = ["tests.fakediscord.plugin"]


@pytest.fixture(autouse=True)
def _store_in_a_temporary_folder(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The console records to the store: never into the real user's data folder."""
    monkeypatch.setenv("DATA_DIR", str(tmp_path_factory.mktemp("data")))
    for name in ("DATABASE_URL", "STORE_QUESTIONS", "STORE_USER_IDS", "STORE_SALT"):
        monkeypatch.delenv(name, raising=False)

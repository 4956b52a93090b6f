"""Settings.from_env: the .env parser, precedence, validation and token secrecy."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest

from bot.settings import (
    ENV_VARS,
    Settings,
    SettingsError,
    application_id_from_token,
    parse_env_file,
    parse_env_text,
)

ROOT = Path(__file__).resolve().parents[1]

TOKEN = "MTEwMDAwMDAwMDAwMDAwMDAwMQ.GaBcDe.abcdefghijklmnopqrstuvwxyz0123456789_-AB"


def settings(**env: str) -> Settings:
    return Settings.from_env(env, env_file=None)


def test_defaults() -> None:
    s = settings()
    assert s.token is None and s.application_id is None and s.dev_guild_id is None
    assert s.log_level == "INFO"
    assert (s.ask_cooldown_rate, s.ask_cooldown_seconds) == (5, 60.0)
    assert s.knowledge_path is None and s.shard_count is None and s.shard_ids is None


def test_every_variable(tmp_path: Path) -> None:
    s = settings(
        DISCORD_TOKEN=TOKEN,
        DISCORD_APPLICATION_ID="1100000000000000001",
        DEV_GUILD_ID="1200000000000000001",
        LOG_LEVEL="debug",
        ASK_COOLDOWN_RATE="3",
        ASK_COOLDOWN_SECONDS="7.5",
        KNOWLEDGE_PATH=str(tmp_path),
        SHARD_COUNT="4",
        SHARD_IDS="0, 2",
    )
    assert s.token == TOKEN
    assert s.application_id == 1100000000000000001
    assert s.dev_guild_id == 1200000000000000001
    assert s.log_level == "DEBUG"
    assert (s.ask_cooldown_rate, s.ask_cooldown_seconds) == (3, 7.5)
    assert s.knowledge_path == tmp_path
    assert (s.shard_count, s.shard_ids) == (4, (0, 2))


def test_empty_values_count_as_unset() -> None:
    s = settings(DISCORD_TOKEN="", DEV_GUILD_ID="", SHARD_COUNT=" ")
    assert s.token is None and s.dev_guild_id is None and s.shard_count is None


def test_env_file_parsing() -> None:
    text = """
    # a comment
    export DISCORD_TOKEN=abc.def.ghi
    LOG_LEVEL = warning   # trailing comment
    A='single # not a comment \\n'
    B="double \\"quoted\\"\\nnext"
    C=value#not-a-comment
    EMPTY=
    """
    assert parse_env_text(text) == {
        "DISCORD_TOKEN": "abc.def.ghi",
        "LOG_LEVEL": "warning",
        "A": "single # not a comment \\n",
        "B": 'double "quoted"\nnext',
        "C": "value#not-a-comment",
        "EMPTY": "",
    }


@pytest.mark.parametrize("line", ["just words", "=value", "1KEY=x", 'KEY="unterminated'])
def test_env_file_errors_name_the_line(line: str) -> None:
    with pytest.raises(SettingsError, match=r"\.env, line 2"):
        parse_env_text(f"OK=1\n{line}\n")


def test_real_environment_wins_over_env_file(tmp_path: Path) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text("LOG_LEVEL=DEBUG\nDEV_GUILD_ID=42\n", encoding="utf-8")
    s = Settings.from_env({"LOG_LEVEL": "ERROR"}, env_file=env_file)
    assert s.log_level == "ERROR"
    assert s.dev_guild_id == 42


def test_missing_env_file_is_fine(tmp_path: Path) -> None:
    assert Settings.from_env({}, env_file=tmp_path / "nope").log_level == "INFO"


@pytest.mark.parametrize(
    ("env", "variable"),
    [
        ({"DISCORD_APPLICATION_ID": "abc"}, "DISCORD_APPLICATION_ID"),
        ({"DEV_GUILD_ID": "-5"}, "DEV_GUILD_ID"),
        ({"LOG_LEVEL": "LOUD"}, "LOG_LEVEL"),
        ({"ASK_COOLDOWN_RATE": "many"}, "ASK_COOLDOWN_RATE"),
        ({"ASK_COOLDOWN_RATE": "-1"}, "ASK_COOLDOWN_RATE"),
        ({"ASK_COOLDOWN_SECONDS": "0"}, "ASK_COOLDOWN_SECONDS"),
        ({"ASK_COOLDOWN_SECONDS": "nan"}, "ASK_COOLDOWN_SECONDS"),
        ({"KNOWLEDGE_PATH": "/does/not/exist"}, "KNOWLEDGE_PATH"),
        ({"SHARD_COUNT": "0"}, "SHARD_COUNT"),
        ({"SHARD_IDS": "0"}, "SHARD_IDS"),
        ({"SHARD_COUNT": "2", "SHARD_IDS": "0,2"}, "SHARD_IDS"),
        ({"SHARD_COUNT": "2", "SHARD_IDS": "0,x"}, "SHARD_IDS"),
        ({"SHARD_COUNT": "2", "SHARD_IDS": "1,1"}, "SHARD_IDS"),
        # str.isdigit() says yes to these; int() then raised a traceback.
        ({"DISCORD_APPLICATION_ID": "²"}, "DISCORD_APPLICATION_ID"),
        ({"DEV_GUILD_ID": "¹²"}, "DEV_GUILD_ID"),
        ({"SHARD_COUNT": "2", "SHARD_IDS": "²"}, "SHARD_IDS"),
        ({"SHARD_COUNT": "²"}, "SHARD_COUNT"),
        ({"ASK_COOLDOWN_RATE": "٣"}, "ASK_COOLDOWN_RATE"),
        # Accepted before, then every rate-limited ask raised OverflowError.
        ({"ASK_COOLDOWN_SECONDS": "1e12"}, "ASK_COOLDOWN_SECONDS"),
    ],
)
def test_invalid_values_name_the_variable(env: dict[str, str], variable: str) -> None:
    with pytest.raises(SettingsError, match=variable):
        settings(**env)


@pytest.mark.parametrize(
    "token",
    [
        "Bot " + TOKEN,
        TOKEN + "\n",
        TOKEN.replace(".", " ", 1),
        "only-one-part",
        "two.parts",
        "four.parts.are.wrong",
        "bad!chars.in.token",
        '"' + TOKEN + '"',
    ],
)
def test_malformed_token_is_rejected_without_echoing_it(token: str) -> None:
    with pytest.raises(SettingsError, match="DISCORD_TOKEN is malformed") as caught:
        settings(DISCORD_TOKEN=token)
    assert TOKEN not in str(caught.value)
    assert "GaBcDe" not in str(caught.value)


def test_token_stays_out_of_repr() -> None:
    s = settings(DISCORD_TOKEN=TOKEN)
    assert TOKEN not in repr(s)


def test_require_token() -> None:
    with pytest.raises(SettingsError, match="DISCORD_TOKEN is not set"):
        settings().require_token()
    assert settings(DISCORD_TOKEN=TOKEN).require_token() == TOKEN


def test_application_id_from_the_token() -> None:
    assert application_id_from_token(TOKEN) == 1100000000000000001
    assert application_id_from_token("fake-bot-token.for-tests.only") is None
    assert settings(DISCORD_TOKEN=TOKEN).require_application_id() == 1100000000000000001
    assert settings(DISCORD_APPLICATION_ID="7").require_application_id() == 7
    with pytest.raises(SettingsError, match="DISCORD_APPLICATION_ID is not set"):
        settings().require_application_id()
    head = base64.urlsafe_b64encode(b"hello").decode().rstrip("=")
    assert application_id_from_token(f"{head}.a.b") is None


def test_env_example_documents_every_variable_and_loads() -> None:
    example = ROOT / ".env.example"
    assert tuple(parse_env_file(example)) == ENV_VARS
    text = example.read_text(encoding="utf-8")
    blocks = text.split("\n\n")
    for name in ENV_VARS:  # each one sits in a block that starts with a comment
        (block,) = [b for b in blocks if f"\n{name}=" in f"\n{b}"]
        assert block.lstrip().startswith("#"), name
    assert Settings.from_env({}, env_file=example) == Settings()


def test_every_variable_is_read() -> None:
    source = (ROOT / "bot" / "settings.py").read_text(encoding="utf-8")
    for name in ENV_VARS:
        assert source.count(f'"{name}"') >= 2, name  # listed and read


def test_procfile_runs_the_bot() -> None:
    assert (ROOT / "Procfile").read_text(encoding="utf-8") == "worker: python -m bot run\n"


def test_store_settings() -> None:
    settings = Settings.from_env(
        {
            "DATA_DIR": "~/botdata",
            "DATABASE_URL": "postgresql://bot:secret@db:5432/bot",
            "STORE_QUESTIONS": "no",
            "STORE_USER_IDS": "TRUE",
            "RETENTION_DAYS": "7",
            "STORE_SALT": "pepper",
        },
        env_file=None,
    )
    assert settings.data_dir == Path("~/botdata").expanduser()
    assert settings.store_url() == "postgresql://bot:secret@db:5432/bot"
    assert (settings.store_questions, settings.store_user_ids) == (False, True)
    assert settings.retention_days == 7 and settings.store_salt == "pepper"
    assert "secret" not in repr(settings) and "pepper" not in repr(settings)
    for name, value, message in (
        ("STORE_QUESTIONS", "maybe", "STORE_QUESTIONS must be true or false"),
        ("RETENTION_DAYS", "0", "RETENTION_DAYS must be at least 1"),
        ("DATABASE_URL", "mysql://x", "DATABASE_URL must start with sqlite:/// or postgresql://"),
    ):
        with pytest.raises(SettingsError, match=message):
            Settings.from_env({name: value}, env_file=None)

"""Configuration of the Discord bot, read from the environment and an optional ``.env`` file.

Nothing here imports ``discord`` and nothing is read at import time: call
:meth:`Settings.from_env` where the settings are needed (the CLI handlers do).
The token is never part of an error message or of the dataclass ``repr``.
"""

from __future__ import annotations

import base64
import binascii
import logging
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from bot.health import DEFAULT_PATH as DEFAULT_HEALTH_FILE

log = logging.getLogger(__name__)

LOG_LEVELS = ("CRITICAL", "ERROR", "WARNING", "INFO", "DEBUG")

#: Every environment variable :meth:`Settings.from_env` reads (documented in ``.env.example``).
ENV_VARS = (
    "DISCORD_TOKEN",
    "DISCORD_APPLICATION_ID",
    "DEV_GUILD_ID",
    "LOG_LEVEL",
    "ASK_COOLDOWN_RATE",
    "ASK_COOLDOWN_SECONDS",
    "KNOWLEDGE_PATH",
    "SHARD_COUNT",
    "SHARD_IDS",
    "DATA_DIR",
    "DATABASE_URL",
    "STORE_QUESTIONS",
    "STORE_USER_IDS",
    "RETENTION_DAYS",
    "STORE_SALT",
    "KB_POLL_SECONDS",
    "HEALTH_FILE",
)

# A bot token is three dot-separated base64url parts: the application id, a
# timestamp and an HMAC. Checking the shape catches the common copy-paste
# mistakes (a "Bot " prefix, quotes, a line break, the client secret) early.
_TOKEN_RE = re.compile(r"[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+")
_KEY_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_DIGITS = re.compile(r"[0-9]+")
MAX_SECONDS = 86_400  # the longest cooldown window: past it, timers overflow
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\", "$": "$"}


class SettingsError(ValueError):
    """A setting is missing or invalid; the message names the variable."""


@dataclass(frozen=True)
class Settings:
    """Everything the Discord layer can be configured with.

    ``token`` is kept out of ``repr`` so that logging the settings is safe.
    """

    token: str | None = field(default=None, repr=False)
    application_id: int | None = None
    dev_guild_id: int | None = None
    log_level: str = "INFO"
    ask_cooldown_rate: int = 5
    ask_cooldown_seconds: float = 60.0
    knowledge_path: Path | None = None
    shard_count: int | None = None
    shard_ids: tuple[int, ...] | None = None
    data_dir: Path | None = None
    database_url: str | None = field(default=None, repr=False)  # may hold a password
    store_questions: bool = True
    store_user_ids: bool = False
    retention_days: int = 30
    store_salt: str | None = field(default=None, repr=False)
    kb_poll_seconds: float = 10.0  # how often to look for another process's reload
    health_file: Path = DEFAULT_HEALTH_FILE

    @classmethod
    def from_env(
        cls,
        environ: Mapping[str, str] | None = None,
        env_file: Path | None = Path(".env"),
    ) -> Settings:
        """Build the settings from ``environ`` (default ``os.environ``) and ``env_file``.

        The ``.env`` file is optional; values in the real environment win over it.
        Empty values count as unset. Raises :class:`SettingsError` naming the
        variable when a value is invalid.
        """
        values: dict[str, str] = {}
        if env_file is not None and env_file.is_file():
            values.update(parse_env_file(env_file))
        values.update(os.environ if environ is None else environ)

        def get(name: str) -> str | None:
            value = values.get(name, "").strip()
            return value or None

        raw_token = values.get("DISCORD_TOKEN", "")
        token = raw_token if raw_token.strip() else None
        if token is not None:
            check_token(token)

        shard_count = _positive_int(get("SHARD_COUNT"), "SHARD_COUNT")
        shard_ids = _shard_ids(get("SHARD_IDS"), shard_count)
        level = (get("LOG_LEVEL") or "INFO").upper()
        if level not in LOG_LEVELS:
            raise SettingsError(f"LOG_LEVEL must be one of {', '.join(LOG_LEVELS)}, got {level!r}")
        rate = _int(get("ASK_COOLDOWN_RATE"), "ASK_COOLDOWN_RATE", default=5, minimum=0)
        per = _float(get("ASK_COOLDOWN_SECONDS"), "ASK_COOLDOWN_SECONDS", default=60.0)
        knowledge = get("KNOWLEDGE_PATH")
        knowledge_path = Path(knowledge).expanduser() if knowledge else None
        if knowledge_path is not None and not knowledge_path.exists():
            raise SettingsError(f"KNOWLEDGE_PATH {str(knowledge_path)!r} does not exist")
        data_dir = get("DATA_DIR")
        database_url = get("DATABASE_URL")
        if database_url is not None and not database_url.startswith(DATABASE_SCHEMES):
            raise SettingsError(
                "DATABASE_URL must start with sqlite:/// or postgresql:// "
                f"(got {database_url.split(':', 1)[0][:20]!r}...)"
            )
        retention = _int(get("RETENTION_DAYS"), "RETENTION_DAYS", default=30, minimum=1)
        health = get("HEALTH_FILE")
        return cls(
            data_dir=Path(data_dir).expanduser() if data_dir else None,
            database_url=database_url,
            store_questions=_bool(get("STORE_QUESTIONS"), "STORE_QUESTIONS", default=True),
            store_user_ids=_bool(get("STORE_USER_IDS"), "STORE_USER_IDS", default=False),
            retention_days=min(retention, 3650),
            store_salt=get("STORE_SALT"),
            kb_poll_seconds=_float(get("KB_POLL_SECONDS"), "KB_POLL_SECONDS", default=10.0),
            token=token,
            application_id=_snowflake(get("DISCORD_APPLICATION_ID"), "DISCORD_APPLICATION_ID"),
            dev_guild_id=_snowflake(get("DEV_GUILD_ID"), "DEV_GUILD_ID"),
            log_level=level,
            ask_cooldown_rate=rate,
            ask_cooldown_seconds=per,
            knowledge_path=knowledge_path,
            shard_count=shard_count,
            shard_ids=shard_ids,
            health_file=Path(health).expanduser() if health else DEFAULT_HEALTH_FILE,
        )

    def store_url(self, environ: Mapping[str, str] | None = None) -> str:
        """Where the store lives: ``DATABASE_URL``, else ``bot.sqlite3`` in ``DATA_DIR``
        (default ``$XDG_DATA_HOME/mlgenai-bot``, i.e. ``~/.local/share/mlgenai-bot``)."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{self.resolved_data_dir(environ) / 'bot.sqlite3'}"

    def resolved_data_dir(self, environ: Mapping[str, str] | None = None) -> Path:
        """``DATA_DIR``, or the user's data folder when it is not set."""
        if self.data_dir is not None:
            return self.data_dir
        env = os.environ if environ is None else environ
        base = env.get("XDG_DATA_HOME", "").strip()
        return (Path(base) if base else Path.home() / ".local" / "share") / "mlgenai-bot"

    def require_token(self) -> str:
        """Return the bot token, or raise :class:`SettingsError` when it is not set."""
        if not self.token:
            raise SettingsError(
                "DISCORD_TOKEN is not set: copy the bot token from the developer portal "
                "(Bot tab, Reset Token) into .env or the environment"
            )
        return self.token

    def require_application_id(self) -> int:
        """Return the application id, taken from the token when it is not set explicitly."""
        if self.application_id is not None:
            return self.application_id
        from_token = application_id_from_token(self.token) if self.token else None
        if from_token is None:
            raise SettingsError(
                "DISCORD_APPLICATION_ID is not set: copy the Application ID from the "
                "developer portal (General Information) into .env or the environment"
            )
        return from_token


def check_token(token: str) -> None:
    """Raise :class:`SettingsError` unless ``token`` looks like a Discord bot token.

    The message describes the problem without repeating the token.
    """
    if any(ch.isspace() for ch in token):
        hint = " (drop the 'Bot ' prefix)" if token.lower().startswith("bot ") else ""
        raise SettingsError(f"DISCORD_TOKEN is malformed: it contains whitespace{hint}")
    if not _TOKEN_RE.fullmatch(token):
        raise SettingsError(
            "DISCORD_TOKEN is malformed: expected three dot-separated base64 parts "
            "(copy it again from the Bot tab of the developer portal)"
        )


def application_id_from_token(token: str) -> int | None:
    """The application id encoded in the first part of a bot token, if it decodes to one."""
    head = token.split(".", 1)[0]
    try:
        decoded = base64.urlsafe_b64decode(head + "=" * (-len(head) % 4)).decode("ascii")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None
    return int(decoded) if _digits(decoded) and 0 < int(decoded) < 2**64 else None


def parse_env_file(path: Path) -> dict[str, str]:
    """Parse a ``.env`` file: ``KEY=VALUE`` lines, ``#`` comments, quotes, ``export``.

    Single-quoted values are literal; double-quoted values understand ``\\n``,
    ``\\t``, ``\\"`` and ``\\\\``; unquoted values end at `` #``. Raises
    :class:`SettingsError` naming the file and line (never the value) on a line
    that is not an assignment.
    """
    return parse_env_text(path.read_text(encoding="utf-8"), source=str(path))


def parse_env_text(text: str, source: str = ".env") -> dict[str, str]:
    """Parse the text of a ``.env`` file; see :func:`parse_env_file`."""
    result: dict[str, str] = {}
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("export "):
            line = line[len("export ") :].lstrip()
        key, sep, rest = line.partition("=")
        key = key.strip()
        if not sep or not _KEY_RE.fullmatch(key):
            raise SettingsError(f"{source}, line {number}: expected KEY=VALUE")
        try:
            result[key] = _env_value(rest.strip())
        except SettingsError:
            raise SettingsError(f"{source}, line {number}: unterminated quote in {key}") from None
    return result


def _env_value(rest: str) -> str:
    if rest[:1] in ("'", '"'):
        quote = rest[0]
        out: list[str] = []
        i = 1
        while i < len(rest):
            ch = rest[i]
            if ch == quote:
                return "".join(out)
            if quote == '"' and ch == "\\" and i + 1 < len(rest):
                nxt = rest[i + 1]
                out.append(_ESCAPES.get(nxt, "\\" + nxt))
                i += 2
                continue
            out.append(ch)
            i += 1
        raise SettingsError("unterminated quote")
    comment = re.search(r"\s#", rest)
    return (rest[: comment.start()] if comment else rest).strip()


def _digits(text: str) -> bool:
    """ASCII digits only: str.isdigit() also accepts "²", which int() then rejects."""
    return _DIGITS.fullmatch(text) is not None


def _int(raw: str | None, name: str, *, default: int, minimum: int) -> int:
    if raw is None:
        return default
    if not _digits(raw.strip().removeprefix("-")):
        raise SettingsError(f"{name} must be a whole number, got {raw!r}")
    value = int(raw)
    if value < minimum:
        raise SettingsError(f"{name} must be at least {minimum}, got {value}")
    return value


_TRUE = frozenset({"1", "true", "yes", "on"})
_FALSE = frozenset({"0", "false", "no", "off"})
DATABASE_SCHEMES = ("sqlite://", "postgresql://", "postgres://")


def _bool(raw: str | None, name: str, *, default: bool) -> bool:
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise SettingsError(f"{name} must be true or false, got {raw[:20]!r}")


def _positive_int(raw: str | None, name: str) -> int | None:
    return None if raw is None else _int(raw, name, default=0, minimum=1)


def _float(raw: str | None, name: str, *, default: float) -> float:
    if raw is None:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise SettingsError(f"{name} must be a number of seconds, got {raw!r}") from None
    if not value > 0 or value == float("inf"):
        raise SettingsError(f"{name} must be a positive number of seconds, got {raw!r}")
    if value > MAX_SECONDS:
        raise SettingsError(f"{name} must be at most {MAX_SECONDS:,} seconds (a day), got {raw!r}")
    return value


def _snowflake(raw: str | None, name: str) -> int | None:
    if raw is None:
        return None
    if not _digits(raw) or not 0 < int(raw) < 2**64:
        raise SettingsError(f"{name} must be a Discord id (digits only), got {raw!r}")
    return int(raw)


def _shard_ids(raw: str | None, shard_count: int | None) -> tuple[int, ...] | None:
    if raw is None:
        return None
    if shard_count is None:
        raise SettingsError("SHARD_IDS needs SHARD_COUNT (the total number of shards)")
    ids: list[int] = []
    for part in raw.split(","):
        part = part.strip()
        if not _digits(part):
            raise SettingsError(f"SHARD_IDS must be comma-separated numbers, got {raw!r}")
        shard = int(part)
        if shard >= shard_count:
            raise SettingsError(
                f"SHARD_IDS: shard {shard} is out of range for SHARD_COUNT={shard_count}"
            )
        if shard in ids:
            raise SettingsError(f"SHARD_IDS: shard {shard} is listed twice")
        ids.append(shard)
    return tuple(ids)

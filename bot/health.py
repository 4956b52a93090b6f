"""The health file: what ``python -m bot health`` (a container's health check) reads.

The running bot writes its gateway state to one small JSON file, atomically,
whenever it changes and every :data:`INTERVAL` seconds; ``health`` reads it
from another process (Docker's ``HEALTHCHECK`` runs in the same container) and
says in one line whether the bot is connected. No port is opened for this. No
``discord`` import: the Discord layer passes plain values.
"""

from __future__ import annotations

import json
import os
import tempfile
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

#: Seconds between rewrites of the file while the bot runs.
INTERVAL = 10.0
#: A file older than this means the bot is stuck or gone.
MAX_AGE = 3 * INTERVAL
DEFAULT_PATH = Path(tempfile.gettempdir()) / "mlgenai-bot-health.json"


def write_status(path: Path, *, ready: bool, shards: Mapping[int, bool], now: float) -> None:
    """Replace the file with the bot's state: ready, and which shards are connected."""
    status = {
        "pid": os.getpid(),
        "updated": now,
        "ready": ready,
        "shards": {str(shard): connected for shard, connected in sorted(shards.items())},
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(prefix=".health-", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(status, handle)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


@dataclass(frozen=True)
class Health:
    """The verdict: healthy or not, and one line saying why."""

    healthy: bool
    message: str


def check(path: Path, now: float | None = None, max_age: float = MAX_AGE) -> Health:
    """Read the file and judge it: fresh, ready, and every shard connected."""
    now = time.time() if now is None else now
    try:
        status = json.loads(path.read_text(encoding="utf-8"))
        updated = float(status["updated"])
        ready = bool(status["ready"])
        shards = {str(k): bool(v) for k, v in dict(status["shards"]).items()}
    except FileNotFoundError:
        return Health(False, f"unhealthy: no health file at {path}; is `python -m bot run` up?")
    except (OSError, ValueError, KeyError, TypeError) as error:
        return Health(False, f"unhealthy: unreadable health file {path}: {error}")
    age = now - updated
    if age > max_age:
        return Health(False, f"unhealthy: the bot last reported {age:.0f} s ago (stuck or gone)")
    down = sorted(shard for shard, connected in shards.items() if not connected)
    if not ready or not shards:
        return Health(False, "unhealthy: not connected to Discord's gateway yet")
    if down:
        return Health(False, f"unhealthy: gateway disconnected on shard(s) {', '.join(down)}")
    return Health(True, f"healthy: connected on {len(shards)} shard(s), reported {age:.0f} s ago")

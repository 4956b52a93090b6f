"""A persistent index: what the engine derives from a knowledge base, kept between starts.

Building the index of a large knowledge base takes a while (the YAML alone
takes about 45 s at 100,000 passages); loading a built one takes seconds. The
index (with the knowledge base it was built from) is saved, once built, in
``.index/`` beside the knowledge base, or, when that folder cannot be
written (an installed package, a read-only mount), in the user's cache
folder (``$XDG_CACHE_HOME/mlgenai-bot``, else ``~/.cache/mlgenai-bot``).

Its name is a hash of everything it depends on: every file of the knowledge
base, the package's language data and source code, the retrieval settings and
the versions of Python and numpy. Any change makes a new name, so a stale index
is never read; older ones are deleted when a new one is saved. A file that
cannot be read back is ignored (and rebuilt).

The files are pickles: only ever read from the knowledge base's own folder or
the user's own cache, which whoever could write there could edit anyway.
"""

from __future__ import annotations

import gc
import hashlib
import logging
import os
import pickle
import sys
import tempfile
from contextlib import suppress
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from bot.index import Index

log = logging.getLogger(__name__)

FORMAT = "1"
FOLDER = ".index"
SUFFIX = ".pickle"
_PACKAGE = Path(__file__).resolve().parent


def cache_key(folder: Path, variant: str, params: dict[str, float] | None) -> str:
    """The hash naming the index of the knowledge base in ``folder`` (OSError if unreadable)."""
    digest = hashlib.sha256()
    settings = repr(sorted((params or {}).items()))
    for part in (FORMAT, sys.version, np.__version__, str(folder.resolve()), variant, settings):
        digest.update(part.encode() + b"\0")
    digest.update(code_digest().encode() + b"\0")
    # Every file of the knowledge base, in subfolders too (entries may be grouped in
    # folders), but not hidden ones (this index, editors' and version control's).
    for relative in _files(str(folder)):
        digest.update(relative.encode())
        digest.update(b"\0")
        with open(os.path.join(folder, relative), "rb") as f:
            digest.update(f.read())
        digest.update(b"\0")
    return digest.hexdigest()[:32]


def _files(folder: str) -> list[str]:
    """The paths, relative to ``folder`` and sorted, of its files and its subfolders'
    files, hidden ones left out. (With os.scandir: pathlib's objects took 3 of the
    4 seconds of a cached start at 100,000 entry files.)"""
    out: list[str] = []
    pending = [""]
    while pending:
        sub = pending.pop()
        with os.scandir(os.path.join(folder, sub) if sub else folder) as entries:
            for entry in entries:
                if entry.name.startswith("."):
                    continue
                relative = f"{sub}/{entry.name}" if sub else entry.name
                if entry.is_dir():
                    pending.append(relative)
                elif entry.is_file():
                    out.append(relative)
    out.sort(key=lambda r: r.split("/"))
    return out


@cache
def code_digest() -> str:
    """The hash of the package's code and data, read once: the code this process runs.

    Read again on every call, an upgrade installed while the bot runs would file
    the old code's index under the new code's name.
    """
    digest = hashlib.sha256()
    for path in sorted(_PACKAGE.rglob("*.py")) + sorted((_PACKAGE / "data").glob("*")):
        digest.update(str(path.relative_to(_PACKAGE)).encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


def user_cache() -> Path:
    """The user's cache folder for this bot."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "mlgenai-bot"


def locations(folder: Path) -> list[Path]:
    """Where an index of ``folder`` may be kept, in order of preference."""
    return [folder / FOLDER, user_cache()]


def load_index(folder: Path, key: str) -> Index | None:
    """The saved index named ``key``, or None (none saved, or unreadable)."""
    for place in locations(folder):
        path = place / (key + SUFFIX)
        if not path.is_file():
            continue
        gc.disable()  # loading builds millions of objects; collecting meanwhile finds nothing
        try:
            with path.open("rb") as f:
                index: Index = pickle.load(f)  # noqa: S301 - our own file, see the module
            return index
        except Exception as exc:  # a truncated or foreign file: rebuild
            log.warning("ignoring the saved index %s (%s); rebuilding it", path, exc)
        finally:
            gc.enable()
    return None


def save_index(folder: Path, key: str, index: Index) -> Path | None:
    """Save ``index`` as ``key`` in the first writable location (None if there is none)."""
    data = pickle.dumps(index, protocol=pickle.HIGHEST_PROTOCOL)
    for place in locations(folder):
        try:
            place.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=place, prefix=".tmp-", suffix=SUFFIX)
            with os.fdopen(fd, "wb") as f:
                f.write(data)
            target = place / (key + SUFFIX)
            os.replace(tmp, target)
        except OSError as exc:
            log.debug("cannot save the index in %s: %s", place, exc)
            continue
        if place.name == FOLDER:  # ours alone: older indexes of this knowledge base go
            for old in place.glob("*" + SUFFIX):
                if old != target:
                    with suppress(OSError):
                        old.unlink()
        return target
    log.warning("could not save the index of %s anywhere; the next start rebuilds it", folder)
    return None

"""A pseudo-terminal that runs ``python -m bot chat`` as a person would use it.

The child gets the pty as its stdin, stdout, stderr *and* controlling terminal,
so a typed Ctrl-C reaches it as SIGINT from the terminal driver and Ctrl-D is
end of input, as in a real terminal. Waits are on output (never on time), with
generous timeouts for a slow shared machine.

Only the standard library: spawning, window size and reading take about as
many lines here as driving pexpect would.
"""

from __future__ import annotations

import fcntl
import os
import pty
import re
import select
import signal
import struct
import subprocess
import sys
import termios
import time
from collections.abc import Mapping
from pathlib import Path

TIMEOUT = 60.0  # seconds; only reached when something is wrong

# Make the pty the controlling terminal of the new session, then become the chat.
_BOOT = """\
import fcntl, os, runpy, sys, termios
fcntl.ioctl(0, termios.TIOCSCTTY, 0)
if os.environ.pop("TEST_NO_READLINE", ""):
    sys.modules["readline"] = None  # import readline now fails, as on a build without it
sys.argv = ["python -m bot", *sys.argv[1:]]
runpy.run_module("bot", run_name="__main__", alter_sys=True)
"""

_ESCAPE = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b[()][0-9A-Za-z]|\x1b[=>]|[\x01\x02\x07]")

UP, LEFT = "\x1b[A", "\x1b[D"
CTRL_C, CTRL_D = "\x03", "\x04"


def plain(raw: str) -> str:
    """Terminal output as text: escape sequences, bells and carriage returns removed."""
    return _ESCAPE.sub("", raw).replace("\r", "")


class Terminal:
    """``python -m bot chat`` in a pseudo-terminal of ``columns`` columns."""

    def __init__(
        self,
        env: Mapping[str, str],
        cwd: Path,
        columns: int = 80,
        args: tuple[str, ...] = ("chat",),
        readline: bool = True,
    ) -> None:
        master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, columns, 0, 0))
        environ = dict(env)
        if not readline:
            environ["TEST_NO_READLINE"] = "1"
        self.proc = subprocess.Popen(  # noqa: S603 - our own interpreter and module
            [sys.executable, "-c", _BOOT, *args],
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env=environ,
            cwd=cwd,
            start_new_session=True,
        )
        os.close(slave)  # the child holds it now; its exit then ends our reads
        self.fd = master
        self.raw = b""
        self.pos = 0  # where the next expect() starts, in plain text
        self.closed = False

    @property
    def text(self) -> str:
        """Everything shown so far, as plain text."""
        return plain(self.raw.decode("utf-8", "replace"))

    def send(self, keys: str) -> None:
        """Type ``keys``."""
        os.write(self.fd, keys.encode("utf-8"))

    def _read(self, deadline: float) -> None:
        ready, _, _ = select.select(
            [self.fd], [], [], max(0.0, min(1.0, deadline - time.monotonic()))
        )
        if not ready:
            return
        try:
            data = os.read(self.fd, 65536)
        except OSError:  # EIO: the child closed the terminal
            data = b""
        if data:
            self.raw += data
        else:
            self.closed = True

    def expect(self, pattern: str, timeout: float = TIMEOUT) -> re.Match[str]:
        """Wait until ``pattern`` (a regular expression) shows after the last match."""
        regex = re.compile(pattern)
        deadline = time.monotonic() + timeout
        while True:
            match = regex.search(self.text, self.pos)
            if match:
                self.pos = match.end()
                return match
            if self.closed or time.monotonic() > deadline:
                raise AssertionError(
                    f"{pattern!r} not shown; the terminal ends with:\n{self.text[-1500:]}"
                )
            self._read(deadline)

    def prompt(self) -> None:
        """Wait for the next ``you>`` prompt."""
        self.expect(r"you> ")

    def turn(self, keys: str) -> str:
        """Type ``keys`` (ending in Enter); the reply, from ``bot>`` to the next prompt."""
        self.send(keys)
        start = self.expect(r"(?m)^bot> ").start()
        end = self.expect(r"\n\nyou> ").start()
        return self.text[start:end]

    def wait(self, timeout: float = TIMEOUT) -> int:
        """Wait for the chat to end; its exit status."""
        deadline = time.monotonic() + timeout
        while not self.closed and time.monotonic() < deadline:
            self._read(deadline)
        return self.proc.wait(timeout=max(1.0, deadline - time.monotonic()))

    def close(self) -> None:
        """End the child if it still runs, and release the terminal."""
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()
        os.close(self.fd)

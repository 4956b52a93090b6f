"""The terminal chat behind ``python -m bot chat``.

On a terminal it behaves like the REPLs people know: line editing and history
through readline (history kept across sessions in a file, like
``~/.python_history``), Ctrl-C cancels the line being typed, Ctrl-D on an
empty line leaves, replies wrap to the window with a hanging indent under
``bot>``, and the prompt and source line are in colour unless ``NO_COLOR`` is
set. With piped input it reads one question a line and echoes each, for scripts.
"""

from __future__ import annotations

import contextlib
import os
import re
import sys
import uuid
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from types import ModuleType
from typing import Protocol, TextIO

from bot.engine import Engine
from bot.render import PROMPT, Line, Palette, colour_enabled, reply_lines, terminal_width, wrap

EXIT_OK = 0

BOT = "bot> "
EXIT_WORDS = frozenset({"quit", "exit", "/quit", "/exit", ":q"})
HISTORY_ENTRIES = 1000
HISTORY_VARIABLE = "CHAT_HISTORY_FILE"

# Escape sequences and other control characters that a terminal without line
# editing passes on as typed (an arrow key is ESC [ A): never part of a question.
_CONTROL = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|O.|.)?|[\x00-\x08\x0b-\x1f\x7f]")


def run(
    engine: Engine,
    stdin: TextIO,
    out: TextIO,
    err: TextIO,
    environ: Mapping[str, str] = os.environ,
) -> int:
    """Talk until ``quit`` or end of input; returns the exit status.

    Ctrl-C (``KeyboardInterrupt``) cancels the current line when the input is
    a terminal; with piped input it ends the program as usual.
    """
    interactive = stdin.isatty()
    palette = Palette(colour_enabled(out, environ))
    src = engine.kb.source
    intro = (
        f"Ask me about {engine.kb.name} (from “{src.title}”, {src.date}).\n"
        + ("Type /compare for the side-by-side table, " if engine.kb.table else "Type ")
        + "/help for more, quit to leave."
    )
    print(_text(wrap([Line(t) for t in intro.split("\n")], terminal_width(out))), file=out)
    conversation = f"console:{uuid.uuid4().hex}"
    with _reader(engine, stdin, out, err, palette, environ) as reader:
        while True:
            try:
                line = reader.read()
                if line is None:
                    if interactive:
                        print(file=out)  # the shell's prompt starts on a line of its own
                    return EXIT_OK
                question = _CONTROL.sub("", line).strip() if interactive else line.strip()
                if not question:
                    continue
                if question.lower() in EXIT_WORDS:
                    print("Bye!", file=out)
                    return EXIT_OK
                reader.remember(question)
                reply = engine.ask(question, conversation)
            except KeyboardInterrupt:
                if not interactive:
                    raise
                print(file=out)  # Ctrl-C drops the line, as bash and python do
                continue
            if not interactive:
                print(f"\nyou> {question}", file=out)
            lines = wrap(reply_lines(reply, engine), terminal_width(out), BOT)
            print(palette.render(lines, BOT), file=out)
            out.flush()


def _text(lines: list[Line]) -> str:
    return "\n".join(line.text for line in lines)


class Reader(Protocol):
    """Where the chat's lines come from."""

    def read(self) -> str | None:
        """The next line typed (``None`` at end of input); may raise KeyboardInterrupt."""

    def remember(self, question: str) -> None:
        """Keep ``question`` in the history."""


class PlainReader:
    """Lines from a stream: a pipe, or a terminal without readline."""

    def __init__(self, stdin: TextIO, out: TextIO, palette: Palette) -> None:
        self.stdin, self.out, self.palette = stdin, out, palette
        self.interactive = stdin.isatty()

    def read(self) -> str | None:
        """The next line, after a prompt when the input is a terminal."""
        if self.interactive:
            self.out.write("\n" + self.palette.paint("you>", PROMPT) + " ")
            self.out.flush()
        line = self.stdin.readline()
        if not line:
            return None
        if self.interactive and not line.endswith("\n") and self.out.isatty():
            # Ctrl-D after some text sends it without a newline: the cursor is
            # still on the question's line, and the reply must not start there.
            self.out.write("\n")
        return line

    def remember(self, question: str) -> None:
        """Nothing to remember without line editing."""


class ReadlineReader:
    """Lines from ``input()`` with readline: editing, and history kept in ``history``."""

    def __init__(
        self,
        readline: ModuleType,
        out: TextIO,
        palette: Palette,
        history: HistoryFile,
        commands: Sequence[str] = (),
    ) -> None:
        self.readline, self.out, self.history = readline, out, history
        self.commands = sorted(commands)
        self.prompt = palette.paint("you>", PROMPT, readline=True) + " "
        self._saved: list[str] = []
        self._completer: object = None
        self._delims = ""
        # libedit (macOS's system Python) reads readline's key bindings in its own syntax.
        doc = readline.__doc__ or ""
        self._editline = "libedit" in doc or getattr(readline, "backend", "") == "editline"

    def __enter__(self) -> ReadlineReader:
        rl = self.readline
        # Someone else's history (a Python REPL that called main()) is put back on exit.
        self._saved = [
            rl.get_history_item(i) for i in range(1, rl.get_current_history_length() + 1)
        ]
        rl.clear_history()
        rl.set_auto_history(False)  # remember() skips blank lines and repeats
        for entry in self.history.load():
            rl.add_history(entry)
        self._completer, self._delims = rl.get_completer(), rl.get_completer_delims()
        rl.set_completer(self._complete)
        rl.set_completer_delims(" \t\n")
        rl.parse_and_bind("bind ^I rl_complete" if self._editline else "tab: complete")
        return self

    def __exit__(self, *exc: object) -> None:
        rl = self.readline
        rl.clear_history()
        for entry in self._saved:
            if entry is not None:
                rl.add_history(entry)
        rl.set_auto_history(True)
        rl.set_completer(self._completer)
        rl.set_completer_delims(self._delims)
        # Python's own default: Tab inserts a tab.
        rl.parse_and_bind("bind ^I ed-insert" if self._editline else "tab: tab-insert")

    def read(self) -> str | None:
        """The next line typed, edited with readline."""
        self.out.write("\n")
        self.out.flush()
        try:
            return input(self.prompt)
        except EOFError:
            return None

    def _complete(self, text: str, state: int) -> str | None:
        """Tab at the start of the line completes a slash command."""
        rl = self.readline
        if rl.get_line_buffer()[: rl.get_begidx()].strip():
            return None
        matches = [c + " " for c in self.commands if c.startswith(text)]
        return matches[state] if state < len(matches) else None

    def remember(self, question: str) -> None:
        """Add ``question`` to the history unless it repeats the last entry."""
        entry = " ".join(question.splitlines())
        rl = self.readline
        length = rl.get_current_history_length()
        if length and rl.get_history_item(length) == entry:
            return
        rl.add_history(entry)
        self.history.append(entry)


def history_path(environ: Mapping[str, str] = os.environ) -> Path | None:
    """Where the chat's history is kept: ``$CHAT_HISTORY_FILE`` (empty: nowhere),
    else ``$XDG_STATE_HOME/mlgenai-bot/history``, by default under ``~/.local/state``.
    """
    if HISTORY_VARIABLE in environ:
        chosen = environ[HISTORY_VARIABLE].strip()
        return Path(chosen).expanduser() if chosen else None
    state = environ.get("XDG_STATE_HOME", "")
    if not os.path.isabs(state):  # the XDG spec: a relative path is to be ignored
        try:
            home = Path(environ["HOME"]) if environ.get("HOME") else Path.home()
        except RuntimeError:  # no home directory to be found
            return None
        state = str(home / ".local" / "state")
    return Path(state) / "mlgenai-bot" / "history"


class HistoryFile:
    """The history on disk: one entry a line, appended as each question is asked.

    Appending (rather than writing all at exit) loses nothing when the chat is
    killed, and two chats at once both keep their questions. A file or folder
    that cannot be written costs the history only, after a one-line note.
    """

    def __init__(self, path: Path | None, err: TextIO) -> None:
        self.path, self.err = path, err
        self._fd: int | None = None

    def load(self) -> list[str]:
        """The last entries, oldest first; opens the file for appending."""
        if self.path is None:
            return []
        entries: list[str] = []
        try:
            text = self.path.read_text(encoding="utf-8", errors="replace")
            entries = [line for line in text.splitlines() if line.strip()]
        except FileNotFoundError:
            pass
        except OSError as exc:
            self._give_up(exc)
            return []
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            if len(entries) > 2 * HISTORY_ENTRIES:
                self._rewrite(entries[-HISTORY_ENTRIES:])
            self._fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        except OSError as exc:
            self._give_up(exc)
        return entries[-HISTORY_ENTRIES:]

    def append(self, entry: str) -> None:
        """Add one entry to the file (if it could be opened)."""
        if self._fd is None:
            return
        try:
            os.write(self._fd, (entry + "\n").encode("utf-8", "replace"))
        except OSError as exc:
            self._give_up(exc)

    def close(self) -> None:
        """Close the file."""
        if self._fd is not None:
            with contextlib.suppress(OSError):
                os.close(self._fd)
            self._fd = None

    def _rewrite(self, entries: list[str]) -> None:
        assert self.path is not None  # noqa: S101 - only called with a path
        temporary = self.path.with_name(f".{self.path.name}.{os.getpid()}")
        temporary.write_text("".join(e + "\n" for e in entries), encoding="utf-8")
        os.chmod(temporary, 0o600)
        os.replace(temporary, self.path)

    def _give_up(self, exc: OSError) -> None:
        self.close()
        reason = exc.strerror or str(exc)
        print(
            f"note: history is kept for this session only ({self.path}: {reason})",
            file=self.err,
        )
        self.path = None


def _line_editor(stdin: TextIO, out: TextIO) -> ModuleType | None:
    """readline, when ``input()`` would use it: the process's own stdin and stdout are
    both terminals and the module is there (not on Windows, nor every build)."""
    if not (stdin is sys.stdin and out is sys.stdout and stdin.isatty() and out.isatty()):
        return None
    try:
        import readline
    except ImportError:
        return None
    return readline


@contextlib.contextmanager
def _reader(
    engine: Engine,
    stdin: TextIO,
    out: TextIO,
    err: TextIO,
    palette: Palette,
    environ: Mapping[str, str],
) -> Iterator[Reader]:
    readline = _line_editor(stdin, out)
    if readline is None:
        yield PlainReader(stdin, out, palette)
        return
    history = HistoryFile(history_path(environ), err)
    try:
        commands = ["/" + name for name in engine.index.language.commands]
        with ReadlineReader(readline, out, palette, history, commands) as reader:
            yield reader
    finally:
        history.close()

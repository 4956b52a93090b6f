"""The chat's parts as plain functions: wrapping, colour, the history file, input without readline.

The whole chat in a pseudo-terminal is in ``test_chat_tty.py``.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from bot import chat
from bot.chat import HISTORY_ENTRIES, HistoryFile, history_path
from bot.engine import Engine
from bot.render import Line, Palette, colour_enabled, wrap


class TtyIO(io.StringIO):
    """A stream that says it is a terminal."""

    def isatty(self) -> bool:
        return True


def test_wrap_counts_the_prefix_and_indents_under_it() -> None:
    lines = [
        Line("one two three four five six seven"),
        Line(""),
        Line("• a bullet that goes on and on"),
        Line("Source: side-by-side-comparison-of-things", "source"),
    ]
    shown = wrap(lines, 20, "bot> ")
    assert [s.text for s in shown] == [
        "bot> one two three",
        "     four five six",
        "     seven",
        "",
        "     • a bullet that",
        "       goes on and",
        "       on",
        "     Source:",
        "     side-by-side-comparison-of-things",  # longer than the width, but whole
    ]
    assert [s.role for s in shown][-2:] == ["source", "source"]


def test_wrap_without_a_width_only_prefixes() -> None:
    lines = [Line("a long line " * 20), Line("• b")]
    assert [s.text for s in wrap(lines, None, "bot> ")] == ["bot> " + "a long line " * 20, "• b"]


def test_colour_only_on_a_terminal_without_no_color() -> None:
    assert colour_enabled(TtyIO(), {"TERM": "xterm"})
    assert colour_enabled(TtyIO(), {"NO_COLOR": ""})  # set but empty: colour stays on
    assert not colour_enabled(TtyIO(), {"NO_COLOR": "1"})
    assert not colour_enabled(TtyIO(), {"TERM": "dumb"})
    assert not colour_enabled(io.StringIO(), {})


def test_palette_hides_prompt_escapes_from_readline() -> None:
    on = Palette(enabled=True)
    assert on.paint("you>", "1;32") == "\x1b[1;32myou>\x1b[0m"
    assert on.paint("you>", "1;32", readline=True) == "\x01\x1b[1;32m\x02you>\x01\x1b[0m\x02"
    assert Palette(enabled=False).paint("you>", "1;32") == "you>"


def test_history_path_follows_the_environment(tmp_path: Path) -> None:
    assert history_path({"XDG_STATE_HOME": str(tmp_path)}) == tmp_path / "mlgenai-bot/history"
    assert history_path({"XDG_STATE_HOME": "relative", "HOME": str(tmp_path)}) == (
        tmp_path / ".local/state/mlgenai-bot/history"
    )
    assert history_path({"CHAT_HISTORY_FILE": str(tmp_path / "h")}) == tmp_path / "h"
    assert history_path({"CHAT_HISTORY_FILE": ""}) is None


def test_history_file_appends_and_trims(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "history"
    history = HistoryFile(path, io.StringIO())
    assert history.load() == []
    history.append("first")
    history.append("second")
    history.close()
    assert path.read_text(encoding="utf-8") == "first\nsecond\n"
    assert path.stat().st_mode & 0o777 == 0o600
    path.write_text("".join(f"q{n}\n" for n in range(2 * HISTORY_ENTRIES + 1)), encoding="utf-8")
    history = HistoryFile(path, io.StringIO())
    loaded = history.load()
    history.close()
    assert len(loaded) == HISTORY_ENTRIES and loaded[-1] == f"q{2 * HISTORY_ENTRIES}"
    assert path.read_text(encoding="utf-8").splitlines() == loaded


def test_unusable_history_file_gives_one_note(tmp_path: Path) -> None:
    (tmp_path / "history").mkdir()
    (tmp_path / "broken").write_bytes(b"ok\n\xff\xfe\n")
    err = io.StringIO()
    history = HistoryFile(tmp_path / "history", err)
    assert history.load() == []
    history.append("lost quietly")
    assert err.getvalue().count("\n") == 1 and "session only" in err.getvalue()
    assert HistoryFile(tmp_path / "broken", io.StringIO()).load() == ["ok", "\ufffd\ufffd"]


def test_terminal_without_readline(shipped_engine: Engine) -> None:
    """Ctrl-D after text ends the line without a newline; the reply starts on a new line."""
    out = TtyIO()
    stdin = TtyIO("hello\x1b[A")  # then end of input
    assert chat.run(shipped_engine, stdin, out, io.StringIO(), {"NO_COLOR": "1"}) == 0
    shown = out.getvalue()
    assert "you> \nbot> Hi!" in shown  # the arrow key's bytes were not part of the question
    assert shown.endswith("you> \n")


def test_ctrl_c_with_piped_input_still_interrupts(shipped_engine: Engine) -> None:
    class Interrupting(io.StringIO):
        def readline(self, size: int | None = -1) -> str:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        chat.run(shipped_engine, Interrupting(), io.StringIO(), io.StringIO(), {})


def test_piped_chat_has_no_escape_codes_or_wrapping() -> None:
    from bot.__main__ import main

    out = io.StringIO()
    stdin = io.StringIO("What's the difference between machine learning and generative AI?\n")
    assert main(["chat"], stdin, out, io.StringIO()) == 0
    assert "\x1b" not in out.getvalue()
    reply = out.getvalue().split("\nbot> ", 1)[1].split("\n")
    assert len(reply[0]) > 100  # one line per paragraph, as scripts have always had it

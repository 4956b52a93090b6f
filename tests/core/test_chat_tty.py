"""``python -m bot chat`` in a pseudo-terminal: editing, history, Ctrl-C, Ctrl-D, wrapping, colour.

Replies are checked against the engine's own answers to the questions the
keys should produce, so a wrong edit or a lost line shows as a different reply.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

pytest.importorskip("termios")  # a POSIX terminal

from bot.cli import format_reply
from bot.engine import Engine
from tests.core.terminal import CTRL_C, CTRL_D, LEFT, UP, Terminal

GENAI = "What is generative AI?"
SGR = re.compile(r"\x1b\[[0-9;]*m")
Spawn = Callable[..., Terminal]


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    """A clean environment: no colour or width settings, no inputrc, history in tmp_path."""
    environ = {
        k: v
        for k, v in os.environ.items()
        if k not in {"NO_COLOR", "COLUMNS", "LINES", "KNOWLEDGE_PATH", "CHAT_HISTORY_FILE"}
    }
    environ.update(
        TERM="xterm-256color",
        HOME=str(tmp_path),
        INPUTRC=os.devnull,
        XDG_STATE_HOME=str(tmp_path / "state"),
    )
    return environ


@pytest.fixture
def spawn(env: dict[str, str], tmp_path: Path) -> Iterator[Spawn]:
    """Start chats with ``spawn(columns=..., readline=...)``; all are ended afterwards."""
    started: list[Terminal] = []

    def start(columns: int = 80, readline: bool = True, **extra: str) -> Terminal:
        terminal = Terminal({**env, **extra}, tmp_path, columns=columns, readline=readline)
        started.append(terminal)
        terminal.prompt()
        return terminal

    yield start
    for terminal in started:
        terminal.close()


def _flat(text: str) -> str:
    return " ".join(text.split())


def expected(*questions: str) -> list[str]:
    """The engine's replies to ``questions`` asked in one conversation, as the chat shows them."""
    engine = Engine.load()
    return [_flat("bot> " + format_reply(engine.ask(q, "expected"), engine)) for q in questions]


def test_left_arrow_edits_the_line(spawn: Spawn) -> None:
    chat = spawn()
    typed, edited = "What is AI?", GENAI
    assert expected(typed + "generative ") != expected(edited)  # a lost edit would show
    chat.send(typed)
    chat.expect(re.escape(typed))
    reply = chat.turn(LEFT * 3 + "generative \r")
    assert [_flat(reply)] == expected(edited)
    assert "[D" not in chat.text


def test_up_arrow_recalls_the_previous_question(spawn: Spawn, tmp_path: Path) -> None:
    chat = spawn()
    first = chat.turn("What is machine learning?\r")
    second = chat.turn(GENAI + "\r")
    third = chat.turn(UP + "\r")
    fourth = chat.turn(UP + UP + "\r")
    assert [_flat(r) for r in (first, second, third, fourth)] == expected(
        "What is machine learning?", GENAI, GENAI, "What is machine learning?"
    )
    chat.send(CTRL_D)
    assert chat.wait() == 0
    history = tmp_path / "state" / "mlgenai-bot" / "history"
    # Kept across sessions, without the repeats.
    assert history.read_text(encoding="utf-8").splitlines() == [
        "What is machine learning?",
        GENAI,
        "What is machine learning?",
    ]
    again = spawn()
    assert [_flat(again.turn(UP + UP + "\r"))] == expected(GENAI)


def test_history_in_an_unwritable_place_costs_only_the_history(
    spawn: Spawn, tmp_path: Path
) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("", encoding="utf-8")
    chat = spawn(XDG_STATE_HOME=str(blocker))
    assert "note: history is kept for this session only" in chat.text
    chat.turn(GENAI + "\r")
    assert [_flat(chat.turn(UP + "\r"))] == expected(GENAI, GENAI)[1:]
    chat.send(CTRL_D)
    assert chat.wait() == 0
    assert "Traceback" not in chat.text


def test_empty_history_setting_keeps_it_in_memory(spawn: Spawn, tmp_path: Path) -> None:
    chat = spawn(CHAT_HISTORY_FILE="")
    chat.turn(GENAI + "\r")
    chat.send(CTRL_D)
    assert chat.wait() == 0
    assert not (tmp_path / "state").exists()


@pytest.mark.parametrize("readline", [True, False], ids=["readline", "no-readline"])
def test_ctrl_c_cancels_the_line_and_the_chat_goes_on(spawn: Spawn, readline: bool) -> None:
    chat = spawn(readline=readline)
    assert expected("who invented " + GENAI) != expected(GENAI)
    chat.send("who invented ")
    chat.expect("who invented ")
    chat.send(CTRL_C)
    try:
        chat.expect(r"you> ", timeout=10)
    except AssertionError:
        # Twice in CI (readline, a loaded machine) the ^C got no reaction at all, the
        # line still on screen: the keystroke, not the chat, went missing. Once more;
        # the next answer still shows whether the line was dropped.
        chat.send(CTRL_C)
        chat.prompt()
    assert [_flat(chat.turn(GENAI + "\r"))] == expected(GENAI)
    chat.send("quit\r")
    chat.expect("Bye!")
    assert chat.wait() == 0
    assert "Traceback" not in chat.text and "KeyboardInterrupt" not in chat.text


@pytest.mark.parametrize("readline", [True, False], ids=["readline", "no-readline"])
def test_ctrl_d_on_an_empty_line_leaves_with_a_newline(spawn: Spawn, readline: bool) -> None:
    chat = spawn(readline=readline)
    chat.send(CTRL_D)
    assert chat.wait() == 0
    assert chat.text.endswith("you> \n")
    assert "Traceback" not in chat.text


def test_ctrl_d_mid_line_keeps_the_reply_off_the_question_line(spawn: Spawn) -> None:
    """readline ignores Ctrl-D at the end of a typed line; inside one it deletes a character."""
    chat = spawn()
    chat.send(GENAI)
    chat.expect(re.escape(GENAI))
    chat.send(CTRL_D)
    reply = chat.turn("\r")  # turn() finds bot> only at the start of a line
    assert [_flat(reply)] == expected(GENAI)
    chat.send("What is XAI?" + LEFT * 4 + CTRL_D)  # deletes the X
    assert [_flat(chat.turn("\r"))] == expected(GENAI, "What is AI?")[1:]


def test_without_readline_ctrl_d_mid_line_answers_on_a_new_line(spawn: Spawn) -> None:
    """The terminal sends typed text on Ctrl-D; a second Ctrl-D ends that line."""
    chat = spawn(readline=False)
    chat.send(GENAI)
    chat.expect(re.escape(GENAI))
    chat.send(CTRL_D)
    reply = chat.turn(CTRL_D)  # turn() finds bot> only at the start of a line
    assert [_flat(reply)] == expected(GENAI)
    # Arrow keys without line editing are dropped from the question, not sent.
    reply = chat.turn("What is " + LEFT + "generative AI?\r")
    assert [_flat(reply)] == expected(GENAI, GENAI)[1:]
    chat.send("quit\r")
    assert chat.wait() == 0


QUESTIONS = (
    "What's the difference between ML and GenAI?",
    "What are some examples of generative AI?",
    "/compare",
    "who invented machine learning?",
)


def _logical_lines(reply: str) -> list[str]:
    """The reply's lines before wrapping, with ``bot> `` on the first."""
    return ("bot> " + reply).split("\n")


@pytest.mark.parametrize("columns", [60, 100])
def test_replies_wrap_to_the_window_with_a_hanging_indent(spawn: Spawn, columns: int) -> None:
    chat = spawn(columns=columns)
    intro = chat.text.split("you> ")[0].splitlines()
    assert intro and all(len(line) <= columns for line in intro)
    engine = Engine.load()
    for question in QUESTIONS:
        shown = chat.turn(question + "\r").split("\n")
        want = _logical_lines(format_reply(engine.ask(question, "wrap"), engine))
        assert all(len(line) <= columns for line in shown), shown
        assert max(len(line) for line in shown) > columns - 20  # the window's width is used
        # Walk the unwrapped lines; each is shown as one or more whole-word lines.
        rest = list(shown)
        for number, logical in enumerate(want):
            bullet = logical.startswith("• ")
            first, rest = rest[0], rest[1:]
            if not logical:
                assert first == ""
                continue
            lead = "" if number == 0 else "     "
            assert first.startswith(lead) and not first[len(lead)].isspace(), first
            words = first.split()
            while len(words) < len(logical.split()):
                line, rest = rest[0], rest[1:]
                hang = "     " + ("  " if bullet else "")
                assert line.startswith(hang) and not line[len(hang)].isspace(), line
                words += line.split()
            assert words == logical.split(), f"words broken or lost in {logical!r}"
        assert rest == []


def test_colour_on_a_terminal(spawn: Spawn) -> None:
    chat = spawn()
    chat.turn(GENAI + "\r")
    raw = chat.raw.decode("utf-8")
    assert "\x1b[1;32myou>\x1b[0m" in raw  # the prompt
    assert "\x1b[1;36mbot>\x1b[0m" in raw
    assert re.search(r"\x1b\[2m\s*Source: ", raw)  # the source line, dim
    assert "\x01" not in raw and "\x02" not in raw  # readline hid its markers


@pytest.mark.parametrize("value", ["1", "0", "false"])
def test_no_color_means_no_colour(spawn: Spawn, value: str) -> None:
    """Any non-empty NO_COLOR turns colour off (no-color.org)."""
    chat = spawn(NO_COLOR=value)
    chat.turn(GENAI + "\r")
    chat.turn(UP + "\r")
    assert not SGR.search(chat.raw.decode("utf-8"))
    assert "Source: What is Generative AI?" in chat.text


def test_tab_completes_slash_commands_only(spawn: Spawn) -> None:
    chat = spawn()
    assert [_flat(chat.turn("/exa\t\r"))] == expected("/examples")
    # Elsewhere Tab adds nothing to the question.
    assert [_flat(chat.turn("What is gen\terative AI?\r"))] == expected("/examples", GENAI)[1:]

"""Replies as terminal text: the lines of a reply, wrapping with a hanging indent, colour.

A reply is first a list of :class:`Line` (the text and what it is: answer text,
the source, a "Try:" line), so wrapping and colour work on the same structure
and escape codes never count towards a line's width.
"""

from __future__ import annotations

import os
import shutil
import textwrap
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal, TextIO

from bot.engine import Engine
from bot.models import Reply

Role = Literal["text", "source", "try"]

BULLET = "• "


@dataclass(frozen=True)
class Line:
    """One logical line of a reply (before wrapping) and its role."""

    text: str
    role: Role = "text"


def reply_lines(reply: Reply, engine: Engine) -> list[Line]:
    """A reply for a person: the answer, then where it came from, then what to try."""
    lines = [Line(text) for text in reply.text.splitlines()] or [Line("")]
    if reply.sources:
        sections = list(dict.fromkeys(s.section for s in reply.sources))
        source = engine.kb.source
        lines.append(Line(""))
        lines.append(
            Line(
                f"Source: {'; '.join(sections)} — “{source.title}” "
                f"({source.date}), knowledge base {source.version}",
                "source",
            )
        )
    if reply.kind == "refusal" and not all(q in reply.text for q in reply.suggestions):
        lines.append(Line(""))
        lines.append(Line("Try: " + " | ".join(reply.suggestions), "try"))
    return lines


def terminal_width(stream: TextIO) -> int | None:
    """The width to wrap to when ``stream`` is a terminal (at most 100), else ``None``.

    One column is left free: some terminals wrap early when a line fills the last one.
    """
    if not stream.isatty():
        return None
    return max(20, min(100, shutil.get_terminal_size().columns - 1))


def wrap(lines: Sequence[Line], width: int | None, prefix: str = "") -> list[Line]:
    """Physical lines: ``prefix`` before the first, the rest indented under it.

    With ``width``, each line is wrapped at spaces to fit it (words are never
    split, not even at hyphens); a bullet's continuation lines are indented
    under the bullet's text. Without ``width`` nothing is wrapped or indented.
    """
    pad = " " * len(prefix)
    out: list[Line] = []
    for number, line in enumerate(lines):
        lead = prefix if number == 0 else pad
        if width is None:
            out.append(Line((prefix if number == 0 else "") + line.text, line.role))
        elif not line.text.strip():
            out.append(Line(prefix.rstrip() if number == 0 else "", line.role))
        else:
            hanging = pad + (" " * len(BULLET) if line.text.startswith(BULLET) else "")
            for text in textwrap.wrap(
                line.text,
                width,
                initial_indent=lead,
                subsequent_indent=hanging,
                break_long_words=False,
                break_on_hyphens=False,
            ):
                out.append(Line(text, line.role))
    return out


def wrap_text(text: str, width: int, prefix: str = "") -> str:
    """Plain ``text`` wrapped as :func:`wrap` does."""
    return "\n".join(line.text for line in wrap([Line(t) for t in text.split("\n")], width, prefix))


def colour_enabled(stream: TextIO, environ: Mapping[str, str] = os.environ) -> bool:
    """Colour only on a terminal, and not when ``NO_COLOR`` is set (no-color.org) or TERM=dumb."""
    isatty = getattr(stream, "isatty", None)
    return bool(
        isatty is not None
        and isatty()
        and not environ.get("NO_COLOR")
        and environ.get("TERM") != "dumb"
    )


# Select Graphic Rendition codes: the prompt bold green, the bot's name bold cyan,
# the source dim, a "Try:" line yellow.
PROMPT = "1;32"
SPEAKER = "1;36"
ROLE_COLOURS: Mapping[Role, str] = {"text": "", "source": "2", "try": "33"}


@dataclass(frozen=True)
class Palette:
    """ANSI colours for the chat, or none (:data:`PLAIN`)."""

    enabled: bool

    def paint(self, text: str, code: str, *, readline: bool = False) -> str:
        """``text`` in colour ``code``; with ``readline``, the escapes are marked invisible.

        readline counts every byte of a prompt as a column unless its escapes sit
        between \\001 and \\002, and would then redraw an edited line in the wrong place.
        """
        if not self.enabled or not code or not text:
            return text
        start, end = f"\033[{code}m", "\033[0m"
        if readline:
            start, end = f"\001{start}\002", f"\001{end}\002"
        return start + text + end

    def render(self, lines: Sequence[Line], prefix: str = "") -> str:
        """Wrapped lines as one string, with ``prefix`` on the first line painted as the speaker."""
        out = []
        for number, line in enumerate(lines):
            head, text = "", line.text
            name = prefix.rstrip()
            if number == 0 and name and text.startswith(name):
                head, text = self.paint(name, SPEAKER), text[len(name) :]
            out.append(head + self.paint(text, ROLE_COLOURS[line.role]))
        return "\n".join(out)


PLAIN = Palette(enabled=False)

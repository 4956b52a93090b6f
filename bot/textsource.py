"""Plain text saved from a web page, read into headings, paragraphs, list items and tables.

A page saved as text keeps its chrome (a date line, a breadcrumb, "RELATED
ARTICLES", comment forms) and loses its markup: headings are short lines
alone, bullets are "•" or "-", and table cells are run together
("Primary GoalTo analyze data.To create content."). The rules here undo that.
"""

from __future__ import annotations

import re

from bot.markdown import Block, Document

CHROME = re.compile(
    r"^(related (articles|posts)|leave a (reply|comment)|(\d+ )?comments?|recent comments|"
    r"most popular|you may also like|share( this)?|subscribe|sign up|newsletter|advertisement|"
    r"read more|popular posts|follow us|tags?:.*|"
    r"please enter your (comment|name|email)( here)?!?)$",
    re.IGNORECASE,
)
MONTHS = "january|february|march|april|may|june|july|august|september|october|november|december"
DATE_LINE = re.compile(
    rf"^(\w+day,? )?(({MONTHS}) \d{{1,2}},? \d{{4}}|\d{{1,2}} ({MONTHS}) \d{{4}}"
    r"|\d{4}-\d\d-\d\d)$",
    re.IGNORECASE,
)
BULLET = re.compile(r"^\s*([•●▪◦‣∙·*–-]|\d{1,2}[.)])\s+")


def _iso(date_line: str) -> str:
    import datetime

    text = re.sub(r"^\w+day,?\s*", "", date_line.strip())
    for fmt in ("%B %d, %Y", "%B %d %Y", "%d %B %Y", "%Y-%m-%d"):
        try:
            return datetime.datetime.strptime(text, fmt).date().isoformat()
        except ValueError:
            continue
    return ""


def split_cells(line: str) -> list[str]:
    """A table row whose cells were run together, or separated by tabs, pipes or spaces."""
    for separator in ("\t", " | ", "|"):
        if separator in line:
            return [c.strip() for c in line.strip().strip("|").split(separator) if c.strip()]
    if re.search(r"\S {3,}\S", line):
        return [c.strip() for c in re.split(r" {3,}", line.strip())]
    cells, start, depth = [], 0, 0
    for i, c in enumerate(line):
        depth += c == "("
        depth -= c == ")"
        prev = line[i - 1] if i else ""
        if i and depth == 0 and c.isupper() and (prev.islower() or prev in ".)!?%"):
            cells.append(line[start:i])
            start = i
    cells.append(line[start:])
    return [c.strip() for c in cells if c.strip()]


def _is_table(lines: list[str]) -> list[list[str]] | None:
    if len(lines) < 2:
        return None
    rows = [split_cells(line) for line in lines]
    width = len(rows[0])
    if width >= 2 and all(len(r) == width for r in rows) and (width >= 3 or "\t" in lines[0]):
        return rows
    return None


def _is_heading(line: str, following: str) -> bool:
    text = line.strip()
    if not text or BULLET.match(line) or not following:
        return False
    if len(text) > 90 or len(text.split()) > 14 or text[-1] in '.,;:!"”)':
        return False
    return text[0].isupper() or text[0].isdigit()


def read_text(text: str, name: str = "") -> Document:
    """A :class:`~bot.markdown.Document` from plain text (see the module's rules)."""
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").split("\n")]
    paragraphs: list[list[str]] = []
    current: list[str] = []
    for line in [*lines, ""]:
        if line.strip():
            current.append(line)
        elif current:
            paragraphs.append(current)
            current = []
    date = ""
    kept: list[list[str]] = []
    for i, para in enumerate(paragraphs):
        cleaned = []
        for j, line in enumerate(para):
            stripped = line.strip()
            following = (
                para[j + 1]
                if j + 1 < len(para)
                else (paragraphs[i + 1][0] if i + 1 < len(paragraphs) else "")
            )
            if not date and i < 3 and DATE_LINE.match(stripped):
                date = _iso(stripped)
                continue
            if (
                following.strip()
                and stripped.endswith(following.strip())
                and stripped != following.strip()
            ):
                continue  # a breadcrumb ending in the title that follows it
            if CHROME.match(stripped):
                if i > len(paragraphs) / 2:
                    cleaned.append("\0")  # everything after page chrome near the end is chrome
                    break
                continue
            cleaned.append(line)
        if "\0" in cleaned:
            cleaned.remove("\0")
            if cleaned:
                kept.append(cleaned)
            break
        if cleaned:
            kept.append(cleaned)
    title = ""
    blocks: list[Block] = []
    for i, para in enumerate(kept):
        following = kept[i + 1][0] if i + 1 < len(kept) else ""
        if not title and len(para) == 1 and _is_heading(para[0], following or "x"):
            title = para[0].strip()
            continue
        table = _is_table([line.strip() for line in para])
        if table is not None:
            blocks.append(Block("table", rows=tuple(tuple(r) for r in table)))
            continue
        if len(para) == 1 and _is_heading(para[0], following):
            blocks.append(Block("heading", para[0].strip(), level=2))
            continue
        text_lines: list[str] = []
        for line in [*para, "\0"]:
            if (line == "\0" or BULLET.match(line)) and text_lines:
                blocks.append(Block("paragraph", " ".join(text_lines)))
                text_lines = []
            if line == "\0":
                break
            if BULLET.match(line):
                blocks.append(Block("item", " ".join(BULLET.sub("", line).split())))
            else:
                text_lines.append(" ".join(line.split()))
    return Document(
        title or (name.rsplit("/", 1)[-1] if name else "Untitled"), blocks, date, "", name
    )

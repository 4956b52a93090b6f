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


def _is_heading(line: str, following: str, lower: bool = False) -> bool:
    """Whether ``line``, alone in its paragraph, is a heading (``lower``: even one that
    starts in lower case, as a text's first line, "tmux frequently asked questions")."""
    text = line.strip()
    if not text or BULLET.match(line) or not following:
        return False
    if len(text) > 90 or len(text.split()) > 14 or text[-1] in '.,;:!"”)':
        return False
    if _SENTENCES.search(text):
        return False  # "See config; you can copy your vimrc. nvim-from-vim": a sentence
    return text[0].isupper() or text[0].isdigit() or (lower and text[0].isalpha())


FAQ_QUESTIONS = 3  # bulleted questions that make a text a FAQ of them
_BOX = re.compile(r"^\s*([*#=+|])(?:.*\1)?\s*$")  # "* PLEASE NOTE: ... *", "*****"


def _unboxed(para: list[str]) -> list[str]:
    """A paragraph drawn in a box of one character ("*****" above and below, "* ... *"
    on each line) as its text; any other paragraph as it is."""
    if len(para) < 3 or not all(_BOX.match(line) for line in para):
        return para
    mark = para[0].strip()[0]
    if not all(line.strip()[0] == mark for line in para):
        return para
    inner = [line.strip().strip(mark).strip() for line in para]
    return [line for line in inner if line]


def _asked(para: list[str]) -> bool:
    """Whether a paragraph is one bulleted question ("* How do I ...?"), maybe wrapped."""
    if not BULLET.match(para[0]) or any(BULLET.match(line) for line in para[1:]):
        return False
    joined = " ".join(" ".join(line.split()) for line in para)
    return joined.endswith("?") and len(joined) <= MAX_QUESTION_HEADING


MAX_QUESTION_HEADING = 200  # characters: a longer bulleted question is an item


_SENTENCES = re.compile(r"\w; \w|\w\. [a-z]")  # a clause or sentence goes on
_SEPARATOR = re.compile(r"^\s*([-=_~])\1{9,}\s*$")  # a rule of one character across the page
# Vim's help format (Vim's and Neovim's manuals and FAQs): "*faq.txt*" on the first
# line, "*tag*" anchors after headings, "|link|" references, ">vim" ... "<" around code.
_VIM_HELP = re.compile(r"^\*[\w.-]+\.txt\*")
_VIM_TAGS = re.compile(r"(?:\s+\*[^*\s]+\*)+\s*$|^\*[^*\s]+\*\s*")
_VIM_LINK = re.compile(r"\|([^|\s]+)\|")
_VIM_CODE = re.compile(r"^\s*(?:>[a-z]*|<)\s*$")
_VIM_MODELINE = re.compile(r"^\s*vim?:.*:\s*$")


def _vim_help(lines: list[str]) -> list[str]:
    """A Vim help file's lines as plain text: no tags, links by their names, no code
    markers or modeline."""
    out = []
    for line in lines:
        if _VIM_CODE.match(line) or _VIM_MODELINE.match(line):
            out.append("")
            continue
        out.append(_VIM_LINK.sub(r"\1", _VIM_TAGS.sub("", line)).rstrip())
    return out


def read_text(text: str, name: str = "") -> Document:
    """A :class:`~bot.markdown.Document` from plain text (see the module's rules)."""
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").split("\n")]
    if lines and _VIM_HELP.match(lines[0]):
        lines = _vim_help(lines)
    # A rule across the page ends what stands above it: the line below starts anew
    # (a heading, in FAQs that draw one above each question).
    lines = ["" if _SEPARATOR.match(line) else line for line in lines]
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
    kept = [_unboxed(para) for para in kept]
    kept = [para for para in kept if para]
    # A text FAQ marks its questions as bullets ("* How do I ...?", alone above the
    # answer): where three or more paragraphs are such a question, each is a heading.
    asked = [i for i, para in enumerate(kept) if _asked(para)]
    questions = set(asked) if len(asked) >= FAQ_QUESTIONS else set()
    title = ""
    blocks: list[Block] = []
    for i, para in enumerate(kept):
        if i in questions:
            joined = " ".join(" ".join(line.split()) for line in para)
            blocks.append(Block("heading", BULLET.sub("", joined), level=2))
            continue
        following = kept[i + 1][0] if i + 1 < len(kept) else ""
        first = i == 0 and len(para) == 1  # a text's first line, alone: its title
        if not title and len(para) == 1 and _is_heading(para[0], following or "x", first):
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
        item: list[str] = []  # the lines of the item being read
        for line in [*para, "\0"]:
            if item and line != "\0" and line[:1].isspace() and not BULLET.match(line):
                item.append(line)  # an item's text wrapped onto an indented line
                continue
            if item:
                blocks.append(Block("item", " ".join(" ".join(item).split())))
                item = []
            if (line == "\0" or BULLET.match(line)) and text_lines:
                blocks.append(Block("paragraph", " ".join(text_lines)))
                text_lines = []
            if line == "\0":
                break
            if BULLET.match(line):
                item = [BULLET.sub("", line)]
            else:
                text_lines.append(" ".join(line.split()))
    return Document(
        title or (name.rsplit("/", 1)[-1] if name else "Untitled"), blocks, date, "", name
    )

"""Markdown bodies as plain blocks: paragraphs, list items, headings and tables.

The knowledge base's entries and the importer read Markdown through
markdown-it-py (CommonMark with GFM tables) and keep only the words: emphasis,
links and inline code become their text, so a passage's text is the source's
own words. Every block carries the line it starts on, for error messages.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from html import unescape
from html.parser import HTMLParser

from markdown_it import MarkdownIt
from markdown_it.token import Token


@dataclass(frozen=True)
class Block:
    """One block of a Markdown body.

    ``kind`` is "paragraph", "item" (a list item), "heading" (``level`` 1-6) or
    "table" (``rows``: the header row first, each a list of cell texts).
    ``line`` is 1-based within the parsed text.
    """

    kind: str
    text: str = ""
    line: int = 1
    level: int = 0
    rows: tuple[tuple[str, ...], ...] = field(default=())
    links: tuple[str, ...] = ()


@dataclass
class Document:
    """One source document (for ``kb import``): its title, date, origin and blocks."""

    title: str
    blocks: list[Block]
    date: str = ""
    url: str = ""
    name: str = ""  # the file or address, for messages
    site: str = ""  # an HTML page's <title> ("FAQ - The Cargo Book"), when it has one


BOLD_HEADING_WORDS = 16  # a longer run of bold text is an emphasised paragraph

# A heading's attribute list (Pandoc, kramdown, MkDocs, VitePress): "{#id .class}".
_ATTRIBUTES = re.compile(r"\s*\{\s*[#.][^{}]*\}\s*$")


# An element's attribute list after an image or a link (Writerside, kramdown):
# '{width="500"}', '{ width="700" }': layout, not words.
_INLINE_ATTRIBUTES = re.compile(r"\{\s*[\w-]+=[^{}]*\}")
_HTML_COMMENT = re.compile(r"<!--.*?-->", re.S)
_HTML_TAG = re.compile(r"<[^>]+>")


class _TableRows(HTMLParser):
    """The rows of the first table of some HTML, each a list of its cells' text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.rows: list[list[str]] = []
        self._cell: list[str] | None = None
        self._depth = 0  # tables open: a table inside a cell is read as its text

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table":
            self._depth += 1
        elif self._depth == 1 and tag == "tr":
            self.rows.append([])
        elif self._depth == 1 and tag in {"td", "th"} and self.rows:
            self._cell = []
        elif self._cell is not None and tag in {"p", "br", "li"}:
            self._cell.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag == "table":
            self._depth -= 1
        elif self._depth == 1 and tag in {"td", "th"} and self._cell is not None:
            self.rows[-1].append(" ".join("".join(self._cell).split()))
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


class _Definitions(HTMLParser):
    """The terms and definitions of a definition list (``<dt>``, ``<dd>``) in some HTML."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.pairs: list[list[str]] = []  # [term, definition]
        self._into: int | None = None  # 0: reading a term, 1: its definition

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "dt":
            self.pairs.append(["", ""])
            self._into = 0
        elif tag == "dd":
            if not self.pairs:
                self.pairs.append(["", ""])
            self._into = 1

    def handle_endtag(self, tag: str) -> None:
        if tag in {"dt", "dd"}:
            self._into = None

    def handle_data(self, data: str) -> None:
        if self._into is not None:
            self.pairs[-1][self._into] += data


def _html_blocks(html: str, line: int) -> list[Block]:
    """A raw HTML block of a Markdown text: a definition list as a paragraph per term
    ("Malted Grains: Germinated grains ..."), else as :func:`_html_block` reads it."""
    if re.search(r"<dt\b", html, re.I):
        reader = _Definitions()
        reader.feed(_HTML_COMMENT.sub(" ", html))
        reader.close()
        pairs = [[" ".join(t.split()) for t in pair] for pair in reader.pairs]
        paragraphs = [f"{t}: {d}" if t and d else t or d for t, d in pairs if t or d]
        if paragraphs:
            return [Block("paragraph", text, line) for text in paragraphs]
    block = _html_block(html, line)
    return [block] if block is not None else []


def _html_block(html: str, line: int) -> Block | None:
    """A raw HTML block of a Markdown text: a table as a table, else its words as a
    paragraph (``None`` if it has none, like an image or a comment)."""
    html = _HTML_COMMENT.sub(" ", html)
    if re.search(r"<table\b", html, re.I):
        reader = _TableRows()
        reader.feed(html)
        reader.close()
        rows = [r for r in reader.rows if any(r)]
        width = max((len(r) for r in rows), default=0)
        if len(rows) >= 2 and width >= 2:
            return Block(
                "table", line=line, rows=tuple(tuple(r + [""] * (width - len(r))) for r in rows)
            )
    text = " ".join(unescape(_HTML_TAG.sub(" ", html)).split())
    return Block("paragraph", text, line) if len(text.split()) >= 3 else None


@functools.cache
def _parser() -> MarkdownIt:
    """One parser for every file (building one costs more than parsing an entry)."""
    return MarkdownIt("commonmark").enable(["table", "strikethrough"])


def _inline_text(token: Token) -> tuple[str, list[str]]:
    """The words of an inline token, and the link targets inside it."""
    parts: list[str] = []
    links: list[str] = []
    struck = 0  # inside "~~...~~": text the source has crossed out, no longer so
    for child in token.children or []:
        if child.type in ("s_open", "s_close"):
            struck += 1 if child.type == "s_open" else -1
        elif struck > 0:
            continue
        elif child.type == "text":
            # "**" left over from bold that spans paragraphs (as some HTML-to-Markdown
            # output has) is no word of the source.
            parts.append(child.content.replace("**", ""))
        elif child.type == "code_inline":
            parts.append(child.content)
        elif child.type == "softbreak":
            parts.append(" ")
        elif child.type == "hardbreak":
            parts.append("\n")
        elif child.type == "image":
            parts.append(child.content)
        elif child.type == "link_open":
            href = child.attrGet("href")
            if isinstance(href, str):
                links.append(href)
    text = _INLINE_ATTRIBUTES.sub("", "".join(parts))
    text = "\n".join(" ".join(line.split()) for line in text.split("\n"))
    return text.strip(), links


def _bold_only(token: Token) -> bool:
    """Whether an inline token is one run of bold text ("**What is FLAC?**")."""
    children = [c for c in token.children or [] if not (c.type == "text" and not c.content.strip())]
    return (
        len(children) >= 3
        and children[0].type == "strong_open"
        and children[-1].type == "strong_close"
        and not any(c.type in {"strong_open", "strong_close"} for c in children[1:-1])
    )


def blocks(text: str, *, bold_headings: bool = False) -> list[Block]:
    """The blocks of a Markdown text, in order.

    ``bold_headings``: a paragraph that is one short run of bold text ("**What is
    FLAC?**", as many pages set a question above its answer) is a heading one level
    below the heading before it (not a label that ends in ":").
    """
    tokens = _parser().parse(text)
    out: list[Block] = []
    level_above = 1
    in_item = 0
    table: list[list[str]] = []
    row: list[str] = []
    table_line = 1
    for i, token in enumerate(tokens):
        line = token.map[0] + 1 if token.map else (out[-1].line if out else 1)
        if token.type == "list_item_open":
            in_item += 1
        elif token.type == "list_item_close":
            in_item -= 1
        elif token.type == "table_open":
            table, table_line = [], line
        elif token.type == "tr_open":
            row = []
        elif token.type == "tr_close":
            table.append(row)
        elif token.type == "table_close":
            out.append(Block("table", line=table_line, rows=tuple(tuple(r) for r in table)))
        elif token.type == "inline":
            words, links = _inline_text(token)
            opener = tokens[i - 1]
            if opener.type in {"th_open", "td_open"}:
                row.append(words)
            elif opener.type == "heading_open":
                level = int(opener.tag[1])
                words = _ATTRIBUTES.sub("", words)  # "Why? {#why}": an anchor, not words
                out.append(Block("heading", words, line, level=level, links=tuple(links)))
                level_above = level
            elif (
                bold_headings
                and opener.type == "paragraph_open"
                and not in_item
                and _bold_only(token)
                and 0 < len(words.split()) <= BOLD_HEADING_WORDS
                and not words.endswith(":")
                and "\n" not in words
            ):
                level = min(6, level_above + 1)
                out.append(Block("heading", words, line, level=level, links=tuple(links)))
            elif words:
                kind = "item" if in_item else "paragraph"
                out.append(Block(kind, words, line, links=tuple(links)))
        elif token.type == "html_block":
            out.extend(_html_blocks(token.content, line))
        elif token.type in {"fence", "code_block"} and token.content.strip():
            out.append(Block("paragraph", " ".join(token.content.split()), line))
    return out


LABEL_CHARS = 40  # a first cell this short labels its row of a table with no header


def row_paragraph(cells: list[str]) -> str:
    """A row of a table with no header row as a paragraph: "label: the rest" where its
    first cell is short and no sentence ("Ports: Widgets listen on 8080."), else its
    cells run together ("MATLAB numbers indices from 1. NumPy numbers them from 0.")."""
    first, rest = cells[0], [c for c in cells[1:] if c]
    if rest and len(first) <= LABEL_CHARS and not first.endswith("."):
        return f"{first.rstrip(':')}: {' '.join(rest)}"
    return " ".join(cells)


_ESCAPED = set("\\`*_[]<>|")


def escape(text: str) -> str:
    """``text`` as Markdown that reads back as the same words (see :func:`blocks`)."""
    out = "".join(f"\\{c}" if c in _ESCAPED else c for c in text)
    out = _escape_entities(out)
    stripped = out.lstrip()
    if stripped[:1] in {"#", "-", "+", "=", ">"}:
        return "\\" + stripped
    digits = len(stripped) - len(stripped.lstrip("0123456789"))
    if 0 < digits < 10 and stripped[digits : digits + 1] in {".", ")"}:
        return stripped[:digits] + "\\" + stripped[digits:]
    return out


def _escape_entities(text: str) -> str:
    """``&name;`` would read back as a character: escape its ampersand."""
    out = []
    for i, c in enumerate(text):
        if c == "&":
            rest = text[i + 1 : i + 40]
            end = rest.find(";")
            if end > 0 and (rest[:end].isalnum() or rest[:1] == "#"):
                out.append("\\&")
                continue
        out.append(c)
    return "".join(out)

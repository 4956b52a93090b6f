"""``kb import``: turn documents (Markdown, HTML, reStructuredText, AsciiDoc, plain text, a folder,
a URL) into a knowledge base in the authored format, with no hand editing.

The steps each return data: a source is read into a :class:`Document` (its
title, date and blocks: headings, paragraphs, list items, tables); the
documents are cut into passages at their headings (a long section into
paragraphs that stand alone); a comparison table becomes the table, its
columns the subjects; every passage gets example questions derived from its
heading, its subject, its facet (matched with the language's cues) and its
sentences. Questions that would not find their own passage are dropped, so
the result passes ``kb check``. Nothing here uses the network except reading
a URL that was given, and no model.
"""

from __future__ import annotations

import datetime
import logging
import re
import shutil
import urllib.request
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from html import unescape
from pathlib import Path
from typing import Any

import yaml

from bot import markdown, textsource
from bot.authoring import (
    entry_names,
    front_matter,
    passage_markdown,
    table_markdown,
    write_knowledge_yaml,
)
from bot.entries import slug, split_front_matter
from bot.knowledge import KnowledgeBase, KnowledgeError
from bot.language import Language, english
from bot.markdown import Block, Document
from bot.models import Cell, Passage, SourceInfo, Subject, TableRow
from bot.text import words

SUFFIXES = {".md": "markdown", ".markdown": "markdown", ".html": "html", ".htm": "html"}
SUFFIXES |= {".txt": "text", ".text": "text", ".rst": "rst", ".rest": "rst"}
SUFFIXES |= {".adoc": "asciidoc", ".asciidoc": "asciidoc"}
MAX_FETCH = 5_000_000
MAX_PASSAGE_CHARS = 700  # a longer section is cut at paragraphs (answers show 800)
MAX_ANSWER_PASSAGE_CHARS = 790  # a FAQ's answer: whole while an answer can show it
MIN_PASSAGE_WORDS = 25  # a shorter paragraph joins the one before it
FACET_ORDER = ("together", "difference", "examples", "hierarchy", "how-it-works", "definition")
FAQ_WORDS = re.compile(
    r"\b(frequently asked questions|faqs?|community|guide|handbook|help|docs|documentation|"
    r"the|about|questions|answers)\b",
    re.IGNORECASE,
)


class SourceError(ValueError):
    """A source cannot be read or holds nothing to import."""


# ---------------------------------------------------------------- reading


def read_sources(sources: list[str]) -> list[Document]:
    """Every document in ``sources``: files, folders (their supported files) and URLs."""
    docs: list[Document] = []
    for source in sources:
        if re.match(r"https?://", source):
            docs.append(read_html(_fetch(source), name=source, url=source))
            continue
        path = Path(source)
        if path.is_dir():
            files = sorted(p for p in path.rglob("*") if p.suffix.lower() in SUFFIXES)
            if not files:
                raise SourceError(
                    f"{path}: no .md, .html, .rst, .adoc or .txt files in this folder"
                )
            docs.extend(read_file(p) for p in files)
        elif path.is_file():
            docs.append(read_file(path))
        else:
            raise SourceError(f"{source}: no such file or folder")
    return docs


def read_file(path: Path) -> Document:
    """A Markdown, HTML, reStructuredText, AsciiDoc or plain-text file, by its extension."""
    kind = SUFFIXES.get(path.suffix.lower())
    if kind is None:
        raise SourceError(f"{path}: not a .md, .html, .rst, .adoc or .txt file")
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError as exc:
        raise SourceError(f"{path}: cannot read the file ({exc.__class__.__name__})") from None
    if kind == "markdown":
        return read_markdown(text, name=str(path))
    if kind == "html":
        return read_html(text, name=str(path))
    if kind == "rst":
        return read_rst(text, name=str(path))
    if kind == "asciidoc":
        return read_asciidoc(text, name=str(path))
    return textsource.read_text(text, name=str(path))


def _fetch(url: str) -> str:
    """The page at ``url`` (only ever called for a URL the user gave)."""
    headers = {"User-Agent": "mlgenai-bot kb import"}
    request = urllib.request.Request(url, headers=headers)  # noqa: S310 - http(s) only
    try:
        # S310: only http(s) reaches here (read_sources matches the scheme)
        with urllib.request.urlopen(request, timeout=20) as response:  # noqa: S310
            raw: bytes = response.read(MAX_FETCH + 1)
            charset = response.headers.get_content_charset() or "utf-8"
    except (OSError, ValueError) as exc:
        raise SourceError(f"{url}: cannot fetch the page ({exc})") from None
    if len(raw) > MAX_FETCH:
        raise SourceError(f"{url}: the page is larger than {MAX_FETCH // 1_000_000} MB")
    return raw.decode(charset, errors="replace")


_LEADING_COMMENTS = re.compile(r"\A(?:\s*<!--.*?-->)+\s*", re.S)  # before front matter
# A container's fence lines (VitePress, Docusaurus: ":::tip", ":::"): their text stays.
_CONTAINER = re.compile(r"^ {0,3}:{3,}.*$", re.M)


def read_markdown(text: str, name: str = "", url: str = "") -> Document:
    """A Markdown document; front matter may give ``title`` and ``date``."""
    text = _LEADING_COMMENTS.sub("", text.replace("\r\n", "\n"))
    try:
        front, body, _ = split_front_matter(text)
    except ValueError:
        front, body = "", text
    body = _CONTAINER.sub("", body)
    meta: dict[str, Any] = {}
    if front:
        try:
            loaded = yaml.safe_load(front)
            meta = loaded if isinstance(loaded, dict) else {}
        except yaml.YAMLError:
            meta = {}
    blocks = _continued(_without_contents(_unnumbered(markdown.blocks(body, bold_headings=True))))
    title = str(meta.get("title") or "")
    ones = [b for b in blocks if b.kind == "heading" and b.level == 1]
    if len(ones) > 1 and ones[0].text.endswith("?"):
        pass  # every question a top heading (a FAQ): the first is a question, not the title
    elif blocks and blocks[0].kind == "heading" and blocks[0].level == 1:
        title = title or blocks[0].text
        blocks = blocks[1:]
    elif not title and ones:
        title = ones[0].text
    elif not title and blocks and blocks[0].kind == "heading":
        # A chapter that starts "## What Is Ownership?" and has no other heading of that
        # level: its title, one level down.
        top = [b for b in blocks if b.kind == "heading" and b.level <= blocks[0].level]
        if len(top) == 1:
            title = blocks[0].text
            blocks = blocks[1:]
    return Document(title or Path(name).stem, blocks, str(meta.get("date") or ""), url, name)


_QUESTION_NUMBER = re.compile(r"^(?:Q|Question)\s*\d+\s*[:.)\-–]\s*(?=\S)", re.I)
_CONTENTS_SHARE = 0.8  # of a list's items that are headings of the page: its contents
_CONTENTS_ITEMS = 3


def _unnumbered(blocks: list[Block]) -> list[Block]:
    """Headings without a FAQ's question numbers ("Q1 : Do you plan ...?")."""
    return [
        replace(b, text=_QUESTION_NUMBER.sub("", b.text)) if b.kind == "heading" else b
        for b in blocks
    ]


_TRAILING = re.compile(r"\s*(?:…|\.{3})\s*$")
_LEADING = re.compile(r"^\s*(?:…|\.{3})\s*")


def _continued(blocks: list[Block]) -> list[Block]:
    """Headings that go on from the heading above them whole: "…rename my files?" under
    "How do I…" is "How do I rename my files?"."""
    above: dict[int, str] = {}  # the last heading of each level
    out: list[Block] = []
    for b in blocks:
        if b.kind == "heading":
            parent = next((above[lv] for lv in sorted(above, reverse=True) if lv < b.level), "")
            if _LEADING.match(b.text) and _TRAILING.search(parent):
                b = replace(b, text=f"{_TRAILING.sub('', parent)} {_LEADING.sub('', b.text)}")
            above = {lv: t for lv, t in above.items() if lv < b.level}
            above[b.level] = b.text
        out.append(b)
    return out


def _without_contents(blocks: list[Block]) -> list[Block]:
    """The blocks without a table of contents: a list of three or more items most of
    which are the page's own headings (a FAQ's questions listed at its top)."""
    headings = {_plain(b.text) for b in blocks if b.kind == "heading"}
    out: list[Block] = []
    run: list[Block] = []
    for block in [*blocks, None]:
        if block is not None and block.kind == "item":
            run.append(block)
            continue
        named = sum(_plain(_QUESTION_NUMBER.sub("", b.text)) in headings for b in run)
        if not (len(run) >= _CONTENTS_ITEMS and named >= _CONTENTS_SHARE * len(run)):
            out += run
        run = []
        if block is not None:
            out.append(block)
    return out


_PAGE = re.compile(r"<(?:html|body)\b", re.I)
_MACRO_ALONE = re.compile(r"^\s*\{\{[^{}]*\}\}\s*$")  # "{{AddonSidebar}}"
_MACRO = re.compile(r"""\{\{\s*\w+\s*(?:\(\s*["']([^"']*)["'][^{}]*\))?\s*\}\}""")
_BLOCK_TAGS = frozenset(
    [
        "p",
        "ul",
        "ol",
        "dl",
        "pre",
        "table",
        "div",
        "section",
        "article",
        "blockquote",
        "details",
        "figure",
        "aside",
        "main",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
    ]
)


KEPT_SHARE = 0.75  # of a fragment's words: an extractor that keeps fewer mangled it


def _fragment(source: str, name: str, url: str) -> Document | None:
    """A fragment read element by element, where the extractor would lose much of it."""
    import lxml.etree
    import lxml.html
    import trafilatura

    try:
        front, body, _ = split_front_matter(source)
    except ValueError:
        front, body = "", source
    try:
        root = lxml.html.fragment_fromstring(body, create_parent="div")
    except (ValueError, lxml.etree.ParserError):
        return None
    for bad in root.xpath("//script|//style"):
        bad.drop_tree()
    _unwrap_layout(root)  # a page laid out in a table: its cell holds the headings
    total = len(" ".join(root.itertext()).split())
    _quiet(trafilatura)
    kept = trafilatura.extract(_without_layout_tables(body), include_tables=True) or ""
    if len(kept.split()) >= KEPT_SHARE * total:
        return None
    text = html_fragment_markdown(root)
    if not text.strip():
        return None
    head = f"---\n{front}\n---\n" if front else ""
    return read_markdown(head + text, name=name, url=url)


def _quiet(module: Any) -> None:
    """The extractor's own log lines off: it logs 'ERROR ... empty HTML tree' for a
    fragment it cannot read, which the import then reads another way."""
    logging.getLogger(module.__name__).setLevel(logging.CRITICAL)


def html_fragment_markdown(root: Any) -> str:
    """An HTML fragment with no page around it (a static site's source: front matter,
    then ``<p>``, ``<h2>``, ``<dl>`` ...), parsed as ``root``, as Markdown, element by
    element: nothing in it is page chrome for an extractor to drop, and its definition
    lists ("In Chrome" / "In Firefox") stay labelled paragraphs. Template macros
    ("{{AddonSidebar}}") are dropped, those that name something
    (``{{WebExtAPIRef("tabs.query")}}``) keep it."""
    out: list[str] = []

    def inline(el: Any) -> str:
        return _unmacro("".join(el.itertext()))

    def para(text: str) -> None:
        if text and not _MACRO_ALONE.match(text):
            out.append(text)

    def walk(el: Any) -> None:
        run = [el.text or ""]  # the inline text between blocks
        for child in el:
            if isinstance(child.tag, str) and child.tag in _BLOCK_TAGS | {"li", "br"}:
                para(_unmacro("".join(run)))
                run.clear()
                block(child)
            elif isinstance(child.tag, str):
                run.append("".join(child.itertext()))
            run.append(child.tail or "")
        para(_unmacro("".join(run)))

    def block(child: Any) -> None:
        if child.tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            out.append("#" * int(child.tag[1]) + " " + inline(child))
        elif child.tag in ("ul", "ol"):
            for li in child.xpath("./li"):
                nested = [c for c in li if isinstance(c.tag, str) and c.tag in _BLOCK_TAGS]
                if len(nested) <= 1 and all(c.tag == "p" for c in nested):
                    out.append("- " + inline(li))
                else:
                    walk(li)
        elif child.tag == "dl":
            term = ""
            for part in child:
                if part.tag == "dt":
                    term = inline(part)
                elif part.tag == "dd":
                    text = inline(part)
                    para(f"{term.rstrip(':')}: {text}" if term else text)
        elif child.tag == "pre":
            out.append("```\n" + child.text_content().strip("\n") + "\n```")
        elif child.tag == "table":
            rows = [[inline(c) for c in tr.xpath("./th|./td")] for tr in child.iter("tr")]
            rows = [r for r in rows if any(r)]
            if rows and not child.xpath(".//th"):
                # No header: its first row is no column names. Each row is a paragraph
                # ("MATLAB numbers indices from 1 ... NumPy numbers indices from 0"), a
                # short first cell its label.
                for r in rows:
                    para(markdown.row_paragraph(r))
            elif rows:
                width = max(len(r) for r in rows)
                cells = [[c.replace("|", "\\|") for c in r + [""] * (width - len(r))] for r in rows]
                lines = ["| " + " | ".join(cells[0]) + " |", "|" + " --- |" * width]
                lines += ["| " + " | ".join(r) + " |" for r in cells[1:]]
                out.append("\n".join(lines))  # one block: rows apart are no table
        elif child.tag in ("p", "li"):
            para(inline(child))
        elif child.tag != "br":
            walk(child)

    walk(root)
    return "\n\n".join(out) + "\n"


def _unmacro(text: str) -> str:
    """Inline text, whitespace collapsed and template macros resolved."""
    return _MACRO.sub(lambda m: m.group(1) or "", " ".join(text.split())).strip()


def read_rst(text: str, name: str = "", url: str = "") -> Document:
    """A reStructuredText document (a Sphinx page), parsed by docutils and read as an
    HTML fragment, element by element."""
    import lxml.etree
    import lxml.html

    from bot import rstsource

    try:
        title, body = rstsource.to_html(text.replace("\r\n", "\n"))
    except ImportError:
        raise SourceError(
            f"{name}: reading .rst needs docutils: pip install 'mlgenai-bot[import]'"
        ) from None
    except Exception as exc:  # docutils raises many kinds on broken markup
        raise SourceError(f"{name}: cannot read the reStructuredText ({exc})") from None
    try:
        root = lxml.html.fragment_fromstring(body or "<p></p>", create_parent="div")
    except (ValueError, lxml.etree.ParserError):
        raise SourceError(f"{name}: nothing to import") from None
    if not title:
        # Every section at one level, the first its title (as Sphinx names the page).
        first = root.find(".//h2")
        title = " ".join(first.text_content().split()) if first is not None else ""
    head = f"# {title}\n\n" if title else ""
    return read_markdown(head + html_fragment_markdown(root), name=name, url=url)


def read_asciidoc(text: str, name: str = "", url: str = "") -> Document:
    """An AsciiDoc document (a handbook chapter, a project guide), read as the
    Markdown it is written like (see :mod:`bot.adocsource`)."""
    from bot import adocsource

    return read_markdown(adocsource.to_markdown(text), name=name, url=url)


def read_html(html: str, name: str = "", url: str = "") -> Document:
    """An HTML page: its main content (trafilatura drops navigation, ads and comments).

    A fragment with no page around it (a static site's source, maybe with front
    matter) has no chrome to drop: where the extractor drops much of it anyway (a
    quarter of its words: definition lists, headings that hold code), it is read
    element by element instead.
    """
    source = _LEADING_COMMENTS.sub("", html.replace("\r\n", "\n"))
    fragment = None if _PAGE.search(source) else _fragment(source, name, url)
    if fragment is not None:
        return fragment
    try:
        import trafilatura
    except ImportError:
        raise SourceError(
            "importing HTML needs trafilatura: pip install 'mlgenai-bot[import]'"
        ) from None
    # What the extractor reads (and the text its headings are put back in).
    page = _without_layout_tables(_bare_text_as_paragraphs(html))
    _quiet(trafilatura)
    extracted = trafilatura.extract(
        page,
        output_format="markdown",
        include_tables=True,
        include_formatting=True,
        include_links=False,
        include_images=False,
        include_comments=False,
        with_metadata=False,
    )
    text = extracted or ""
    if not text:
        raise SourceError(f"{name or url}: found no main content in the page")
    text = restore_lists(html, restore_headings(page, _FENCE_AFTER_TEXT.sub("\\1\n```", text)))
    meta = trafilatura.extract_metadata(html)
    doc = read_markdown(text, name=name, url=url)
    found = re.search(r"<title[^>]*>(.*?)</title>", html, re.IGNORECASE | re.DOTALL)
    site = " ".join(unescape(found.group(1)).split()) if found else ""
    # the page's own <h1> names it best; metadata titles are sometimes a widget's heading
    # The <title> often adds the site's name: an <h1> it starts with is the page's own.
    ones = (title for level, title, _ in _page_headings(html) if level == 1)
    named = next((h for h in ones if h and site.startswith(h)), "")
    title = doc.title if doc.title != Path(name).stem else named or site
    title = title or (meta.title if meta and meta.title else "")
    date = (meta.date if meta and meta.date else "") or doc.date
    if date.endswith("-01-01") and date not in html:
        date = doc.date  # a year the page names ("© 2000-2009"), guessed as a day: unknown
    return replace(doc, title=title or doc.title, date=date, site=site)


_BARE_TEXT = re.compile(r"</h[1-6]\s*>\s*[^\s<]|<hr\b[^>]*>\s*[^\s<]", re.I)
_BLOCK_PARENTS = frozenset({"body", "div", "section", "article", "main", "blockquote"})
_BARE_WORDS = 3  # words of text set straight in the page that make a paragraph


def _bare_text_as_paragraphs(html: str) -> str:
    """The page with text set straight after a heading or a rule, in no paragraph of
    its own (old hand-written pages: "<h3>inflate returned -5</h3> This error means
    ... <hr>"), as paragraphs: extractors drop such text, and its heading with it."""
    if not _BARE_TEXT.search(html):
        return html
    import lxml.etree
    import lxml.html

    try:
        root = lxml.html.fromstring(html.encode("utf-8"))
    except (ValueError, lxml.etree.ParserError):
        return html
    changed = False
    for parent in root.iter(*_BLOCK_PARENTS):
        for child in list(parent):
            tail = child.tail or ""
            following = child.getnext()
            alone = following is None or (
                isinstance(following.tag, str) and following.tag in _BLOCKS_AFTER
            )
            if len(tail.split()) < _BARE_WORDS or not alone or not isinstance(child.tag, str):
                continue
            paragraph = lxml.html.Element("p")
            paragraph.text = tail.strip()
            child.tail = "\n"
            child.addnext(paragraph)
            changed = True
    return str(lxml.html.tostring(root, encoding="unicode")) if changed else html


_BLOCKS_AFTER = _BLOCK_TAGS | {"hr"}  # what may follow text set straight in the page


def _without_layout_tables(html: str) -> str:
    """The page with the tables that lay it out (a table holding a heading or another
    table: old sites set menus and content side by side so) as plain blocks, so that
    the extractor sees the content as text, not as one cell of a table; tables of
    data stay tables."""
    if "<table" not in html.lower() or not re.search(r"<t[dh]\b", html, re.I):
        return html
    import lxml.html  # trafilatura's own parser

    try:
        root = lxml.html.fromstring(html.encode("utf-8"))
    except (ValueError, lxml.etree.ParserError):
        return html
    if not _unwrap_layout(root):
        return html
    return str(lxml.html.tostring(root, encoding="unicode"))


def _unwrap_layout(root: Any) -> bool:
    """Turn, in place, the tables that lay out ``root`` into plain blocks (see
    :func:`_without_layout_tables`); whether there were any."""
    laid_out = [t for t in root.iter("table") if t.xpath(_LAYOUT)]
    side_by_side = [t for t in root.iter("table") if t not in laid_out and _blocks_in_cells(t)]
    for table in laid_out:
        own = [table, *table.xpath("./tr|./*/tr|./tr/td|./tr/th|./*/tr/td|./*/tr/th|./*")]
        for element in own:
            if element.tag in _TABLE_PARTS:
                element.tag = "div"
    for table in side_by_side:
        _cells_as_paragraphs(table)
    return bool(laid_out or side_by_side)


def _blocks_in_cells(table: Any) -> bool:
    """Whether a table with a header row holds blocks in its cells (a list, a
    definition list, a paragraph, code): "CVS | Subversion" set side by side, each
    cell commands and their explanation, which an extractor drops as too complex."""
    rows = table.xpath("./tr|./*/tr")
    return (
        len(rows) >= 2
        and bool(rows[0].xpath("./th"))
        and bool(table.xpath("./tr/td//dl|./tr/td//p|./tr/td//pre|./tr/td//ul|./*/tr/td//dl"))
    )


def _cells_as_paragraphs(table: Any) -> None:
    """A side-by-side table as one paragraph per cell, labelled by its column's header
    ("CVS: Commands: $ cvs init Explanation: Creates a new directory ...")."""
    import lxml.html

    rows = table.xpath("./tr|./*/tr")
    header = [" ".join(th.text_content().split()) for th in rows[0].xpath("./th|./td")]
    replacement = lxml.html.Element("div")
    for row in rows[1:]:
        for i, cell in enumerate(row.xpath("./td|./th")):
            text = " ".join(" ".join(cell.itertext()).split())  # "Commands: $ cvs init"
            if not text:
                continue
            label = header[i] if i < len(header) and header[i] else ""
            paragraph = lxml.html.Element("p")
            paragraph.text = f"{label}: {text}" if label else text
            replacement.append(paragraph)
    replacement.tail = table.tail
    parent = table.getparent()
    if parent is not None:
        parent.replace(table, replacement)


_LAYOUT = ".//h1|.//h2|.//h3|.//h4|.//h5|.//h6|.//table"
_TABLE_PARTS = frozenset({"table", "thead", "tbody", "tfoot", "tr", "td", "th"})
_PAGE_HEADING = re.compile(
    r"<h(?P<level>[1-6])\b[^>]*>(?P<heading>.*?)</h(?P=level)\s*>"
    r"|<(?P<tag>label|summary|dt)\b(?P<attributes>[^>]*)>(?P<label>.*?)</(?P=tag)\s*>"
    r"|<li\b[^>]*>\s*<(?P<emphasis>em|strong|b|i)\b[^>]*>(?P<asked>[^<]*?\?)\s*</(?P=emphasis)\s*>",
    re.S | re.I,
)
_QUESTION_CLASS = re.compile(r"""class\s*=\s*["'][^"']*\bq(?:uestion|a-question|-)""", re.I)
_TAG = re.compile(r"<[^>]+>")
# An extractor writes inline code that spans lines as a fence opened at a line's end
# ("... and ```"), which Markdown reads as text, so every later fence is off by one.
_FENCE_AFTER_TEXT = re.compile(r"^(.*[^\s`])[ \t]*```[ \t]*$", re.M)
_PRE = re.compile(r"<pre\b[^>]*>(.*?)</pre\s*>", re.S | re.I)
_SKIPPED = re.compile(r"<(script|style)\b.*?</\1\s*>", re.S | re.I)
_PLAIN = re.compile(r"[^\w]+")
_FOLLOWING_WORDS = 8  # the words after a heading that find where it stood
_HEADING_WORDS = 16  # longer "headings" are a styled paragraph


def _plain(markup: str) -> str:
    """Markup or Markdown as lower-case words separated by single spaces."""
    return _PLAIN.sub(" ", unescape(_TAG.sub(" ", markup)).lower()).strip()


def _heading_text(markup: str) -> str:
    """A heading's text, without its tags and permalink sign."""
    return " ".join(unescape(_TAG.sub(" ", markup)).replace("\u00b6", "").split())


def _page_headings(html: str) -> list[tuple[int, str, int]]:
    """The page's headings as (level, text, where it ends), in order: its ``<h1>``-``<h6>``
    and the questions it sets apart as labels of their answers (``<label
    class="qa-question">``, ``<summary>``, ``<dt>``), one level below the heading before."""
    out: list[tuple[int, str, int]] = []
    level = 1
    for match in _PAGE_HEADING.finditer(html):
        if match.group("level"):
            level = int(match.group("level"))
            out.append((level, _heading_text(match.group("heading")), match.end()))
            continue
        if match.group("asked"):  # "<li><em>Where can I get libxml ?</em> ...": a FAQ's
            out.append((min(level + 1, 6), _heading_text(match.group("asked")), match.end()))
            continue
        title = _heading_text(match.group("label"))
        if title.endswith("?") or _QUESTION_CLASS.search(match.group("attributes")):
            out.append((min(level + 1, 6), title, match.end()))
    return out


def restore_headings(html: str, text: str) -> str:
    """``text`` (the page's main content as Markdown) with the headings the extractor
    dropped put back before the line that follows each in the page, and lines of
    code it wrote as headings ("# In .htaccess in root dir") kept as text.

    Extractors drop headings they read as navigation (a heading holding an anchor
    and a permalink, as generated manuals write them), which would leave a whole
    manual as one "Introduction". A heading is put back only where the words
    right after it in the page start a line of ``text``, and only if the text
    does not hold it already; one that ends with a colon ("Note:") labels a box,
    not a section.
    """
    lines = text.split("\n")
    plain = [_plain(line) for line in lines]
    found = _page_headings(html)
    keys = {_plain(title) for _, title, _ in found}
    code = " " + " ".join(_plain(c) for c in _PRE.findall(html)) + " "
    for i, line in enumerate(lines):
        if line.startswith("#") and plain[i] and plain[i] not in keys and f" {plain[i]} " in code:
            lines[i] = "\\" + line  # a comment of a code block, not a heading
    present = {plain[i] for i, line in enumerate(lines) if line.startswith("#")}
    inserted: dict[int, str] = {}
    for level, title, end in found:
        key = _plain(title)
        if not key or key in present or title.endswith(":") or len(key.split()) > _HEADING_WORDS:
            continue
        after = _SKIPPED.sub(" ", html[end : end + 4000])
        following = " ".join(_plain(after).split()[:_FOLLOWING_WORDS])
        if len(following.split()) < 3:
            continue
        at = next(
            (
                i
                for i, p in enumerate(plain)
                if p
                and following.startswith(p[: len(following)][:20])
                and " ".join(q for q in plain[i : i + 4] if q).startswith(following)
            ),
            None,
        )
        if at is None or at in inserted:
            continue
        inserted[at] = "#" * level + " " + title
        present.add(key)
    out: list[str] = []
    for i, line in enumerate(lines):
        if i in inserted:
            out += ["", inserted[i], ""]
        out.append(line)
    return "\n".join(out)


def _lists(html: str) -> Iterator[tuple[int, str]]:
    """Where each outermost list of the page starts, and its markup."""
    depth, start = 0, 0
    for match in _LIST_TAG.finditer(html):
        if match.group(1):
            depth = max(depth - 1, 0)
            if depth == 0:
                yield start, html[start : match.end()]
        else:
            if depth == 0:
                start = match.start()
            depth += 1


def restore_lists(html: str, text: str) -> str:
    """``text`` with the lists the extractor dropped put back as Markdown items after
    the paragraph that introduces each ("Fish history recall is very simple:").

    An extractor that favours precision drops a list holding nested lists, as it
    drops navigation menus. A list is put back only where the words just before it
    in the page end a line of ``text`` (so the paragraph that leads into it was kept
    as content, which a menu's neighbour is not), and only if the text lacks its
    first item.
    """
    lines = text.split("\n")
    plain = [_plain(line) for line in lines]
    everything = " " + " ".join(p for p in plain if p) + " "
    inserted: dict[int, list[str]] = {}
    for start, markup in _lists(html):
        before = _plain(_SKIPPED.sub(" ", html[max(start - 2000, 0) : start])).split()
        lead = " ".join(before[-_FOLLOWING_WORDS:])
        items = [_heading_text(_INLINE_TAG.sub("", item)) for item in _LIST_ITEM.split(markup)[1:]]
        items = [item for item in items if item]
        if len(lead.split()) < 3 or not items or f" {_plain(items[0])} " in everything:
            continue
        at = next(
            (
                i
                for i, p in enumerate(plain)
                if len(p.split()) >= 3 and (p.endswith(lead) or lead.endswith(" " + p))
            ),
            None,
        )
        if at is not None and at not in inserted:
            inserted[at] = [f"- {item}" for item in items]
    out: list[str] = []
    for i, line in enumerate(lines):
        out.append(line)
        if i in inserted:
            out += ["", *inserted[i], ""]
    return "\n".join(out)


_LIST_TAG = re.compile(r"<(/?)(?:ul|ol)\b[^>]*>", re.I)
_LIST_ITEM = re.compile(r"<li\b[^>]*>", re.I)
_INLINE_TAG = re.compile(
    r"</?(?:a|b|i|em|strong|span|code|kbd|samp|var|small|sub|sup)\b[^>]*>", re.I
)  # joined without a space: "<em>Alt</em>-<b>&uarr;</b>" is "Alt-↑"


# ---------------------------------------------------------------- cutting


@dataclass
class Section:
    """A heading and what stands under it; ``parent``, the heading it stands under
    where it does not stand alone ("How it works" under "Snapshotting")."""

    heading: str
    blocks: list[Block] = field(default_factory=list)
    parent: str = ""

    @property
    def title(self) -> str:
        """The heading as a passage's title: "Snapshotting: How it works"."""
        return f"{self.parent.rstrip('?:.')}: {self.heading}" if self.parent else self.heading


_INTRODUCTION = "Introduction"  # the section of what stands before the first heading
_ALONE_WORDS = 3  # a heading of more words (or a question) makes sense on its own


def sections(doc: Document, subjects: Sequence[Subject] = ()) -> list[Section]:
    """The document cut at its headings (text before the first is its introduction).

    A short heading under another ("GPU" under "What are the hardware
    requirements?", "How it works" under "Snapshotting" and again under "Log
    rewriting") is named with the heading it stands under, unless that is the
    document's own title or the heading names one of the ``subjects`` compared
    ("Flutter" under "Kotlin Multiplatform and Flutter").
    """
    out = [Section(_INTRODUCTION)]
    above: list[Block] = []  # the headings the current one stands under
    for block in doc.blocks:
        if block.kind == "heading":
            while above and above[-1].level >= block.level:
                above.pop()
            parent = above[-1].text if above else ""
            alone = (
                len(block.text.split()) > _ALONE_WORDS
                or block.text.endswith("?")
                or (len(subjects) > 1 and any(mentions(block.text, s) for s in subjects))
            )  # one of the things compared; a single subject ("Redis 2.0") is no topic
            if alone or parent == doc.title or (above and above[-1].level <= 1):
                parent = ""
            parent = parent.split(": ")[0]  # without its tagline: "X and Y: streamlining ..."
            out.append(Section(block.text, parent=parent))
            above.append(block)
        else:
            out[-1].blocks.append(block)
    return [s for s in out if s.blocks]


def chunks(section: Section) -> list[list[Block]]:
    """A section's text cut into passages that stand alone: a paragraph with its list,
    short paragraphs joined to the one before, each passage within the answer size."""
    groups: list[list[Block]] = []
    asked = section.heading.endswith("?")  # a FAQ's answer: one passage while it fits
    for block in section.blocks:
        if block.kind == "table":
            continue
        limit = MAX_ANSWER_PASSAGE_CHARS if asked else MAX_PASSAGE_CHARS
        fits = bool(groups) and _size(groups[-1]) + len(block.text) < limit
        joins = fits and (
            asked
            or block.kind == "item"
            or groups[-1][-1].text.endswith(":")
            or _size(groups[-1]) + len(block.text) < 300
            or (
                len(block.text.split()) < MIN_PASSAGE_WORDS
                and not block.text.endswith(":")  # it introduces a list: a passage of its own
                and _size(groups[-1]) + len(block.text) < MAX_PASSAGE_CHARS
            )
        )
        if joins:
            groups[-1].append(block)
        elif groups and block.kind == "paragraph" and block.text[:1].islower():
            # "will log you into ..." goes on from the sentence before a code block
            # ("For example,"): the passage starts with that sentence.
            groups.append([*_lead_in(groups[-1]), block])
        else:
            groups.append([block])
    return [g for g in groups if g]


_LEAD_IN_BLOCKS = 3  # the blocks before a continuation looked back over for its lead-in


def _lead_in(group: list[Block]) -> list[Block]:
    """The blocks at the end of ``group`` from the last sentence that leads into what
    follows (it ends with ":" or ","), taken out of it; none if there is none, or if it
    would leave the group empty."""
    for back in range(1, min(_LEAD_IN_BLOCKS, len(group) - 1) + 1):
        if group[-back].text.rstrip().endswith((":", ",")):
            taken = group[-back:]
            del group[-back:]
            return taken
    return []


def _size(blocks: list[Block]) -> int:
    return sum(len(b.text) + 1 for b in blocks)


# ---------------------------------------------------------------- subjects


_ABBREVIATION = re.compile(r"\b([A-Z][\w'-]*(?: [A-Za-z][\w'-]*){0,5}) \(([A-Za-z][\w.-]{1,14})\)")


def abbreviations(text: str) -> dict[str, str]:
    """``"Large Language Models (LLMs)"`` -> ``{"Large Language Models": "LLMs"}``.

    The words kept are those the abbreviation's letters stand for ("verifying a
    minimum-supported Rust version (MSRV)" keeps "minimum-supported Rust version");
    a word in brackets that is no abbreviation ("package definitions (formulae)") is
    none."""
    found: dict[str, str] = {}
    for long, short in _ABBREVIATION.findall(text):
        if sum(c.isdigit() for c in short) > sum(c.isalpha() for c in short):
            continue  # "(GH-6269)", "(RFC 1234)": a reference, not a short name
        core = short.lower().rstrip("s")
        capitals = sum(c.isupper() for c in short)
        long_words = long.split()
        run = ""
        for start in range(len(long_words) - 1, -1, -1):
            tail = long_words[start:]
            initials = "".join(p[0] for w in tail for p in w.split("-") if p).lower()
            if initials == core:
                run = " ".join(tail)
                break
        if not run and capitals >= 2:
            # "Generative AI (GenAI)", "Kotlin Multiplatform (KMP)": letters of the words,
            # not only their initials; the fewest words that spell it (else all of them).
            run = next(
                (
                    " ".join(long_words[start:])
                    for start in range(len(long_words) - 1, -1, -1)
                    if _spells(core, long_words[start:])
                ),
                long,
            )
        if run:
            found.setdefault(run, short)
    return found


def _spells(short: str, tail: list[str]) -> bool:
    """Whether ``short``'s letters come in order in ``tail``'s words, its first letter
    the first word's own ("kmp" in "Kotlin Multiplatform")."""
    letters = "".join(tail).lower()
    if not short or not letters.startswith(short[0]):
        return False
    rest = iter(letters[1:])
    return all(c in rest for c in short[1:])


def _initials(name: str) -> list[str]:
    """A name of three words or more as its initials ("omz" for "Oh My Zsh"), unless
    they spell an everyday word ("Can All Tigers" is not "cat"); else nothing."""
    parts = words(name)
    initials = "".join(w[0] for w in parts)
    if (
        len(parts) < 3
        or not initials.isalpha()
        or english().frequency.get(initials, 0) >= RARE_ZIPF
    ):
        return []
    return [initials]


_CAMEL = re.compile(
    r"^(?:[A-Z]\w* )*(?P<word>[A-Z][a-z]+(?:[A-Z][a-z]+)+)(?: (?P<version>\d+(?:\.\d+)*))?$"
)  # "PowerShell 7", "Windows PowerShell 5.1"


def _camel_initials(name: str) -> list[str]:
    """A version of a name written in CamelCase as its capitals and number, as people
    shorten it: "ps7" and "ps 7" for "PowerShell 7", "ps 5.1" for "Windows PowerShell
    5.1"; else nothing. (The capitals alone,
    "np" for NumPy, are what the source itself writes for other things: "np.copy".)"""
    match = _CAMEL.match(name)
    if match is None or not match.group("version"):
        return []
    initials = "".join(c for c in match.group("word") if c.isupper()).lower()
    version = match.group("version")
    return [f"{initials}{version}", f"{initials} {version}"]


def _subject(label: str, text: str, known: dict[str, str]) -> Subject:
    """A subject from a column or title label such as ``"Machine Learning (ML)"``."""
    match = re.match(r"^(.*?)\s*\(([^)]{1,20})\)\s*$", label)
    name, short = (match.group(1), match.group(2)) if match else (label, "")
    name = name.strip(" :.-")
    short = short or known.get(name, "") or name
    aliases = {
        name.lower(),
        short.lower(),
        name.lower().replace(" ", ""),
        name.lower().replace(" ", "-"),
        re.sub(r"[\W_]+", "", name.lower()),  # "fdroid", "letsencrypt": as people type it
    }
    shorts = {short} | {abbr for long, abbr in known.items() if long.lower() == name.lower()}
    aliases |= {a.lower() for a in shorts}
    aliases |= {re.sub(r"(?<=[a-z])(?=[A-Z])", " ", a).lower() for a in shorts}  # "Gen AI"
    aliases |= set(_initials(name)) | set(_camel_initials(name))
    sid = slug(short) if short != name and len(short) <= 12 else slug(name)
    return Subject(sid or "subject", name, short, tuple(sorted(aliases)))


def find_subjects(docs: list[Document], table: Block | None, subject: str = "") -> list[Subject]:
    """What the documents are about: the table's columns, the title's "A vs B", or one
    subject named by the title (or by ``subject``)."""
    text = " ".join(b.text for d in docs for b in d.blocks)
    # One block a line: a heading ("Kotlin Multiplatform") runs into no abbreviation.
    lines = [b.text for d in docs for b in d.blocks]
    known = abbreviations("\n".join(lines + [" ".join(r) for r in (table.rows if table else ())]))
    if subject:
        return [_subject(subject, text, known)]
    title = _MARKS.sub("", docs[0].title)  # "Linux® Users": the name is "Linux"
    columns = _compared_columns(table) if table is not None else []
    labels = [table.rows[0][i] for i in columns] if table is not None else []
    if 2 <= len(labels) <= 4 and all(
        re.search(r"[^\W\d_]", label)
        and _count(re.sub(r"\s*\([^)]*\)", "", label).strip(), text) >= _NAMED_TIMES
        for label in labels
    ):  # "Machine Learning (ML)" is named as "Machine Learning"
        # Columns the text names as things ("Induction | Gas"), not a table of something
        # else ("Supported in hledger? | 1.52 | hledger name, notes").
        return [_subject(label, text, known) for label in labels]
    parts = re.split(r"\s+(?:vs\.?|versus)\s+", re.sub(r"[:|–—-]\s.*$", "", title), flags=re.I)
    if len(parts) >= 2:
        return [_subject(p, text, known) for p in parts]
    both = _BOTH_NAMED.match(title)
    if (
        both
        and _compares(text)
        and all(_count(n, text) >= _PAIR_NAMED_TIMES for n in both.group("a", "b"))
    ):
        # "hledger and Ledger" over a page that sets them against each other.
        return [_subject(n, text, known) for n in both.group("a", "b")]
    crossing = _CROSSING.match(title)
    if crossing and min(_counts(crossing.group("a", "b"), text).values()) >= 2:
        # "CVS to SVN Crossover Guide": both, a short name by the name it stands for
        # in the text ("Subversion").
        out = []
        for short in crossing.group("a", "b"):
            long = _spelled_out(short, text)
            out.append(_subject(f"{long} ({short})" if long else short, text, known))
        return out
    for_users = _FOR_USERS.match(title)
    if for_users and min(_counts(for_users.group("a", "b"), text).values()) >= _NAMED_TIMES:
        # "NumPy for MATLAB users": NumPy, set against what its readers know.
        return [_subject(n, text, known) for n in for_users.group("a", "b")]
    headings = [b.text for d in docs for b in d.blocks if b.kind == "heading"]
    pair = _compared_pair([title, *headings], text)
    if pair:
        return [_subject(n, text, known) for n in pair]
    compatible = _COMPATIBLE_WITH.match(title.replace("`", "")) or _DIFFERS_FROM.match(title)
    if compatible:
        # "Compatibility with pip": the page is about a thing compatible with pip, the
        # rare word it names most ("uv", which no capitalised-name search finds).
        other_name = compatible.group("name")
        own = _most_named_rare_word(text, exclude={other_name.lower()})
        if own:
            return [_subject(own, text, known), _subject(other_name, text, known)]
    moved = _MOVED_FROM.match(title)
    rest = re.sub(r"^\s*(?:to\s+)?", "", _MOVED_FROM.sub("", title)) if moved else title
    first = _one_subject(rest, docs[0].site, text)  # "Migrating from Vue 2 to Vue 3": Vue 3
    other = _compared_with(first, text, title)
    if moved and not other and moved.group("name").lower() != first.lower():
        other = moved.group("name")  # "Coming from Pandas": pandas is what it is compared with
    whole = " ".join(rest.split()).strip(" :-")
    if other and _nested(first, other) and whole != first and _count(whole, text) >= 2:
        # "Migrating from Windows PowerShell 5.1 to PowerShell 7": "PowerShell" names
        # both; the title's "PowerShell 7" names the one moved to.
        first = whole
    if other and other.lower() in _peers(headings) and first.lower() not in _peers(headings):
        # "Redis persistence" with "RDB advantages", "AOF advantages": AOF is one of the
        # options the text weighs for its subject, not a second subject.
        other = ""
    found = [first]
    if other:
        # A prose comparison: the one the text names more goes first.
        found = sorted((first, other), key=lambda n: -_count(n, text))
    for name in _compared_in_headings(headings):
        if _count(name, text) >= 3 and name.lower() not in {n.lower() for n in found}:
            found.append(name)  # "Comparison with React Hooks": a third thing compared
    return [_subject(n, text, known) for n in found]


def _peers(headings: list[str]) -> set[str]:
    """Names that headings alike but for the name set side by side ("RDB advantages",
    "AOF advantages"), in lower case."""
    lang = english()
    starts = lang.question_starts | lang.stopwords  # "What", "The": no names
    slots: dict[tuple[str, ...], set[str]] = {}
    for heading in headings:
        parts = heading.split()
        if len(parts) < 2:
            continue
        lowered = [p.lower() for p in parts]
        for i, part in enumerate(parts):
            if part[:1].isupper() and (i > 0 or part.isupper() or lowered[i] not in starts):
                template = (*lowered[:i], "", *lowered[i + 1 :])
                slots.setdefault(template, set()).add(lowered[i])
    return {name for names in slots.values() if len(names) >= 2 for name in names}


# "NumPy for MATLAB users", "Git for Subversion users": one thing for those who know another.
# What kind of page a title names before "for" ("FreeBSD Quickstart Guide for Linux
# Users"): not part of the name.
_KIND_WORD = (
    r"(?:quick\s?start|getting started|guide|primer|introduction|tutorial|handbook"
    r"|cheat\s?sheet|crash course|reference|overview|notes)\b"
)
_FOR_USERS = re.compile(
    rf"^(?!(?:a|an|the)\s)(?P<a>[\w.+#-]+(?:\s(?!{_KIND_WORD})[\w.+#-]+)?)"
    rf"(?:\s+{_KIND_WORD})*\s+for\s+(?P<b>[\w.+#-]+(?:\s[\w.+#-]+)?)"
    r"\s+(?:users|developers|programmers|people|folks)\b",
    re.I,
)
_MARKS = re.compile(r"[®™©]")  # trademark signs written after a name
# "CVS to SVN Crossover Guide", "Vue 2 to Vue 3 migration guide": from one to the other.
_CROSSING_KIND = r"(?:crossover|migration|transition|conversion|porting|switching|upgrade)"
_CROSSING = re.compile(
    r"^(?P<a>[\w.+#-]+(?:\s[\w.+#-]+)?)\s+to\s+"
    rf"(?P<b>[\w.+#-]+(?:\s(?!{_CROSSING_KIND}\b|guide\b)[\w.+#-]+)?)\s+"
    rf"(?:{_CROSSING_KIND}\s+)?(?:guide|cheat\s?sheet|handbook)\b",
    re.I,
)


def _spelled_out(short: str, text: str) -> str:
    """The name the text writes that an all-capitals ``short`` name stands for: one word,
    its letters in order in it ("Subversion" for "SVN"), named three times or more."""
    if not short.isupper() or len(short) < 2:
        return ""
    names = [n for n in _names_in(text) if " " not in n and n.lower() != short.lower()]
    spelling = [n for n in names if _spells(short.lower(), [n])]
    counts = _counts(spelling, text)
    best = max(spelling, key=lambda n: counts[n], default="")
    return best if best and counts[best] >= _NAMED_TIMES else ""


_PAIR_NAME = r"[\w.+#/-]+(?:\s[\w.+#/-]+){0,2}?"
_PAIR = re.compile(
    r"\b(?:differences?|comparison|comparing|compared|contrast)\b[^.?!]*?\b"
    rf"(?:between|of)\s+(?:the\s+)?(?P<a>{_PAIR_NAME})\s+(?:and|&)\s+(?:the\s+)?"
    rf"(?P<b>{_PAIR_NAME})\s*[?.!:]?$",
    re.I,
)
# A guide for those coming from one thing ("From Unity to Godot"): what it is compared with.
_MOVED_FROM = re.compile(
    r"^(?:(?:coming|migrating|moving|switching|porting|transitioning)\s+)?from\s+"
    r"(?P<name>[\w.+#-]+(?:\s[\w.+#-]+){0,2}?)(?=\s*$|\s*[:|–—-]\s|\s+to\s)",
    re.I,
)


# "Functional differences from glibc": a page of how its own subject differs from one.
_DIFFERS_FROM = re.compile(
    r"^(?:\w+\s+)?(?:differences?|deviations?)\s+(?:from|to)\s+(?P<name>[\w.+#-]+)\s*$", re.I
)
_COMPATIBLE_WITH = re.compile(
    r"^(?:compatibility|interoperability)\s+with\s+(?P<name>[\w.+#-]+)(?:\s+and\s+[\w.+#-]+)?\s*$",
    re.I,
)


def _most_named_rare_word(text: str, exclude: set[str]) -> str:
    """The word ``text`` uses most among those rare in English (a name written in
    lower case: "uv", "npm"), if it uses it at least ten times."""
    lang = english()
    counts: Counter[str] = Counter(str(w).lower() for w in _WORDS.findall(text))
    for word, count in counts.most_common():
        if count < 10:
            break
        if word in exclude or word.isdigit() or word in lang.stopwords:
            continue
        if lang.frequency.get(word, 0.0) < RARE_ZIPF:
            return word
    return ""


_NAME_TOKEN = re.compile(r"(?<![\w.-])[a-z][a-z0-9]*(?:[-.][a-z0-9]+)*(?![\w-])")


def _lower_case_name(text: str) -> str:
    """A name the text writes in lower case ("yt-dlp", "npm") and uses ten times or
    more: a word, or words joined by hyphens or dots, rare in English."""
    lang = english()
    counts: Counter[str] = Counter(_NAME_TOKEN.findall(text))
    named = [
        (token, re.split(r"[-.]", token))
        for token, count in counts.most_common()
        if count >= 10 and token not in lang.stopwords and not token.isdigit() and len(token) > 1
    ]
    rare = [
        (t, parts)
        for t, parts in named
        if all(lang.frequency.get(p, 0.0) < RARE_ZIPF for p in parts)
    ]
    # A word no English list holds ("darktable", "yt-dlp") before a rare English one
    # ("module").
    unlisted = [t for t, parts in rare if any(p not in lang.frequency for p in parts)]
    return unlisted[0] if unlisted else rare[0][0] if rare else ""


def _compared_pair(headings: list[str], text: str) -> tuple[str, str] | None:
    """Two things a heading says the text compares ("Differences in concepts between
    Polars and pandas"), each named in the text at least three times."""
    for heading in headings:
        match = _PAIR.search(heading.strip())
        if match:
            a, b = match.group("a"), match.group("b")
            if a.lower() != b.lower() and min(_counts([a, b], text).values()) >= 3:
                return a, b
    return None


_COMPARED_HEADING = re.compile(
    r"^(?:comparison|comparing|compared|relationship|contrast|differences?)\s+(?:with|to)\s+"
    r"(?:the\s+)?(?P<name>[A-Z][\w.+#-]*(?:\s+[A-Z][\w.+#-]*){0,3})\s*[?.!]?$",
    re.I,
)


def _compared_in_headings(headings: list[str]) -> list[str]:
    """Names a heading says the text is compared with ("Relationship with Options API")."""
    out = []
    for heading in headings:
        match = _COMPARED_HEADING.match(heading.strip())
        if match and match.group("name")[0].isupper():
            out.append(match.group("name"))
    return out


_NAME = re.compile(r"(?<![\w.])[A-Z][A-Za-z0-9]*(?:['’]s)?(?:[ -][A-Z][A-Za-z0-9]*)*\b")


def _count(name: str, text: str) -> int:
    """How often ``text`` names ``name`` (whole words, any case: code is lower case)."""
    return len(re.findall(rf"(?<![\w-]){re.escape(name)}(?![\w-])", text, re.I))


_WORDS = re.compile(r"\w+")
RARE_ZIPF = 4.0  # a word rarer than this in English may be a name (python: 3.8)


def _counts(names: Iterable[str], text: str) -> Counter[str]:
    """``_count(name, text)`` for each of ``names`` (words joined by single spaces,
    hyphens or apostrophes: "Let's Encrypt"), in one pass over the text's words rather
    than one search per name (at 10,000 passages, one search per capitalised name took
    minutes)."""
    wanted: dict[str, list[str]] = {}
    for name in names:
        wanted.setdefault(name.lower(), []).append(name)
    longest = max((len(_WORDS.findall(k)) for k in wanted), default=0)
    found: Counter[str] = Counter()
    lower = text.lower()
    if len(lower) != len(text):  # "İ" lowers to two characters; a search matches it as "i"
        lower = "".join(c.lower()[0] for c in text)
    spans = [m.span() for m in _WORDS.finditer(lower)]
    for i, (start, _) in enumerate(spans):
        if start and (lower[start - 1].isalnum() or lower[start - 1] in "_-"):
            continue  # (a word is never preceded by a word character; by a hyphen it may be)
        for j in range(i, min(i + longest, len(spans))):
            end = spans[j][1]
            if j > i:
                gap = spans[j - 1][1]
                if not (spans[j][0] - gap == 1 and lower[gap] in " -'’"):
                    break  # the next word is not one space, hyphen or apostrophe on
            if end < len(lower) and lower[end] == "-":
                continue  # "(?![\w-])": not followed by a hyphen
            segment = lower[start:end]
            if segment in wanted:
                found[segment] += 1
    out: Counter[str] = Counter()
    for key, originals in wanted.items():
        for name in originals:
            out[name] = found[key]
    return out


def _names_in(text: str) -> set[str]:
    """The capitalised names of a text, without a sentence's capitalised first word
    ("The", "Does Cargo" -> "Cargo")."""
    lang = english()
    common = lang.stopwords | lang.question_starts | lang.auxiliaries
    out = set()
    for name in _NAME.findall(text):
        parts = name.split()
        while parts and parts[0].lower() in common:
            parts = parts[1:]
        if parts:
            out.add(" ".join(parts))
    return out


def _compared_with(first: str, text: str, title: str = "") -> str:
    """What a text about ``first`` compares it with, if anything: a name of the same
    kind ("Options API" beside "Composition API"), or, in a guide titled after one
    thing ("Requests Compatibility Guide"), the name the text uses most ("HTTPX").

    Either must be named often and in sentences that also name ``first``; the name
    used most, in one that sets them against each other ("different", "than") or in
    the ``title`` ("Don't Block the Event Loop (or the Worker Pool)"): a guide that
    names its community often ("Write the Docs") compares nothing."""
    sentences = re.split(r"(?<=[.!?])\s+|\n+", text)
    together: Counter[str] = Counter()
    contrasted: Counter[str] = Counter()  # sentences that set the name against ``first``
    for sentence in sentences:
        if _count(first, sentence):
            compares = bool(_SET_AGAINST.search(sentence))
            for name in _names_in(sentence):
                if len(name) > 2 and not _nested(name, first):
                    together[name] += 1  # not "Zsh" beside "Oh My Zsh": the same name
                    contrasted[name] += compares
    head = first.split()[-1].lower()
    siblings = [
        n
        for n, c in together.most_common()
        if c >= 2 and " " in n and n.split()[-1].lower() == head
    ]
    if siblings and _count(siblings[0], text) >= 3:
        return siblings[0]
    names = _counts((n for n in _names_in(text) if len(n) > 2), text)
    top = [(n, c) for n, c in names.most_common() if not _nested(n, first)][:1]
    if top and together[top[0][0]] >= 2 and (contrasted[top[0][0]] or _count(top[0][0], title)):
        name, count = top[0]
        if count >= 5 and count >= _count(first, text) // 2:
            # "Worker" is mostly "Worker Pool": the longer name, if it makes half.
            longer = [(n, c) for n, c in names.items() if " " in n and _nested(name, n)]
            best = max(longer, key=lambda nc: nc[1], default=None)
            return best[0] if best is not None and 2 * best[1] >= count else name
    return ""


# A title that tells the reader what to do ("Don't Block the Event Loop", "Avoid the
# N+1 Problem"): about what it is done to.
_TOLD = re.compile(
    r"^\s*(?:don'?t|do not|never|always|avoid|stop|start|keep|use|understand|understanding|"
    r"mastering|master|learn|taming|tame)\s+(?:\w+\s+)??(?:the|your|a|an)\s+",
    re.I,
)
_ASKED = re.compile(r"^\s*(?:what|who)\s+(?:is|are)\s+(?:an?\s+|the\s+)?|\?\s*$", re.I)


def _one_subject(title: str, site: str, text: str) -> str:
    """The one thing a FAQ or guide is about: its title without "FAQ", "guide" and the
    like (or its page title's), as far as the text itself keeps naming it."""
    lowered = text.lower()
    stopwords = english().stopwords
    for candidate in re.split(r"\s[-|–—:]\s|:\s", f"{title} - {site}"):
        candidate = _ASKED.sub("", candidate)  # "What Is Ownership?" is about ownership
        candidate = _TOLD.sub("", candidate)  # "Don't Block the Event Loop": the event loop
        name = " ".join(FAQ_WORDS.sub(" ", re.sub(r"\([^)]*\)", " ", candidate)).split())
        name = name.strip(" :()[]-–—|")
        if not re.search(r"[A-Za-z]{2}", name):
            continue  # "FAQ (Frequently Asked Questions)" names nothing
        parts = name.split()
        while parts and parts[0].lower() in stopwords:
            parts = parts[1:]  # "For Moment users": "Moment users"
        name = " ".join(parts)
        pair = re.fullmatch(r"(.+?)\s+(?:and|&)\s+(.+)", name)
        if pair and all(lowered.count(p.lower()) >= 2 for p in pair.groups()):
            return name  # "Security and Cryptography": both, each named in the text
        named = _title_name(name, text)
        if named:
            return named  # "Reporting Bugs in libsndfile", "libsndfile Tutorial"
        while name and lowered.count(name.lower()) < 2 and " " in name:
            name = name.rsplit(" ", 1)[0]  # "Cargo Book" -> "Cargo", the name the text uses
            while " " in name and name.rsplit(" ", 1)[1].lower() in stopwords:
                name = name.rsplit(" ", 1)[0]  # never "Security and"
        if name and name.lower() not in stopwords and lowered.count(name.lower()) >= 2:
            if _plain_words(name) and (rare := _far_more_named(name, text)):
                return rare  # "FAQ - App Developers" of a page that names F-Droid 39 times
            return name  # "Web Design", which the text writes "web design" too
    found: list[str] = re.findall(r"(?<=[a-z,;] )([A-Z][a-z]{2,})\b", text)
    capitals = Counter(w for w in found if w.lower() not in stopwords)
    written = _lower_case_name(text)  # "yt-dlp", named far more than any capitalised word
    if written:
        top, most = capitals.most_common(1)[0] if capitals else ("", 0)
        # ... or as often as an everyday word that starts a heading or a label ("Image").
        if _count(written, text) > (most if _plain_words(top) else 2 * most):
            return written
    if not capitals:
        return title
    word = capitals.most_common(1)[0][0]
    # "Zsh" in a FAQ about "Oh My Zsh": the longer name, if it makes half the mentions.
    longer = _counts((n for n in _names_in(text) if " " in n and _nested(word, n)), text)
    if longer:
        name, count = longer.most_common(1)[0]
        if 2 * count >= _count(word, text):
            return name
    return word


def _plain_words(name: str) -> bool:
    """Whether a name is everyday English words only ("App Developers")."""
    frequency = english().frequency
    return all(frequency.get(w, 0.0) >= RARE_ZIPF for w in words(name))


def _far_more_named(name: str, text: str) -> str:
    """A name the text uses far more often than ``name`` (ten times and more): what a
    page titled after its audience ("App Developers") is about."""
    counts = _counts(_names_in(text), text)
    written = _lower_case_name(text)  # "darktable", which no capitalised name search finds
    if written:
        counts[written] = _count(written, text)
    least = _FAR_MORE * max(1, _count(name, text))
    # A name of everyday words ("Image", at the start of many sentences) only where no
    # other name is used as often as that.
    found = [(n, c) for n, c in counts.most_common() if c >= least]
    own = [(n, c) for n, c in found if not _plain_words(n)]
    return (own or found or [("", 0)])[0][0]


_FAR_MORE = 10


def _title_name(title: str, text: str) -> str:
    """The name in a title of several words: its one word rare in English that the
    text names three times or more, or the one it names twice as often as any other
    such word ("libsndfile" in "Building libsndfile on Win32"); else ""."""
    if " " not in title.strip():
        return ""
    lang = english()
    found: list[str] = re.findall(r"[\w.+#-]*\w", title)
    rare = [
        w
        for w in dict.fromkeys(found)
        if w.lower() not in lang.stopwords
        and not w.isdigit()
        and lang.frequency.get(w.lower(), 0.0) < RARE_ZIPF
    ]
    counts: list[tuple[int, str]] = sorted(((_count(w, text), w) for w in rare), reverse=True)
    if not counts or counts[0][0] < _NAMED_TIMES:
        return ""
    if len(counts) > 1 and counts[0][0] < 2 * counts[1][0]:
        return ""
    return counts[0][1]


_NAMED_TIMES = 3
_PAIR_NAMED_TIMES = 10  # times a page names each of the two its title joins with "and"
_BOTH_NAMED = re.compile(rf"^\s*(?P<a>{_PAIR_NAME}) (?:and|&) (?P<b>{_PAIR_NAME})\s*$")


_COMPARING = re.compile(
    r"\b(?:compared (?:to|with)|differences?|differs?|unlike|whereas|vs\.?)\b", re.I
)


# Words of a sentence that sets one thing against another ("Gem is a different
# language", "faster than Ruby", "the Linux equivalent").
_SET_AGAINST = re.compile(
    _COMPARING.pattern[:-3]
    + r"|different|than|similar(?:ly)?|(?:looks|just|much) like|instead of|equivalents?"
    r"|counterparts?)\b",
    re.I,
)


def _compares(text: str) -> bool:
    """Whether a text sets things against each other, in words that say so."""
    return len(_COMPARING.findall(text)) >= _NAMED_TIMES


def _nested(a: str, b: str) -> bool:
    """Whether one name's words are a run of the other's ("Zsh" in "Oh My Zsh")."""
    short, long = sorted((f" {' '.join(words(a))} ", f" {' '.join(words(b))} "), key=len)
    return short.strip() != "" and short in long


def mentions(text: str, subject: Subject) -> int:
    """How often ``text`` names ``subject`` (any of its names, whole words)."""
    joined = f" {' '.join(words(text))} "
    return sum(joined.count(f" {' '.join(words(a))} ") for a in subject.aliases if words(a))


def subject_of(heading: str, text: str, subjects: list[Subject], inherited: str = "") -> str:
    """The subject a passage is about: the one its heading names, else the one its text
    names alone, else the one of the part before it (``inherited``); general ("")
    when it names several or none."""
    if len(subjects) == 1:
        return subjects[0].id
    named = [s.id for s in subjects if mentions(heading, s)]
    if len(named) == 1:
        return named[0]
    if named:
        return ""
    in_text = [s.id for s in subjects if mentions(text, s)]
    if len(in_text) == 1:
        return in_text[0]  # a later part of a section about the other one names it
    return inherited


def facet_of(heading: str, language: Language) -> str:
    """What a heading says its passage is about, by the language's facet cues (of its
    first question, in one that asks two: "What is X and what does it have to do with
    Y?")."""
    matched = _facet_matches(heading, language)
    first = _SECOND_QUESTION.split(heading, maxsplit=1)[0]
    if not matched and first != heading:
        matched = _facet_matches(first, language)
    return next((f for f in FACET_ORDER if f in matched), "")


_SECOND_QUESTION = re.compile(r",?\s+and\s+(?=(?:what|how|why|when|where|who|which)\b)", re.I)


def _facet_matches(text: str, language: Language) -> set[str]:
    """The facets whose cues match ``text``'s words."""
    joined = " ".join(words(text))
    return {f for f, patterns in language.facets.items() if any(p.search(joined) for p in patterns)}


def chunk_facets(heading: str, groups: list[list[Block]], language: Language) -> list[str]:
    """Each passage's facet: the heading's goes to the passage whose first sentence says it
    (the first, by default); another passage may take the facet its first sentence names,
    once per section."""
    if not groups:
        return []  # a section of nothing but the comparison table
    if heading == _INTRODUCTION:
        return ["overview"] + [""] * (len(groups) - 1)
    # A first sentence about what came before ("This error means ...") names no facet.
    own = [
        ""
        if (ws := words(first := _first_sentence(g[0].text))) and ws[0] in language.back_references
        else facet_of(first, language)
        for g in groups
    ]
    wanted = facet_of(heading, language)
    out = [""] * len(groups)
    if wanted:
        out[own.index(wanted) if wanted in own else 0] = wanted
    for i, facet in enumerate(own):
        if not out[i] and facet and facet not in out:
            out[i] = facet
    return out


def _first_sentence(text: str) -> str:
    return re.split(r"(?<=[.!?:;])\s", text, maxsplit=1)[0]


# ---------------------------------------------------------------- questions


def _name_list(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def questions_for(heading: str, text: str, facet: str, names: list[str], first: bool) -> list[str]:
    """Example questions for a passage, derived from its heading, facet and sentences."""
    out: list[str] = []
    lowered = heading.rstrip("?").strip()
    if heading.endswith("?"):
        out.append(heading)
    both = _name_list(names)
    templates = {
        "definition": [f"What is {both}?"],
        "how-it-works": [f"How does {both} work?"],
        "examples": [f"What are examples of {both}?"],
        "difference": [f"What is the difference between {both}?"],
        "together": [f"How do {both} work together?"],
        "hierarchy": [f"How are {both} related?"],
    }
    named = any(n.lower() in heading.lower() for n in names)
    if len(names) < 2 and facet in ("difference", "together", "hierarchy"):
        pass  # "the difference between HTTPX" asks nothing
    elif named or not heading.endswith("?"):
        # "What does keg-only mean?" asks about keg-only: not "What is Homebrew?".
        out.extend(templates.get(facet, []))
    if first and not heading.endswith("?") and heading != _INTRODUCTION:
        out.append(f"Tell me about {_sentence_case(lowered, text)}")
    for line in text.splitlines():
        label = re.match(r"^([A-Z][\w&'/ -]{2,40}?): ", line)
        if label:
            out.append(f"What is {label.group(1).strip()}?")
    for sentence in re.split(r"(?<=[.!?])\s+", text)[:2]:
        defined = re.match(r"^((?:[A-Z][\w-]*\s?){1,4}) (?:is|are) (?:a|an|the)\b", sentence)
        if defined:
            out.append(f"What is {defined.group(1).strip()}?")
    return list(dict.fromkeys(q for q in out if len(q) <= 150))


def _sentence_case(heading: str, text: str) -> str:
    """A Title Case heading as words in a sentence: names the text capitalizes stay."""
    out = []
    for word in heading.split():
        named = word.isupper() or re.search(rf"(?<=[a-z,;] ){re.escape(word)}\b", text)
        out.append(word if named else word.lower())
    return " ".join(out)


_STOP = {"the", "a", "an", "and", "or", "of", "to", "in", "on", "for", "with", "is", "are"}
_STOP |= {"be", "by", "as", "at", "it", "its", "this", "that", "from", "how", "what", "why"}


def keywords_for(heading: str, text: str) -> list[str]:
    """Retrieval aids: the heading's words, list labels, names and abbreviations in the text."""
    found = [w for w in words(heading) if w not in _STOP and len(w) > 2]
    found += [m.lower() for m in re.findall(r"^([A-Z][\w&' -]{2,40}?): ", text, flags=re.M)]
    found += [m.lower() for m in re.findall(r"(?<=[a-z,;] )([A-Z][\w-]{2,})", text)]
    found += [m.lower() for m in re.findall(r"\(([A-Za-z][\w.-]{1,14})\)", text)]
    return list(dict.fromkeys(found))[:25]


# ---------------------------------------------------------------- building


@dataclass
class Draft:
    """A knowledge base being built: everything ``knowledge.yaml`` and the entries hold."""

    kb: KnowledgeBase
    first_column: str = "Aspect"
    synonyms: dict[str, list[str]] = field(default_factory=dict)
    dropped: list[str] = field(default_factory=list)  # questions that did not find their passage


def build(docs: list[Document], name: str = "", subject: str = "", today: str = "") -> Draft:
    """A knowledge base from ``docs`` (in memory; :func:`write` puts it on disk)."""
    language = english()
    tables = [b for d in docs for b in d.blocks if b.kind == "table" and len(b.rows) >= 2]
    table = tables[0] if tables else None
    labels = _compared_labels(table) if table is not None else []
    named_by = table
    if table is not None and sum(_compared_labels(t) == labels for t in tables) > 1:
        # Several tables of the same columns ("Operation | Moment | Luxon" for creation,
        # then for getters...) map one thing onto the other topic by topic: text to
        # look things up in, not the comparison (which the prose then gives); their
        # columns still name the things compared ("CVS | Subversion").
        table = None
    subjects = find_subjects(docs, named_by, subject)
    if table is not None and not _table_matches(table, subjects):
        table = None  # a table of something else: its rows are text, not a comparison
    names = [s.name for s in subjects]
    unnamed = [n for n in names if not set(words(n)) - language.stopwords]
    if unnamed:
        raise SourceError(
            f"cannot tell what the sources are about (a subject named {unnamed[0]!r}); "
            "name it with --subject"
        )
    passages: list[Passage] = []
    seen_ids: set[str] = set()
    table_section, table_after = "", ""
    read = [section for doc in docs for section in sections(doc, subjects)]
    for section in read:
        if table is not None and any(b is table for b in section.blocks):
            table_section = section.title
            table_after = passages[-1].id if passages else ""
        groups = chunks(_with_table_text(section, table))
        facets = chunk_facets(section.heading, groups, language)
        inherited = ""
        for i, group in enumerate(groups):
            text = "\n".join(b.text for b in group)
            facet = facets[i]
            subj = subject_of(section.heading if i == 0 else "", text, subjects, inherited)
            if i == 0:
                inherited = subj
            pid = _unique(_id_base(section.title), i, seen_ids)
            title = section.title if i == 0 else _title_from(text, section.title)
            about = [s.name for s in subjects if s.id == subj] or names
            passages.append(
                Passage(
                    id=pid,
                    section=section.title,
                    title=title,
                    text=text,
                    subject=subj,
                    facet=facet or pid,
                    questions=tuple(questions_for(section.heading, text, facet, about, i == 0)),
                    keywords=tuple(keywords_for(section.heading if i == 0 else "", text)),
                    is_list=all(b.kind == "item" for b in group),
                )
            )
    if not passages:
        raise SourceError("the sources hold no text to import")
    rows = _rows(table, subjects, seen_ids) if table is not None else []
    if table is None and len(subjects) >= 2:
        rows = _labelled_rows(read, subjects, seen_ids)
        if rows:
            table_section, table_after = "", passages[-1].id  # the table closes the source
    first = docs[0]
    title = first.title or names[0]
    kind = _kind(title, [p.section for p in passages])
    date = _date(first.date) or today or datetime.date.today().isoformat()
    body = " ".join(p.text for p in passages)
    synonyms = {
        long.lower(): [abbr.lower()]
        for long, abbr in abbreviations(body).items()
        if not any(long.lower() in s.aliases for s in subjects)
    }
    headed = " ".join([*dict.fromkeys(f"{p.section}." for p in passages), body])
    for held in _names_holding_stopwords(headed, subjects, language):
        spelled = [held.lower().replace(" ", "-"), *_initials(held)]
        synonyms.setdefault(held.lower(), spelled)
    if not name:
        name = " vs ".join(names) if len(names) == 2 else title  # three or more: the title
        if len(names) == 1 and not mentions(title, subjects[0]):
            name = f"{names[0]} {title}"  # "Homebrew FAQ (Frequently Asked Questions)"
    kb = KnowledgeBase(
        name=name,
        source=SourceInfo(title, date, f"{date.replace('-', '.')}-1", first.url, "", kind),
        source_kind=kind,
        scope=f"{name}: " + ", ".join(dict.fromkeys(p.section for p in passages)),
        subjects=tuple(subjects),
        suggested_questions=(),  # chosen by prune() among the questions that work
        passages=tuple(_dedupe_questions(passages)),
        table=tuple(rows),
        table_section=table_section if rows else "",
        table_after=table_after if rows else "",
        synonyms={k: tuple(v) for k, v in synonyms.items()},
    )
    header = table.rows[0][0] if table is not None and table.rows[0][0] else "Aspect"
    return prune(Draft(kb, first_column=header, synonyms=synonyms))


def _compared_labels(table: Block) -> list[str]:
    """The labels of a table's compared columns, as words joined by spaces."""
    return [" ".join(words(table.rows[0][i])) for i in _compared_columns(table)]


def _compared_columns(table: Block) -> list[int]:
    """The columns of a table that name things compared: after the first, all but
    those that annotate a row ("Notes")."""
    notes = english().note_columns
    header = table.rows[0]
    return [i for i in range(1, len(header)) if " ".join(words(header[i])) not in notes]


def _names_holding_stopwords(text: str, subjects: list[Subject], language: Language) -> list[str]:
    """Names the text uses at least three times whose words include a stopword ("Oh My
    Zsh"): read as one term, or "what is Oh My Zsh?" would ask only for "zsh"."""
    aliases = {a for s in subjects for a in s.aliases}
    held = [
        n
        for n in _names_in(text)
        if " " in n and set(words(n)) & language.stopwords and n.lower() not in aliases
    ]
    return sorted(n for n, c in _counts(held, text).items() if c >= 3)


def _table_matches(table: Block, subjects: list[Subject]) -> bool:
    labels = _compared_labels(table)
    return len(labels) == len(subjects) and all(
        any(" ".join(words(a)) in label for a in s.aliases)
        for s, label in zip(subjects, labels, strict=True)
    )


def _with_table_text(section: Section, table: Block | None) -> Section:
    """A table that is not the comparison is kept as text: a line per row."""
    blocks: list[Block] = []
    for block in section.blocks:
        if block.kind == "table" and block is not table:
            blocks += _table_items(block, block.rows[1:])
        elif block.kind == "table":
            # The comparison's rows are its rows; what its notes say of them is text too.
            compared = set(_compared_columns(block))
            noted = [
                r
                for r in block.rows[1:]
                if any(c.strip() for i, c in enumerate(r[1:], start=1) if i not in compared)
            ]
            blocks += [block, *_table_items(block, noted)]
        else:
            blocks.append(block)
    return Section(section.heading, blocks, section.parent)


def _table_items(table: Block, rows: Sequence[Sequence[str]]) -> list[Block]:
    """Rows of a table as text: a line each, its cells labelled with their columns."""
    header = table.rows[0]
    items = []
    for row in rows:
        cells = [f"{h}: {c}" if h else c for h, c in zip(header, row, strict=False) if c]
        items.append(Block("item", "; ".join(cells), table.line))
    return items


def _rows(table: Block, subjects: list[Subject], seen: set[str]) -> list[TableRow]:
    rows = []
    columns = _compared_columns(table)
    for cells in table.rows[1:]:
        aspect = cells[0] if cells else ""
        values = [cells[i] for i in columns if i < len(cells)]
        if not aspect or len(values) < len(subjects) or not all(v.strip() for v in values):
            continue
        rid = _unique(slug(aspect) or "row", 0, seen)
        keywords = tuple(w for w in words(aspect) if w not in _STOP)
        cell_tuple = tuple(Cell(s.id, s.short, v) for s, v in zip(subjects, values, strict=True))
        rows.append(TableRow(rid, aspect, cell_tuple, keywords))
    return rows


def _labelled_rows(read: list[Section], subjects: list[Subject], seen: set[str]) -> list[TableRow]:
    """Comparison rows from sections that set the subjects side by side, a paragraph
    each labelled with its name ("CVS: Commands: $ cvs init ..." then "Subversion: ...",
    or "In Firefox: ..." then "In Chrome: ..."): each such set a row, its aspect the
    line that introduces it ("When the user clicks on a notification:") or else the
    heading, each paragraph the subject's cell."""
    rows = []
    for section in read:
        found: list[tuple[str, dict[str, str]]] = []
        lead, cells = "", dict[str, str]()
        for block in section.blocks:
            label, sep, rest = block.text.partition(": ")
            subject = _label_subject(label, subjects) if sep else None
            if block.kind != "paragraph" or subject is None or not rest.strip():
                if cells:
                    found.append((lead, cells))
                    cells = {}
                intro = block.text.strip()
                lead = intro if intro.endswith(":") and len(intro) <= _LEAD_CHARS else ""
                continue
            if subject.id in cells:  # the next pair, with no line of its own
                found.append((lead, cells))
                lead, cells = "", {}
            cells[subject.id] = rest.strip()
        if cells:
            found.append((lead, cells))
        by_aspect: dict[str, dict[str, list[str]]] = {}  # pairs of one aspect: one row
        for lead, held in found:
            if len(held) < len(subjects):
                continue
            aspect = lead.rstrip(":").strip() or section.title
            if lead and section.heading != _INTRODUCTION:
                aspect = f"{section.title}: {aspect}"
            row = by_aspect.setdefault(slug(aspect), {"": [aspect]})
            for sid, text in held.items():
                row.setdefault(sid, []).append(text)
        for row in by_aspect.values():
            aspect = row[""][0]
            rid = _unique(f"{_id_base(aspect)}-compared", 0, seen)
            cell_tuple = tuple(Cell(s.id, s.short, " ".join(row[s.id])) for s in subjects)
            rows.append(TableRow(rid, aspect, cell_tuple, ()))  # its aspect names it
    return rows if len(rows) >= 2 else []


_LEAD_CHARS = 120  # a line that introduces a pair ("When calling tabs.remove():")
_LABEL_WORDS = 6  # "In Firefox (via the WebExtension API)": a label, not a sentence


def _label_subject(label: str, subjects: list[Subject]) -> Subject | None:
    """The subject a paragraph's label names first ("CVS", "In Chrome and Edge"),
    where the label is that short."""
    ws = [w.lower() for w in words(label)]
    if not ws or len(ws) > _LABEL_WORDS:
        return None
    named = [
        (ws.index(n), s)
        for s in subjects
        for n in dict.fromkeys(x.lower() for x in (s.name, s.short, *s.aliases) if x)
        if n in ws
    ]
    return min(named, key=lambda x: x[0])[1] if named else None


def _id_base(heading: str) -> str:
    """An entry id from a heading: its slug, cut at a word within 40 characters."""
    base = ""
    for word in slug(heading).split("-"):
        if base and len(base) + len(word) >= 40:
            break
        base = f"{base}-{word}" if base else word
    return base or "passage"


def _unique(base: str, part: int, seen: set[str]) -> str:
    candidate = base if part == 0 else f"{base}-{part + 1}"
    n = 2
    while candidate in seen:
        candidate = f"{base}-{n}"
        n += 1
    seen.add(candidate)
    return candidate


def _title_from(text: str, heading: str) -> str:
    first = re.split(r"(?<=[.!?:])\s", text.splitlines()[0], maxsplit=1)[0]
    short = " ".join(first.split()[:10]).rstrip(".:,;")
    return f"{heading}: {short}" if short else heading


def _kind(title: str, headings: list[str]) -> str:
    asked = sum(h.endswith("?") for h in headings)
    if re.search(r"\b(faqs?|frequently asked)\b", title, re.I):
        return "FAQ"
    if re.search(r"\b(guides?|tutorials?|handbook|manual|primer|walkthrough)\b", title, re.I):
        return "guide"  # "The guide doesn't mention ...", even where its headings ask
    if re.match(r"(how to|getting started|a beginner'?s)\b", title, re.I):
        return "guide"  # "How to Contribute to Open Source"
    if asked * 2 > len(headings):
        return "FAQ"
    return "article"


def _date(text: str) -> str:
    match = re.search(r"\d{4}-\d{2}-\d{2}", text or "")
    return match.group(0) if match else ""


def _dedupe_questions(passages: list[Passage]) -> list[Passage]:
    """An example question belongs to the first passage that derived it."""
    taken: set[str] = set()
    out = []
    for p in passages:
        kept = []
        for q in p.questions:
            key = " ".join(words(q))
            if key not in taken:
                taken.add(key)
                kept.append(q)
        out.append(replace(p, questions=tuple(kept)))
    return out


def prune(draft: Draft) -> Draft:
    """Drop example questions that do not find their own passage first; choose the
    suggested questions among those that do."""
    from bot.engine import Engine  # the engine is only needed once the draft is whole

    kb = draft.kb
    engine = Engine(kb)
    passages = []
    dropped = []
    for p in kb.passages:
        kept = []
        for q in p.questions:
            reply = engine.ask(q)
            if reply.sources and reply.sources[0].passage_id == p.id:
                kept.append(q)
            else:
                dropped.append(f"{p.id}: {q}")
        passages.append(replace(p, questions=tuple(kept)))
    suggestions = [p.questions[0] for p in passages if p.questions][:4]
    if kb.table and len(kb.subjects) > 1:
        suggestions.append(f"Compare {' and '.join(s.short for s in kb.subjects)}")
    if not suggestions:
        suggestions = [f"What does the {kb.source_kind} say about {kb.subjects[0].name}?"]
    kb = replace(kb, passages=tuple(passages), suggested_questions=tuple(suggestions))
    return replace(draft, kb=kb, dropped=dropped)


# ---------------------------------------------------------------- writing


def write(draft: Draft, out: Path, force: bool = False) -> None:
    """Write the draft into ``out`` as ``knowledge.yaml``, entries and a vocabulary."""
    if out.exists() and any(out.iterdir()):
        if not force:
            raise SourceError(f"{out}: not empty (use --force to replace what is there)")
        shutil.rmtree(out)
    out.mkdir(parents=True, exist_ok=True)
    kb = draft.kb
    src = kb.source
    fields: dict[str, Any] = {
        "name": kb.name,
        "source_kind": kb.source_kind,
        "title": src.title,
        "date": src.date,
        "version": src.version,
        "url": src.url,
        "subjects": [
            {"id": s.id, "name": s.name, "short": s.short, "aliases": list(s.aliases)}
            for s in kb.subjects
        ],
        "scope": kb.scope,
        "suggested_questions": list(kb.suggested_questions),
    }
    write_knowledge_yaml(
        out / "knowledge.yaml",
        fields,
        "Imported by `python -m bot kb import`. Edit freely, then run `python -m bot kb check`\n"
        "and bump `version`. The entries are the Markdown files beside this one.",
    )
    ordered: list[tuple[str, str]] = []
    table = (
        table_markdown(kb.table, kb.subjects, kb.table_section, draft.first_column)
        if kb.table
        else ""
    )
    if table and not kb.table_after:
        ordered.append(("comparison", table))
        table = ""
    for p in kb.passages:
        ordered.append((p.id, passage_markdown(p, src.date)))
        if table and p.id == kb.table_after:
            ordered.append(("comparison", table))
            table = ""
    for fname, (_, text) in zip(entry_names(i for i, _ in ordered), ordered, strict=True):
        (out / fname).write_text(text, encoding="utf-8")
    if draft.synonyms:
        vocab = front_matter({"synonyms": draft.synonyms}).strip("-\n") + "\n"
        (out / "vocabulary.yaml").write_text(
            "# Abbreviations the sources spell out, and names holding a common word,\n"
            "# each read as one term.\n" + vocab,
            encoding="utf-8",
        )


def import_sources(
    sources: list[str], out: Path, name: str = "", subject: str = "", force: bool = False
) -> Draft:
    """Read ``sources``, build a knowledge base and write it into ``out``."""
    try:
        draft = build(read_sources(sources), name=name, subject=subject)
    except KnowledgeError as exc:
        raise SourceError(str(exc)) from None
    write(draft, out, force=force)
    return draft

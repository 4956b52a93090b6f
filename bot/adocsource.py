"""AsciiDoc (Asciidoctor and AsciiDoc.py sources) as Markdown, for the Markdown reader.

Project handbooks and guides (FreeBSD's, Spring's, many on GitHub) are written
in AsciiDoc. The reference implementation in Python, AsciiDoc.py, was measured
and not used: it reads ``include::`` targets from disk (an import of
``include::/etc/passwd[]`` printed the file) and runs ``sys::`` commands unless
started in safe mode, and in safe mode it fails to load its own HTML backend
("ifeval invalid safe document"). What a document's reader needs is its text
and its shape, so the markup used in such pages is read here, line by line:

* headings (``== Title``, ``# Title``, and the two-line titles of AsciiDoc.py),
  the document title, and a page's YAML front matter, kept for the Markdown
  reader;
* delimited blocks: listing and literal blocks become fenced code; example,
  sidebar, quote and open blocks keep their text; comment and passthrough
  blocks hold nothing to read;
* tables (``|===``) become Markdown tables, or a paragraph per row where they
  have no header row; lists keep their items; ``term:: definition`` becomes
  "term: definition"; an admonition ("NOTE: ...") keeps its label;
* inline macros keep their text (``link:url[the guide]`` reads "the guide",
  ``<<ports,Ports>>`` "Ports", ``kbd:[Ctrl+C]`` "Ctrl+C"), attribute references
  are replaced by their values, and formatting marks are dropped.

Nothing is read from disk or the network: ``include::`` and the conditional
directives are dropped.
"""

from __future__ import annotations

import re

from bot.markdown import row_paragraph

_HEADING = re.compile(r"^(={1,6}|#{1,6})\s+(\S.*?)\s*(?:\1)?$")
_UNDERLINES = {"=": 1, "-": 2, "~": 3, "^": 4, "+": 5}  # two-line titles: level by character
_ATTRIBUTE_ENTRY = re.compile(r"^:(!?)([\w][\w-]*)(!?):(?:\s+(.*))?$")
_BLOCK_ATTRIBUTES = re.compile(r"^\[(?:[^\[\]]|\[[^\]]*\])*\]$")  # [source,shell], [[id]], [NOTE]
_BLOCK_TITLE = re.compile(r"^\.([^.\s].*)$")
_DIRECTIVE = re.compile(r"^(?:include|ifdef|ifndef|ifeval|endif)::.*$")
# A block macro ("image::diagram.png[Diagram]", "toc::[]", "video::id[youtube]"): an
# image keeps its alternative text, the others hold nothing to read.
_BLOCK_MACRO = re.compile(r"^([a-z]+)::(\S*)\[([^\]]*)\]$")
_ADMONITION = re.compile(r"^(NOTE|TIP|IMPORTANT|WARNING|CAUTION):\s+(.*)$")
_ADMONITION_STYLE = re.compile(r"^\[(NOTE|TIP|IMPORTANT|WARNING|CAUTION)\]$")
_LIST_ITEM = re.compile(r"^(\*{1,5}|-|\.{1,5}|\d+\.)\s+(.*)$")
_DESCRIPTION = re.compile(r"^(\S.*?)(:{2,4}|;;)(?:\s+(.*))?$")
_TABLE_DELIMITER = re.compile(r"^[|!]={3,}$")
# A cell starts at "|", maybe after its specifier ("2+|", "a|", ".^|") at a line's start
# or after a space; "\|" is a bar in the text.
_SPEC = r"(?:\d+\*|\d*(?:\.\d+)?\+)?[<^>]?(?:\.[<^>])?[adehlmsv]?"
_CELL_START = re.compile(rf"^{_SPEC}(?<!\\)\|")
_CELL_SPLIT = re.compile(rf"(?:(?:^|(?<=\s)){_SPEC})?(?<!\\)\|")
_DELIMITERS = {
    "----": "code",
    "....": "code",
    "////": "comment",
    "++++": "pass",
    "====": "text",
    "****": "text",
    "____": "text",
    "--": "text",
}
_REPLACEMENTS = {
    "nbsp": " ",
    "sp": " ",
    "empty": "",
    "blank": "",
    "zwsp": "",
    "amp": "&",
    "lt": "<",
    "gt": ">",
    "plus": "+",
    "vbar": "|",
    "startsb": "[",
    "endsb": "]",
    "caret": "^",
    "asterisk": "*",
    "tilde": "~",
    "apostrophe": "'",
    "backslash": "\\",
    "backtick": "`",
    "two-colons": "::",
    "two-semicolons": ";;",
    "quot": '"',
    "cpp": "C++",
}
_DASH = re.compile(r"(?<=\w)--(?=\w)| -- ")  # AsciiDoc's em dash
_ATTRIBUTE_REFERENCE = re.compile(r"\\?\{([\w][\w-]*)\}")
_MACROS = [
    # link:url[text], https://host/path[text], mailto:x[text], xref:file.adoc#id[text]
    (re.compile(r"\b(?:link|xref|mailto):([^\s\[]*)\[([^\]]*)\]"), lambda m: m[2] or m[1]),
    (re.compile(r"\b((?:https?|ftp|irc)://[^\s\[]+)\[([^\]]*)\]"), lambda m: m[2] or m[1]),
    (re.compile(r"<<([^,>]+),\s*([^>]+)>>"), lambda m: m[2]),
    (re.compile(r"<<([^>]+)>>"), lambda m: m[1].split("#")[-1].replace("-", " ").replace("_", " ")),
    (re.compile(r"\bfootnote(?:ref)?:[\w-]*\[([^\]]*)\]"), lambda m: f" ({m[1]})" if m[1] else ""),
    (re.compile(r"\bimage::?[^\s\[]*\[([^\],]*)[^\]]*\]"), lambda m: m[1]),
    (re.compile(r"\b(?:kbd|btn|pass|stem|latexmath|asciimath):\[([^\]]*)\]"), lambda m: m[1]),
    # man:chsh[1] (a manual page, FreeBSD's and others' own macro): "chsh(1)"
    (re.compile(r"\bman:([\w.+-]+)\[(\w*)\]"), lambda m: f"{m[1]}({m[2]})" if m[2] else m[1]),
    (re.compile(r"\bmenu:([^\[]+)\[([^\]]*)\]"), lambda m: " > ".join([m[1], *m[2].split(">")])),
    (re.compile(r"\b(?:anchor:[\w-]+|indexterm2?:)\[[^\]]*\]"), lambda m: ""),
    (re.compile(r"\(\(\((?:[^()]|\([^()]*\))*\)\)\)"), lambda m: ""),
    (re.compile(r"\(\(([^()]+)\)\)"), lambda m: m[1]),
    (re.compile(r"\[\[[\w:.-]+(?:,[^\]]*)?\]\]|\[#[\w-]+\]"), lambda m: ""),
]
# Formatting marks around words ("*bold*", "_italic_", "#mark#", "+literal+", with
# their doubled unconstrained forms), dropped; a role before one ("[.path]_x_") too.
_MARKS = re.compile(
    r"(?:\[[.#][\w.#-]+\])?(\*\*|__|##|\+\+|(?<![\w*])\*|(?<![\w_])_|(?<![\w#])#|(?<![\w+])\+)"
    r"(?=\S)(.+?)(?<=\S)\1(?!\w)"
)


def to_markdown(text: str) -> str:
    """``text``, an AsciiDoc document, as Markdown (see the module)."""
    lines = text.replace("\r\n", "\n").replace("\t", "    ").split("\n")
    out: list[str] = []
    attributes: dict[str, str] = {}
    i = 0
    if lines and lines[0].strip() == "---":  # front matter (Hugo, Antora): for the reader
        end = next((j for j in range(1, len(lines)) if lines[j].strip() == "---"), None)
        if end is not None:
            out += lines[: end + 1]
            i = end + 1
    style = ""  # the style set by a block attribute line, for the next block
    while i < len(lines):
        line = lines[i].rstrip()
        stripped = line.strip()
        i += 1
        if stripped.startswith("//") and stripped != "////" and not stripped.startswith("///"):
            continue  # a comment line
        if _DIRECTIVE.match(stripped) or stripped in ("<<<", "'''", "---", "***"):
            continue
        macro = _BLOCK_MACRO.match(stripped)
        if macro:
            alt = macro[3].split(",")[0].strip() if macro[1] == "image" else ""
            if alt and not alt.startswith(("width", "height", "align")):
                out += ["", _inline(alt, attributes), ""]
            continue
        entry = _ATTRIBUTE_ENTRY.match(stripped)
        if entry:
            name, value = entry[2], entry[4] or ""
            if entry[1] or entry[3]:
                attributes.pop(name, None)
            else:
                attributes[name] = _inline(value, attributes)
            continue
        if stripped in _DELIMITERS or (stripped[:4] in _DELIMITERS and _fence(stripped)):
            kind = _DELIMITERS[stripped[:4] if len(stripped) >= 4 else stripped]
            end = next((j for j in range(i, len(lines)) if lines[j].rstrip() == stripped), None)
            body = lines[i:end] if end is not None else lines[i:]
            i = (end + 1) if end is not None else len(lines)
            if kind == "code":
                out += ["", "```", *body, "```", ""]
            elif kind == "text":
                label = _label(style)
                converted = to_markdown("\n".join(body))
                if label:
                    converted = f"{label}: {converted.lstrip()}"
                out += ["", converted, ""]
            style = ""
            continue
        if _TABLE_DELIMITER.match(stripped):
            end = next((j for j in range(i, len(lines)) if lines[j].strip() == stripped), None)
            body = lines[i:end] if end is not None else lines[i:]
            i = (end + 1) if end is not None else len(lines)
            out += ["", *_table(body, style, attributes), ""]
            style = ""
            continue
        if _ADMONITION_STYLE.match(stripped):
            style = stripped[1:-1]
            continue
        if _BLOCK_ATTRIBUTES.match(stripped):
            style = stripped
            continue
        heading = _HEADING.match(stripped)
        if heading and not line.startswith(" "):
            level = len(heading[1])
            out += ["", "#" * level + " " + _inline(heading[2], attributes), ""]
            style = ""
            continue
        if (
            stripped
            and i < len(lines)
            and not _LIST_ITEM.match(stripped)
            and (under := lines[i].strip())
            and len(set(under)) == 1
            and under[0] in _UNDERLINES
            and abs(len(under) - len(stripped)) <= 2
            and len(under) >= 2
        ):
            i += 1  # a two-line title (AsciiDoc.py): its underline sets the level
            out += ["", "#" * _UNDERLINES[under[0]] + " " + _inline(stripped, attributes), ""]
            continue
        title = _BLOCK_TITLE.match(stripped)
        if title and (not out or not out[-1].strip()):
            out += [_inline(title[1], attributes).rstrip(":") + ":", ""]
            continue
        if stripped == "+":
            continue  # a list continuation: the block that follows belongs to the item
        if line.endswith(" +"):
            line = line[:-2]
        admonition = _ADMONITION.match(stripped)
        if admonition:
            out += ["", f"{admonition[1].title()}: {_inline(admonition[2], attributes)}"]
            continue
        item = _LIST_ITEM.match(stripped)
        if item:
            marker = item[1]
            depth = len(marker) - 1 if marker[0] in "*." else 0
            bullet = "1." if marker[0] == "." or marker[0].isdigit() else "-"
            out.append("  " * depth + f"{bullet} {_inline(item[2], attributes)}")
            continue
        described = _DESCRIPTION.match(stripped) if "::" in stripped or ";;" in stripped else None
        if described and not re.match(r"^\w+://", stripped):
            term = _inline(described[1], attributes)
            rest = described[3] or ""
            if not rest:
                j = i
                while (
                    j < len(lines) and lines[j].strip() and not _DESCRIPTION.match(lines[j].strip())
                ):
                    rest += " " + lines[j].strip()
                    j += 1
                i = j
            out += ["", f"{term}: {_inline(rest.strip(), attributes)}", ""]
            continue
        if style and line and not line.startswith(" "):
            label = _label(style)
            if label:
                line = f"{label}: {line}"
            style = ""
        if not stripped:
            style = ""
        if line.startswith(" ") and stripped and (not out or not out[-1].strip()):
            out += ["```", stripped]  # a literal paragraph (indented): code, as written
            while i < len(lines) and lines[i].startswith(" ") and lines[i].strip():
                out.append(lines[i].strip())
                i += 1
            out += ["```", ""]
            continue
        out.append(_inline(line, attributes))
    return "\n".join(out).strip() + "\n"


def _fence(line: str) -> bool:
    """Whether ``line`` is a longer delimiter line ("------") of one character."""
    return len(line) >= 4 and len(set(line)) == 1


def _label(style: str) -> str:
    """The label an admonition style gives its block ("[NOTE]": "Note"), else ""."""
    name = style.strip("[]")
    return name.title() if name in ("NOTE", "TIP", "IMPORTANT", "WARNING", "CAUTION") else ""


def _inline(text: str, attributes: dict[str, str]) -> str:
    """One line's inline markup read as its text (see the module)."""

    def value(m: re.Match[str]) -> str:
        if m[0].startswith("\\"):
            return m[0][1:]
        name = m[1]
        if name in attributes:
            return attributes[name]
        return _REPLACEMENTS.get(name, name)

    text = _ATTRIBUTE_REFERENCE.sub(value, text)
    if "(" in text:
        text = text.replace("(R)", "®").replace("(TM)", "™").replace("(C)", "©")
    if "--" in text:
        text = _DASH.sub("—", text)
    for pattern, replace in _MACROS:
        text = pattern.sub(replace, text)
    # As in AsciiDoc, marks inside inline code format too ("`pkg install _package_`").
    return _MARKS.sub(r"\2", text)


def _table(body: list[str], style: str, attributes: dict[str, str]) -> list[str]:
    """A table's lines as Markdown: a header row where it has one, else one
    paragraph per row, a short first cell its label."""
    columns = _columns(style)
    cells: list[str] = []
    first_line = 0  # the cells of the table's first line
    implicit: bool | None = None  # a first line then a blank line: a header row
    for raw in body:
        line = raw.strip()
        if not line:
            if cells and implicit is None:
                implicit = len(cells) == first_line and (not columns or first_line == columns)
            continue
        if not _CELL_START.match(line):
            if cells:
                cells[-1] += " " + line  # a cell's text goes on
            continue
        parts = [p.strip().replace("\\|", "|") for p in _CELL_SPLIT.split(line)[1:]]
        cells += parts
        if not first_line:
            first_line = len(parts)
        elif implicit is None:
            implicit = False
    columns = columns or first_line or 1
    rows = [cells[k : k + columns] for k in range(0, len(cells), columns)]
    rows = [[_inline(c, attributes).replace("|", "/") for c in r] for r in rows if any(r)]
    if not rows:
        return []
    header = "header" in style and "noheader" not in style
    if (header or (implicit and "noheader" not in style)) and len(rows) > 1:
        lines = ["| " + " | ".join(r + [""] * (columns - len(r))) + " |" for r in rows]
        lines.insert(1, "|" + " --- |" * columns)
        return lines
    return [line for r in rows for line in (row_paragraph(r), "")]


def _columns(style: str) -> int:
    """The number of columns a table's ``cols`` attribute gives, or 0."""
    found = re.search(r'cols\s*=\s*"?([^"\]]+)"?', style)
    if not found:
        return 0
    total = 0
    for spec in found[1].split(","):
        spec = spec.strip()
        repeat = re.match(r"^(\d+)\*", spec)
        total += int(repeat[1]) if repeat else 1
    return total


__all__ = ["to_markdown"]

"""Plain data types shared by the knowledge base, the engine and every front end.

Nothing here imports ``discord``: the console, the Discord bot and the tests all
speak in these types.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Kind = Literal["answer", "compare", "refusal", "help", "smalltalk"]
KINDS: tuple[Kind, ...] = ("answer", "compare", "refusal", "help", "smalltalk")


@dataclass(frozen=True)
class Subject:
    """One thing the knowledge base is about (a column of its comparison table)."""

    id: str
    name: str  # "Machine Learning"
    short: str  # "ML": labels where room is short
    aliases: tuple[str, ...] = ()  # every way a question may name it


@dataclass(frozen=True)
class Passage:
    """One self-contained piece of the source."""

    id: str
    section: str
    title: str
    text: str
    subject: str = ""  # the id of the subject it is about; "" when general
    facet: str = ""  # what it is about: "definition", "examples", "how-it-works", ...
    questions: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    is_list: bool = False  # the text is a list, one item a line


@dataclass(frozen=True)
class Cell:
    """One subject's entry in a comparison row, with the label front ends show."""

    subject: str
    label: str
    text: str


@dataclass(frozen=True)
class TableRow:
    """One row of the side-by-side comparison table: one aspect, a cell per subject."""

    id: str
    aspect: str
    cells: tuple[Cell, ...]
    keywords: tuple[str, ...] = ()

    def cell(self, subject: str) -> str:
        """The text of ``subject``'s cell ("" when the row has none)."""
        return next((c.text for c in self.cells if c.subject == subject), "")


@dataclass(frozen=True)
class SourceInfo:
    """Where the knowledge comes from, and which version of it this is."""

    title: str
    date: str
    version: str
    url: str = ""
    publisher: str = ""
    kind: str = "source"  # how replies name it: "article", "FAQ", "guide"


@dataclass(frozen=True)
class Source:
    """A passage an answer was taken from, with its retrieval score."""

    passage_id: str
    section: str
    title: str
    score: float


@dataclass(frozen=True)
class Reply:
    """What the engine says back: a kind, the text, and where it came from.

    ``rows`` carries the comparison-table rows of a ``compare`` reply, so that
    front ends can lay them out their own way (one embed field per row on
    Discord, a plain table in the terminal). ``suggestions`` are questions the
    knowledge base answers, offered with refusals and help.
    """

    kind: Kind
    text: str
    sources: tuple[Source, ...] = ()
    suggestions: tuple[str, ...] = ()
    rows: tuple[TableRow, ...] = field(default=())
    question: str = ""
    title: str = ""  # a heading for the reply ("Machine Learning vs Generative AI")
    # For answers found by retrieval: the idf-weighted share of the question's terms
    # that the best passage covers (0-1), the same measure answerability judges by.
    # None when the reply was not retrieved (help, smalltalk, a refusal, a table).
    confidence: float | None = None

"""The part of the answer engine the Discord layer uses, as a typing protocol.

``bot.engine.Engine`` satisfies it; tests pass their own engines (one that
raises, one that is slow) through the bot's constructor. No ``discord`` import.
"""

from __future__ import annotations

from typing import Protocol

from bot.models import Passage, Reply, SourceInfo, Subject, TableRow


class KnowledgeLike(Protocol):
    """What the Discord layer reads from the loaded knowledge base."""

    @property
    def name(self) -> str:
        """What the knowledge base is about ("Machine Learning vs Generative AI")."""

    @property
    def subjects(self) -> tuple[Subject, ...]:
        """The subjects it covers (each a choice of /examples)."""

    @property
    def source(self) -> SourceInfo:
        """The article the knowledge comes from, and the knowledge-base version."""

    @property
    def passages(self) -> tuple[Passage, ...]:
        """Every passage of the article."""

    @property
    def table(self) -> tuple[TableRow, ...]:
        """The rows of the side-by-side comparison table."""


class EngineLike(Protocol):
    """The answer engine's public API (see ``bot.engine.Engine``)."""

    @property
    def kb(self) -> KnowledgeLike:
        """The loaded knowledge base."""

    def ask(self, question: str, conversation: str | None = None) -> Reply:
        """Answer a question, resolving follow-ups within ``conversation``."""

    def compare(self, aspect: str | None = None) -> Reply:
        """The comparison table, or one row of it."""

    def examples(self, topic: str | None = None) -> Reply:
        """Examples of one subject (its id), or of every subject (``None``)."""

    def topics(self) -> Reply:
        """What the bot covers, the source article and the knowledge-base version."""

    def help(self) -> Reply:
        """How to ask."""

    def suggest(self, typed: str, limit: int = 25) -> list[str]:
        """Questions the knowledge base answers, best match for ``typed`` first."""

    def passage(self, passage_id: str) -> Passage:
        """The passage with this id (``KeyError`` if there is none)."""

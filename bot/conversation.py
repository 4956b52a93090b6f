"""Short-term memory of conversations, so that follow-ups can be resolved.

Each conversation (a key chosen by the front end: a console session, a Discord
user in a channel) keeps its last few turns. Memory is bounded three ways: the
turns per conversation, the age of a conversation since its last turn, and the
number of conversations kept at once (the least recently used goes first).
"""

from __future__ import annotations

import time
from collections import OrderedDict, deque
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Turn:
    """What the engine remembers of one answered question."""

    question: str
    kind: str
    subjects: tuple[str, ...] = ()  # the subject ids the turn was about
    passage_ids: tuple[str, ...] = ()  # passages and table rows shown, in order
    facet: str | None = None  # facet of the first passage ("row" for table rows)
    terms: tuple[str, ...] = ()  # the question's content terms, for elliptical follow-ups
    entity: str | None = None  # a named thing the turn was about ("chatgpt")
    items: tuple[str, ...] = ()  # the list items an answer showed, for "the second one"


class ConversationStore:
    """Bounded per-key memory of recent turns."""

    def __init__(
        self,
        max_turns: int = 8,
        max_age: float = 30 * 60,
        max_conversations: int = 10_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if max_turns < 1 or max_conversations < 1 or max_age <= 0:
            raise ValueError("conversation limits must be positive")
        self.max_turns = max_turns
        self.max_age = max_age
        self.max_conversations = max_conversations
        self._clock = clock
        self._data: OrderedDict[str, tuple[float, deque[Turn]]] = OrderedDict()

    def __len__(self) -> int:
        return len(self._data)

    def turns(self, key: str) -> tuple[Turn, ...]:
        """The remembered turns of ``key``, oldest first (empty when expired or unknown)."""
        entry = self._data.get(key)
        if entry is None:
            return ()
        stamp, turns = entry
        if self._clock() - stamp > self.max_age:
            del self._data[key]
            return ()
        return tuple(turns)

    def add(self, key: str, turn: Turn) -> None:
        """Remember ``turn`` as the latest of ``key``."""
        now = self._clock()
        entry = self._data.pop(key, None)
        turns = (
            entry[1] if entry and now - entry[0] <= self.max_age else deque(maxlen=self.max_turns)
        )
        turns.append(turn)
        self._data[key] = (now, turns)
        while len(self._data) > self.max_conversations:
            self._data.popitem(last=False)

    def forget(self, key: str) -> None:
        """Drop everything remembered of ``key``."""
        self._data.pop(key, None)

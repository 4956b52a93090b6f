"""A per-user sliding-window rate limit shared by every way of asking.

Pure Python (no ``discord`` import) so it can be tested with a fake clock.
"""

from __future__ import annotations

import logging
import time
from collections import deque
from collections.abc import Callable, Hashable
from dataclasses import dataclass

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Verdict:
    """The outcome of one :meth:`Cooldown.hit`.

    ``retry_after`` is 0 when the ask may go ahead; otherwise the seconds until
    it may. ``notify`` says whether this is the first refusal in the current
    window (message handlers answer only that one, so a spammer gets one notice).
    """

    retry_after: float = 0.0
    notify: bool = False

    @property
    def allowed(self) -> bool:
        """Whether the ask may go ahead."""
        return self.retry_after <= 0


class Cooldown:
    """At most ``rate`` asks per ``per`` seconds for each key; ``rate`` 0 disables it."""

    def __init__(
        self, rate: int, per: float, *, clock: Callable[[], float] = time.monotonic
    ) -> None:
        """Create a limiter allowing ``rate`` hits per ``per`` seconds per key."""
        self.rate = rate
        self.per = per
        self._clock = clock
        self._hits: dict[Hashable, deque[float]] = {}
        self._notified_until: dict[Hashable, float] = {}
        self._calls = 0

    def hit(self, key: Hashable) -> Verdict:
        """Record an ask by ``key`` if it is allowed, and say whether it is."""
        if self.rate <= 0:
            return Verdict()
        now = self._clock()
        self._calls += 1
        if self._calls % 1024 == 0:
            self._prune(now)
        hits = self._hits.setdefault(key, deque())
        while hits and hits[0] <= now - self.per:
            hits.popleft()
        if len(hits) < self.rate:
            hits.append(now)
            return Verdict()
        retry_after = hits[0] + self.per - now
        notify = now >= self._notified_until.get(key, 0.0)
        if notify:
            self._notified_until[key] = now + retry_after
        return Verdict(retry_after=retry_after, notify=notify)

    def _prune(self, now: float) -> None:
        """Forget keys whose every hit has left the window, so memory stays bounded."""
        stale = [key for key, hits in self._hits.items() if not hits or hits[-1] <= now - self.per]
        for key in stale:
            del self._hits[key]
            self._notified_until.pop(key, None)

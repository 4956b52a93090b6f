"""Where an answer is made: on the event loop while the engine is quick, else on a worker.

A question handed to a worker thread makes the event loop and the worker take
the GIL in turns: the worker waits for the loop's slice (up to the 5 ms switch
interval) in the middle of its answer and again to hand the answer back. With
50 interactions in flight on a 10,000-passage knowledge base (``benchmarks/
discord_latency.py``) an answer thus held the worker 7.1 ms for 4.5 ms of the
process's work, and the queue in front of the single worker made most of the
latency. An engine that answers in a millisecond or two is cheaper asked on the
loop. One that may take long still goes to the worker, so that the interaction
can be deferred and the loop keeps serving heartbeats and other interactions.

The engine is asked one question at a time, in the order they came, either way:
an answer is made on the loop only while the worker has nothing in hand.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections import deque
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

T = TypeVar("T")

#: The longest any recent answer may have taken for the next one to be made on the loop.
INLINE_LIMIT = 0.05
#: How many recent answers that looks at (all of them must have been timed first).
WINDOW = 32


class Pacer:
    """Runs the engine's calls on the event loop or on one worker thread (see the module)."""

    def __init__(self, limit: float = INLINE_LIMIT, window: int = WINDOW) -> None:
        self.limit = limit
        self._recent: deque[float] = deque(maxlen=window)  # seconds per answer
        self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="engine")
        self._lock = threading.Lock()
        self._in_hand = 0  # calls given to the worker and not finished there

    def quick(self) -> bool:
        """Whether the next call may run on the loop: the worker has nothing in hand and
        each of the last :data:`WINDOW` answers took at most :attr:`limit`."""
        with self._lock:
            if self._in_hand:
                return False
        recent = tuple(self._recent)
        return len(recent) == self._recent.maxlen and max(recent) <= self.limit

    def inline(self, function: Callable[..., T], *args: object) -> T:
        """``function(*args)`` here, timed."""
        started = time.perf_counter()
        try:
            return function(*args)
        finally:
            self._recent.append(time.perf_counter() - started)

    async def on_worker(self, function: Callable[..., T], *args: object) -> T:
        """``function(*args)`` on the worker thread, timed (waiting for the GIL included)."""
        with self._lock:
            self._in_hand += 1
        return await asyncio.get_running_loop().run_in_executor(
            self._worker, self._run, function, *args
        )

    async def run(self, function: Callable[..., T], *args: object) -> T:
        """``function(*args)`` on the loop if :meth:`quick`, else on the worker."""
        if self.quick():
            return self.inline(function, *args)
        return await self.on_worker(function, *args)

    def _run(self, function: Callable[..., T], *args: object) -> T:
        try:
            return self.inline(function, *args)
        finally:
            with self._lock:
                self._in_hand -= 1

    def shutdown(self) -> None:
        """Stop the worker (a call it is making finishes)."""
        self._worker.shutdown(wait=False)

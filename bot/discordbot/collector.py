"""The garbage collector's pace in the bot process.

Each interaction allocates thousands of short-lived objects (discord.py's
Interaction and Message, aiohttp's request, JSON), so CPython's default of a
young collection every 700 allocations runs several collections per answer.
With a large knowledge base loaded each of them costs more, although the
knowledge base itself is frozen out of them (``gc.freeze()`` in
``Engine.load``): the young objects lie scattered among its memory, and a
young collection at 100,000 passages took about 0.4 ms against 0.05 ms with the
shipped one (``Engine.ask`` alone, 400 questions). In the bot process with 50
interactions in flight (``benchmarks/discord_latency.py``) collections took
0.5-1.4 ms per interaction at 10,000 and 100,000 passages and 0.3-0.9 ms with
the shipped knowledge base; with the thresholds below, 0.1-0.5 and 0.05-0.2 ms.
Most objects die before a collection comes, so fewer collections find fewer
survivors to walk; the memory held by unreachable cycles waits a little longer.
"""

from __future__ import annotations

import gc

#: Allocations (less deallocations) between young collections; CPython's default is 700.
YOUNG = 10_000
#: Young collections per middle one, and middle ones per full one (defaults: 10 and 10).
OLDER = (20, 20)


def pace_for_serving() -> None:
    """Set the collector's thresholds for a process that serves interactions."""
    gc.set_threshold(YOUNG, *OLDER)

"""Answers are made on the event loop while the engine is quick, else on the worker."""

from __future__ import annotations

import asyncio
import gc
import threading
import time

from bot.discordbot import collector
from bot.discordbot.pacing import Pacer


def _where() -> str:
    return threading.current_thread().name


async def test_unknown_cost_goes_to_the_worker_until_a_window_of_quick_answers() -> None:
    pacer = Pacer(limit=0.05, window=4)
    try:
        seen = [await pacer.run(_where) for _ in range(6)]
        assert all(name.startswith("engine") for name in seen[:4])
        assert seen[4:] == [threading.current_thread().name] * 2  # now on the loop
    finally:
        pacer.shutdown()


async def test_one_slow_answer_sends_the_next_ones_to_the_worker() -> None:
    pacer = Pacer(limit=0.05, window=3)
    try:
        for _ in range(3):
            await pacer.run(_where)
        assert pacer.quick()
        await pacer.run(time.sleep, 0.08)  # made on the loop, and too slow
        assert not pacer.quick()
        names = [await pacer.run(_where) for _ in range(3)]
        assert all(name.startswith("engine") for name in names)
        assert pacer.quick()  # the slow one has left the window
    finally:
        pacer.shutdown()


async def test_nothing_runs_on_the_loop_while_the_worker_has_a_call_in_hand() -> None:
    pacer = Pacer(limit=0.05, window=2)
    order: list[str] = []
    try:
        for _ in range(2):
            await pacer.run(_where)
        assert pacer.quick()
        slow = asyncio.ensure_future(pacer.on_worker(lambda: (time.sleep(0.1), order.append("a"))))
        await asyncio.sleep(0.02)
        assert not pacer.quick()  # the engine is busy on the worker
        second = await pacer.run(lambda: order.append("b"))
        await slow
        assert second is None and order == ["a", "b"]  # still one at a time, in order
    finally:
        pacer.shutdown()


def test_a_serving_process_collects_less_often() -> None:
    before = gc.get_threshold()
    try:
        gc.set_threshold(700, 10, 10)  # CPython's defaults
        collector.pace_for_serving()
        young, *older = gc.get_threshold()
        assert young == collector.YOUNG > 700
        assert tuple(older) == collector.OLDER
    finally:
        gc.set_threshold(*before)

"""Helpers to run a real discord.py client against the fake."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import TypeVar

import discord

from .constants import FAKE_TOKEN

ClientT = TypeVar("ClientT", bound=discord.Client)


async def _no_identify_delay(shard_id: int | None, *, initial: bool = False) -> None:
    """Replacement for discord.py's default hook, which sleeps 5 s between IDENTIFYs."""


@contextlib.asynccontextmanager
async def run_client(
    client: ClientT,
    token: str = FAKE_TOKEN,
    *,
    timeout: float = 10.0,
    guild_ready_timeout: float | None = 0.05,
    reconnect: bool = True,
    fast_identify: bool = True,
) -> AsyncIterator[ClientT]:
    """Log ``client`` in, connect it and wait for ``on_ready``; close it on exit.

    discord.py fires ``on_ready`` only after ``guild_ready_timeout`` seconds without a new
    GUILD_CREATE (default 2 s); this helper lowers it on the client's connection state
    (``None`` keeps the client's value). discord.py also sleeps 5 s before every
    non-initial IDENTIFY (shards 1..n-1); with ``fast_identify`` that default hook is
    skipped (a subclass's own ``before_identify_hook`` is kept). Errors of the connect task
    (e.g. a gateway close with 4004) are raised here instead of being lost.
    """
    if guild_ready_timeout is not None:
        client._connection.guild_ready_timeout = guild_ready_timeout
    default_hook = type(client).before_identify_hook is discord.Client.before_identify_hook
    if fast_identify and default_hook and "before_identify" in client._hooks:
        client._hooks["before_identify"] = _no_identify_delay
    try:
        await client.login(token)
    except BaseException:
        await client.close()
        raise
    task = asyncio.create_task(client.connect(reconnect=reconnect), name="fakediscord-connect")
    body_failed = False
    try:
        ready = asyncio.create_task(client.wait_until_ready(), name="fakediscord-ready")
        done, _ = await asyncio.wait(
            {task, ready}, timeout=timeout, return_when=asyncio.FIRST_COMPLETED
        )
        if ready not in done:
            ready.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await ready
            body_failed = True
            if task in done:
                task.result()  # raises the connect error
                raise RuntimeError("client.connect() returned before the client became ready")
            raise TimeoutError(f"client not ready after {timeout}s")
        try:
            yield client
        except BaseException:
            body_failed = True
            raise
    finally:
        await client.close()
        if not task.done():
            try:
                await asyncio.wait_for(asyncio.shield(task), timeout=timeout)
            except (asyncio.TimeoutError, asyncio.CancelledError):
                task.cancel()
            except Exception:  # noqa: S110 - inspected below
                pass
        if task.done() and not task.cancelled():
            error = task.exception()
            if error is not None and not body_failed:
                raise error
        elif not task.done():
            with contextlib.suppress(BaseException):
                await task

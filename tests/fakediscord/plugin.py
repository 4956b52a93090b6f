"""pytest plugin: the ``fake_discord`` fixtures (load with
``pytest_plugins = ["tests.fakediscord.plugin"]``)."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import pytest

from .server import FakeDiscord

ALLOW_VIOLATIONS_MARK = "fakediscord_allow_violations"


def pytest_configure(config: pytest.Config) -> None:
    """Register the opt-out marker."""
    config.addinivalue_line(
        "markers",
        f"{ALLOW_VIOLATIONS_MARK}: do not fail the test when the fake Discord recorded "
        "violations (prefer fake.take_violations() and asserting on them)",
    )


def _fail_on_violations(request: pytest.FixtureRequest, fakes: list[FakeDiscord]) -> None:
    if request.node.get_closest_marker(ALLOW_VIOLATIONS_MARK) is not None:
        return
    problems = [v for fake in fakes for v in fake.violations]
    if problems:
        listing = "\n".join(f"  - {p}" for p in problems)
        pytest.fail(
            f"fake Discord recorded {len(problems)} violation(s) of Discord's API contract:\n"
            f"{listing}",
            pytrace=False,
        )


@pytest.fixture
async def fake_discord(request: pytest.FixtureRequest) -> AsyncIterator[FakeDiscord]:
    """A started :class:`FakeDiscord` (default world) with discord.py pointed at it.

    Closed and discord.py restored afterwards; the test fails at teardown if any request
    violated the OpenAPI spec (when ``DISCORD_OPENAPI_SPEC`` is set), a documented limit or
    ping safety.
    """
    fake = FakeDiscord()
    await fake.start()
    try:
        with fake.patched():
            yield fake
    finally:
        await fake.close()
    _fail_on_violations(request, [fake])


FakeFactory = Callable[..., Awaitable[FakeDiscord]]


@pytest.fixture
async def fake_discord_factory(request: pytest.FixtureRequest) -> AsyncIterator[FakeFactory]:
    """``await fake_discord_factory(**FakeDiscord kwargs)`` -> a started, patched fake.

    Same teardown as ``fake_discord`` for every fake created (the latest one is the one
    discord.py points at).
    """
    fakes: list[FakeDiscord] = []
    with contextlib.ExitStack() as stack:

        async def make(**kwargs: Any) -> FakeDiscord:
            fake = FakeDiscord(**kwargs)
            await fake.start()
            fakes.append(fake)
            stack.enter_context(fake.patched())
            return fake

        try:
            yield make
        finally:
            for fake in reversed(fakes):
                await fake.close()
    _fail_on_violations(request, fakes)

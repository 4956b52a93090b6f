"""The per-user ask cooldown, with a fake clock."""

from __future__ import annotations

from bot.discordbot.cooldown import Cooldown


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_allows_rate_asks_per_window_then_refuses_with_retry_after() -> None:
    clock = Clock()
    cooldown = Cooldown(2, 10.0, clock=clock)
    assert cooldown.hit("alice").allowed
    clock.now += 1
    assert cooldown.hit("alice").allowed
    clock.now += 1
    verdict = cooldown.hit("alice")
    assert not verdict.allowed
    assert verdict.retry_after == 8.0
    assert cooldown.hit("bob").allowed  # per user
    clock.now += 8
    assert cooldown.hit("alice").allowed  # the first ask left the window


def test_notifies_once_per_window() -> None:
    clock = Clock()
    cooldown = Cooldown(1, 10.0, clock=clock)
    assert cooldown.hit(1).allowed
    first = cooldown.hit(1)
    assert not first.allowed and first.notify
    clock.now += 5
    second = cooldown.hit(1)
    assert not second.allowed and not second.notify
    clock.now += 5
    assert cooldown.hit(1).allowed
    third = cooldown.hit(1)
    assert not third.allowed and third.notify


def test_refused_asks_do_not_extend_the_window() -> None:
    clock = Clock()
    cooldown = Cooldown(1, 10.0, clock=clock)
    cooldown.hit(1)
    for _ in range(5):
        clock.now += 1
        cooldown.hit(1)
    clock.now += 5
    assert cooldown.hit(1).allowed


def test_rate_zero_disables() -> None:
    cooldown = Cooldown(0, 10.0)
    assert all(cooldown.hit(1).allowed for _ in range(100))


def test_stale_keys_are_forgotten() -> None:
    clock = Clock()
    cooldown = Cooldown(1, 1.0, clock=clock)
    for user in range(2000):
        cooldown.hit(user)
        clock.now += 0.01
    assert len(cooldown._hits) < 1100

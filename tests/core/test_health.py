"""The health file's verdicts: fresh, ready and connected is healthy; anything else says why."""

from __future__ import annotations

from pathlib import Path

from bot import health


def test_a_connected_bot_that_reported_recently_is_healthy(tmp_path: Path) -> None:
    path = tmp_path / "state" / "health.json"  # the folder is created
    health.write_status(path, ready=True, shards={0: True, 1: True}, now=1000.0)
    verdict = health.check(path, now=1005.0)
    assert verdict.healthy and "2 shard(s)" in verdict.message


def test_every_other_state_is_unhealthy_with_a_reason(tmp_path: Path) -> None:
    path = tmp_path / "health.json"
    assert "no health file" in health.check(path).message
    health.write_status(path, ready=False, shards={}, now=1000.0)
    assert "not connected" in health.check(path, now=1000.0).message
    health.write_status(path, ready=True, shards={0: True, 1: False}, now=1000.0)
    assert "shard(s) 1" in health.check(path, now=1000.0).message
    health.write_status(path, ready=True, shards={0: True}, now=1000.0)
    stale = health.check(path, now=1000.0 + health.MAX_AGE + 1)
    assert not stale.healthy and "stuck or gone" in stale.message
    path.write_text("{not json", encoding="utf-8")
    broken = health.check(path)
    assert not broken.healthy and "unreadable" in broken.message
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".health-")]

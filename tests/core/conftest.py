"""Fixtures for the core (no Discord): the shipped engine and scratch knowledge bases."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.engine import Engine
from bot.knowledge import DEFAULT_PATH


@pytest.fixture(scope="session")
def shipped_engine() -> Engine:
    """One engine over the shipped knowledge base, for read-only checks."""
    return Engine.load()


@pytest.fixture
def engine() -> Engine:
    """A fresh engine (its own conversation memory)."""
    return Engine.load()


DATA = Path(__file__).resolve().parents[1] / "data"


@pytest.fixture
def kb_copy(tmp_path: Path) -> Path:
    """A writable copy of the shipped knowledge folder (Markdown entries)."""
    target = tmp_path / "knowledge"
    shutil.copytree(DEFAULT_PATH, target)
    return target


@pytest.fixture
def legacy_copy(tmp_path: Path) -> Path:
    """A writable copy of a knowledge base in the earlier YAML format (tea vs coffee)."""
    target = tmp_path / "legacy"
    shutil.copytree(DATA / "kb_tea", target)
    return target

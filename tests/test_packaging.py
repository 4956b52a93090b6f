"""requirements.txt stays in step with pyproject.toml; a wheel answers out of the box."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[1]


def _pins() -> dict[str, str]:
    pins = {}
    for line in (ROOT / "requirements.txt").read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line and line != ".":
            name, _, version = line.partition("==")
            assert version, f"requirements.txt: {line!r} is not pinned with =="
            pins[canonicalize_name(name)] = version
    return pins


def test_every_dependency_is_pinned_within_its_range() -> None:
    tomllib = pytest.importorskip("tomllib")  # Python 3.11+
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    pins = _pins()
    for spec in project["dependencies"]:
        requirement = Requirement(spec)
        name = canonicalize_name(requirement.name)
        assert name in pins, f"{requirement.name} is in pyproject.toml but not requirements.txt"
        pinned = pins[name]
        assert requirement.specifier.contains(pinned), (
            f"requirements.txt pins {requirement.name}=={pinned}, outside {requirement.specifier}"
        )


def test_requirements_install_the_bot_itself() -> None:
    lines = (ROOT / "requirements.txt").read_text(encoding="utf-8").split()
    assert lines[-1] == "."


def test_a_wheel_answers_from_its_own_knowledge_base(tmp_path: Path) -> None:
    """A wheel carries the shipped knowledge base (knowledge.yaml and every entry file) as
    bot._knowledge, and answers from it outside the checkout."""
    wheels, target = tmp_path / "wheels", tmp_path / "site"
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "-q"]
    subprocess.run([*pip, "wheel", "--no-deps", "-w", str(wheels), str(ROOT)], check=True)  # noqa: S603
    (wheel,) = wheels.glob("*.whl")
    install = [*pip, "install", "--no-deps", "--target", str(target), str(wheel)]
    subprocess.run(install, check=True)  # noqa: S603
    shipped = sorted(p.name for p in (ROOT / "knowledge").iterdir() if p.is_file())
    installed = sorted(p.name for p in (target / "bot" / "_knowledge").iterdir() if p.is_file())
    assert installed == shipped
    env = {"PYTHONPATH": str(target), "PATH": os.environ.get("PATH", "/usr/bin:/bin")}
    result = subprocess.run(
        [sys.executable, "-m", "bot", "ask", "--json", "What is machine learning?"],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        check=True,
    )
    reply = json.loads(result.stdout)
    assert reply["kind"] == "answer" and "learn from data" in reply["answer"]
    where = subprocess.run(
        [sys.executable, "-c", "import bot.knowledge as k; print(k.DEFAULT_PATH)"],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        check=True,
    )
    assert where.stdout.strip() == str(target / "bot" / "_knowledge")

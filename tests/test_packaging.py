"""requirements.txt stays in step with pyproject.toml; a wheel answers out of the box."""

from __future__ import annotations

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


def test_a_wheel_installed_outside_the_checkout_answers(tmp_path: Path) -> None:
    """pip install of a built wheel (as pipx does) has the knowledge base and answers."""
    import subprocess
    import sys
    import venv

    def run(*argv: str | Path, cwd: Path = tmp_path) -> str:
        result = subprocess.run(  # noqa: S603 - our own interpreter, pip and console script
            [str(a) for a in argv], cwd=cwd, capture_output=True, text=True, timeout=600
        )
        assert result.returncode == 0, result.stdout + result.stderr
        return result.stdout

    wheels = tmp_path / "wheels"
    run(sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", wheels, ROOT)
    (wheel,) = wheels.glob("mlgenai_bot-*.whl")
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    bin_dir = env_dir / ("Scripts" if sys.platform == "win32" else "bin")
    run(bin_dir / "python", "-m", "pip", "install", "--quiet", wheel)
    elsewhere = tmp_path / "elsewhere"  # no knowledge/ folder and no .env here
    elsewhere.mkdir()
    out = run(bin_dir / "mlgenai-bot", "ask", "--json", "What is generative AI?", cwd=elsewhere)
    assert '"kind": "answer"' in out and "Generative AI" in out
    version = run(bin_dir / "mlgenai-bot", "--version", cwd=elsewhere)
    assert version.startswith("mlgenai-bot ") and "discord.py 2." in version
    assert f"Python {sys.version_info.major}.{sys.version_info.minor}." in version

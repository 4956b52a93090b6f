"""bot.yamlload gives what yaml.load gives: the same data, or the same error."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from bot import yamlload

ROOT = Path(__file__).resolve().parents[2]
LOADERS = [yaml.SafeLoader] + ([yaml.CSafeLoader] if hasattr(yaml, "CSafeLoader") else [])

TRICKY = [
    "",
    "# only a comment\n",
    "plain\n",
    "- a\n- 1\n",
    "a: 1\nb: [x, 'y', \"z\"]\nc: {d: e}\n",
    "yes: no\non: off\nnull: ~\nempty:\n",
    "date: 2026-12-01\nquoted: '2026-12-01'\nstamp: 2001-12-14t21:59:43.10-05:00\n",
    "octal: 010\nnew_octal: 0o10\nhex: 0x1f\nsexa: 1:30\nunder: 1_000\nexp: 1e3\nf: 1.5e3\n",
    "inf: .inf\nnan: .NaN\nneg: -.inf\n",
    "text: |\n  one\n  two\nfolded: >\n  one\n  two\n\n  three\nkeep: |+\n  x\n\n",
    "a: &x [1, 2]\nb: *x\nc: &s text\nd: *s\n",
    "base: &b {k: 1}\nmerged:\n  <<: *b\n  j: 2\n",
    "quoted merge: {'<<': 1}\n",
    "'=': 1\n=: 2\n",
    "dup: 1\nother: 2\ndup: 3\n",
    "? [a, b]\n: complex\n",
    "? {a: b}\n: complex\n",
    "set: !!set {a, b}\n",
    "omap: !!omap [a: 1, b: 2]\n",
    "str: !!str 12\nint: !!int '12'\nfloat: !!float '1'\n",
    "bin: !!binary aGVsbG8=\n",
    "local: !thing x\n",
    "bare: ! 12\n",
    "a: *missing\n",
    "a: &x 1\nb: &x 2\n",
    "--- 1\n--- 2\n",
    "--- a\n...\n",
    "a: [1, 2\n",
    "a: b: c\n",
    "\tbad: tab\n",
    "key: 'unterminated\n",
    'unicode: "caf\\u00e9 \\U0001F600"\nnfkc: Ｍachine\n',
    "true: True\nfalse: FALSE\nNo: N\ny: Y\n",
    "- - - deep\n    - er\n  - x\n- {a: [ {b: c} ]}\n",
    "1: int key\n2.5: float key\n~: null key\ntrue: bool key\n",
    "2026-01-01: date key\n",
    "recursive: &r [*r]\n",
]


def outcome(text: str, load: Any) -> tuple[str, Any]:
    """The data, or the error's type and message."""
    try:
        return "data", load(text)
    except yaml.YAMLError as exc:
        return "error", (type(exc).__name__, str(exc))


def same(a: Any, b: Any) -> bool:
    """Equal, and of the same types all the way down (1 is not True nor 1.0)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return list(a) == list(b) and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        if a and a[0] is a:  # the recursive list
            return b and b[0] is b
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, float) and a != a:
        return b != b
    return bool(a == b)


@pytest.mark.parametrize("loader", LOADERS, ids=lambda c: c.__name__)
@pytest.mark.parametrize("text", TRICKY)
def test_tricky_documents_load_as_yaml_load_does(text: str, loader: type[yaml.SafeLoader]) -> None:
    expected = outcome(text, lambda t: yaml.load(t, Loader=loader))  # noqa: S506
    got = outcome(text, lambda t: yamlload.load(t, loader))
    assert got[0] == expected[0]
    assert same(got[1], expected[1]) if got[0] == "data" else got[1] == expected[1]


def test_aliases_are_the_same_object() -> None:
    data = yamlload.load("a: &x [1]\nb: *x\n")
    assert data["a"] is data["b"]


def project_yaml() -> list[Path]:
    skip = {".venv", "build", ".scale", ".git"}
    return sorted(
        p for p in ROOT.rglob("*.yaml") if not skip & set(p.relative_to(ROOT).parts)
    ) + sorted(p for p in ROOT.rglob("*.yml") if not skip & set(p.relative_to(ROOT).parts))


def test_every_yaml_file_of_the_project_loads_the_same() -> None:
    files = project_yaml()
    assert any(p.name == "english.yaml" for p in files)
    for path in files:
        text = path.read_text(encoding="utf-8")
        expected = outcome(text, lambda t: yaml.load(t, Loader=yamlload.SAFE_LOADER))  # noqa: S506
        got = outcome(text, yamlload.load)
        assert got[0] == expected[0], path
        assert same(got[1], expected[1]) if got[0] == "data" else got[1] == expected[1], path


def test_a_large_generated_document_loads_the_same() -> None:
    entries = [
        {
            "id": f"p{i}",
            "title": f"Title {i}: a 'quoted' \"thing\"",
            "text": "Line one.\nLine two: yes, no, 1.5, 2026-01-01\n" * (i % 3 + 1),
            "questions": [f"What is {i}?", "yes", "null", str(i), f"{i}.0"],
            "list": i % 2 == 0,
            "n": i,
        }
        for i in range(500)
    ]
    text = yaml.safe_dump({"passages": entries}, sort_keys=False, allow_unicode=True)
    expected = yaml.load(text, Loader=yamlload.SAFE_LOADER)  # noqa: S506
    # Built from the events (not handed back to yaml.load), and the same.
    assert same(yamlload._build(text, yamlload.SAFE_LOADER), expected)
    assert same(yamlload.load(text), expected)

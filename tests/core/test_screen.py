"""AnyOf answers exactly what one alternation of its patterns answers."""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest
import yaml

from bot import language, screen
from bot.language import english
from bot.screen import AnyOf, needles

DATA = Path(__file__).resolve().parent.parent / "data"
LANGUAGE_DATA = Path(language.__file__).resolve().parent / "data" / "english.yaml"


LISTS = (
    "help_patterns",
    "identity_patterns",
    "other_patterns",
    "more_patterns",
    "why_patterns",
    "which_patterns",
    "example_patterns",
    "howto_patterns",
    "live_patterns",
    "opinion_patterns",
)


def _lists() -> dict[str, list[re.Pattern[str]]]:
    """The language's lists of patterns that are only asked whether any matches."""
    data = yaml.safe_load((LANGUAGE_DATA).read_text(encoding="utf-8"))
    out = {name: [re.compile(p) for p in data[name]] for name in LISTS}
    out |= {f"facets.{k}": [re.compile(p) for p in v] for k, v in data["facets"].items() if v}
    return out


def _texts() -> list[str]:
    """Every question of the repository's sets, lower-cased and as typed, and word
    salads of the patterns' own words (which make the patterns match often)."""
    texts: list[str] = []

    def collect(node: object) -> None:
        if isinstance(node, str):
            texts.extend((node, node.lower()))
        elif isinstance(node, list):
            for item in node:
                collect(item)
        elif isinstance(node, dict):
            for value in node.values():
                collect(value)

    for path in sorted(DATA.glob("*.yaml")):
        collect(yaml.safe_load(path.read_text(encoding="utf-8")))
    vocabulary = sorted(
        {w for ps in _lists().values() for p in ps for w in re.findall(r"[a-z]+|\?", p.pattern)}
    )
    rng = random.Random(3)
    texts += vocabulary
    texts += [" ".join(rng.choices(vocabulary, k=rng.randint(1, 12))) for _ in range(4000)]
    texts += [" ".join(rng.choices(vocabulary, k=rng.randint(20, 80))) for _ in range(500)]
    for ps in _lists().values():  # each list's own words, so that each is exercised
        own = sorted({w for p in ps for w in re.findall(r"[a-z]+|\?", p.pattern)})
        texts += [" ".join(rng.choices(own, k=rng.randint(1, 6))) for _ in range(200)]
    return texts


TEXTS = _texts()


@pytest.mark.parametrize("long_text", [0, screen.LONG_TEXT])
@pytest.mark.parametrize("name", sorted(_lists()))
def test_same_answer_as_the_alternation(
    name: str, long_text: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every text screened (or, as shipped, long ones), and the regrouped alternation:
    the answer of the alternation in the patterns' own order."""
    monkeypatch.setattr(screen, "LONG_TEXT", long_text)
    any_of = AnyOf(_lists()[name])
    plain = re.compile(any_of.pattern)  # the alternation in the patterns' own order
    matched = 0
    for text in TEXTS:
        expected = plain.search(text) is not None
        assert any_of.search(text) == expected, (name, text)
        assert (any_of.union.search(text) is not None) == expected, (name, text)
        matched += expected
    assert matched  # the texts exercise the patterns, not only their misses


def test_the_language_screens_its_lists() -> None:
    lang = english()
    assert lang.help_patterns[0]._screened  # type: ignore[attr-defined]
    assert lang.help_patterns[0].union.pattern != lang.help_patterns[0].pattern  # regrouped
    assert lang.opinion_any.pattern == "|".join(f"(?:{p.pattern})" for p in lang.opinion_patterns)


def test_needles_are_in_every_match() -> None:
    assert needles(r"\bcommands? (do|can) (you|i)\b") == frozenset({"command"})
    assert needles(r"\b(list|show) (the )?cmds\b") == frozenset({"cmds"})
    assert needles(r"^(help|\?+|h)$") == frozenset({"help", "?", "h"})
    assert needles(r"(?i)\bhelp\b") is None  # case-insensitive: always run
    assert needles(r"\b(?:a|\w+) x") == frozenset({" x"})
    assert needles(r"\w+") is None  # nothing that must be in the text


def test_patterns_it_cannot_screen_are_run_as_they_are(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(screen, "LONG_TEXT", 0)
    back = AnyOf([re.compile(r"(a)\1"), re.compile(r"b(c)")])
    assert back.search("aa") and not back.search("bb")
    mixed = AnyOf([re.compile(r"(?i:help)"), re.compile(r"\bmenu\b")])
    assert mixed.search("HELP") and mixed.search("the menu") and not mixed.search("men")
    assert not AnyOf([]).search("anything")


def test_alternations_kept_are_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(screen, "LONG_TEXT", 0)
    monkeypatch.setattr(screen, "UNIONS_KEPT", 2)
    any_of = AnyOf(_lists()["help_patterns"])
    plain = re.compile(any_of.pattern)
    for text in TEXTS[:3000]:
        assert any_of.search(text) == (plain.search(text) is not None), text
        assert len(any_of._unions) <= 2

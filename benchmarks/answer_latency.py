"""Answer latency of the engine (retrieve and compose), with a baseline.

Asks every question of the project's question sets and every passage's example
questions, many times over, through ``Engine.ask`` on the shipped knowledge
base, and prints p50 and p99. In the same run it times plain
``rank_bm25.BM25Okapi.get_scores`` on the same passages and the same questions
(whitespace-tokenized), the floor any BM25 answer costs, and prints the ratio.
Target: p99 under 2 ms.

    python benchmarks/answer_latency.py [--rounds N]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import yaml
from rank_bm25 import BM25Okapi

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.engine import Engine  # noqa: E402


def questions(engine: Engine) -> list[str]:
    out = [q for p in engine.kb.passages for q in p.questions]
    for name in ("regression.yaml", "holdout.yaml"):
        data = yaml.safe_load((ROOT / "tests" / "data" / name).read_text(encoding="utf-8"))
        for section in data.values():
            for case in section:
                out.extend(case.get("turns") or [case["q"]])
    return out


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def timed(fn, items: list[str], rounds: int) -> list[float]:  # type: ignore[no-untyped-def]
    samples = []
    for _ in range(rounds):
        for item in items:
            start = time.perf_counter()
            fn(item)
            samples.append((time.perf_counter() - start) * 1000)
    return samples


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=10)
    args = parser.parse_args()

    start = time.perf_counter()
    engine = Engine.load()
    load_ms = (time.perf_counter() - start) * 1000
    items = questions(engine)
    counter = iter(range(10**9))

    def ask(q: str) -> None:
        engine.ask(q, f"bench-{next(counter) % 50}")  # 50 live conversations, follow-ups on

    corpus = [f"{p.title} {p.text}".lower().split() for p in engine.kb.passages]
    baseline = BM25Okapi(corpus)

    def bm25(q: str) -> None:
        baseline.get_scores(q.lower().split())

    cold = timed(ask, items, 1)  # first pass: spelling and stemming caches empty
    ours = timed(ask, items, args.rounds)
    base = timed(bm25, items, args.rounds)
    print(
        f"knowledge base: {len(engine.kb.passages)} passages + {len(engine.kb.table)} rows; "
        f"engine built in {load_ms:.1f} ms"
    )
    print(f"{len(ours)} answers ({len(items)} questions x {args.rounds} rounds)")
    print(f"{'':28s}{'p50 ms':>9s}{'p99 ms':>9s}{'mean ms':>9s}")
    for name, samples in (
        ("Engine.ask (first pass)", cold),
        ("Engine.ask", ours),
        ("BM25Okapi.get_scores", base),
    ):
        print(
            f"{name:28s}{percentile(samples, 50):9.3f}{percentile(samples, 99):9.3f}"
            f"{statistics.fmean(samples):9.3f}"
        )
    ratio50 = percentile(ours, 50) / percentile(base, 50)
    ratio99 = percentile(ours, 99) / percentile(base, 99)
    print(f"ratio (engine / plain BM25): p50 {ratio50:.1f}x, p99 {ratio99:.1f}x")
    print(f"target p99 < 2 ms: {'met' if percentile(ours, 99) < 2 else 'NOT met'}")


if __name__ == "__main__":
    main()

"""Answer latency of the engine, against plain rank-bm25 in the same run.

Two workloads on the shipped knowledge base, each timed interleaved with its
baseline (one engine answer, then one plain ``BM25Okapi.get_scores`` on the
same question over the same passages, whitespace-tokenized), so both see the
same machine load:

1. every question of the project's question sets and every passage's example
   questions, with 50 live conversations (follow-ups resolve);
2. 2,000-character questions of words nobody knows, each question new (no
   cache helps), the worst case of spelling correction and synonym matching.

Prints p50 and p99 of each and the ratio. Targets: ratio at p50 at most 4 on
the first workload; p50 under 5 ms on the second.

    python benchmarks/answer_latency.py [--rounds N]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import yaml
from rank_bm25 import BM25Okapi

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.engine import MAX_QUESTION_CHARS, Engine  # noqa: E402


def questions(engine: Engine) -> list[str]:
    out = [q for p in engine.kb.passages for q in p.questions]
    for name in ("regression.yaml", "holdout.yaml", "holdout2.yaml"):
        data = yaml.safe_load((ROOT / "tests" / "data" / name).read_text(encoding="utf-8"))
        for section in data.values():
            for case in section:
                if isinstance(case, str):
                    out.append(case)
                else:
                    out.extend(case.get("turns") or [case["q"]])
    return out


def gibberish(rng: random.Random) -> str:
    """A question of unknown words, just under the length limit."""
    words: list[str] = []
    while sum(len(w) + 1 for w in words) < MAX_QUESTION_CHARS - 12:
        words.append("".join(rng.choice("bcdfghjklmnpqrstvwxz") for _ in range(rng.randint(5, 9))))
    return " ".join(words) + "?"


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def interleaved(
    ours: Callable[[str], object], base: Callable[[str], object], items: list[str], rounds: int
) -> tuple[list[float], list[float]]:
    a: list[float] = []
    b: list[float] = []
    for _ in range(rounds):
        for item in items:
            start = time.perf_counter()
            ours(item)
            a.append((time.perf_counter() - start) * 1000)
            start = time.perf_counter()
            base(item)
            b.append((time.perf_counter() - start) * 1000)
    return a, b


def report(title: str, ours: list[float], base: list[float]) -> float:
    print(f"\n{title}: {len(ours)} questions")
    print(f"{'':28s}{'p50 ms':>9s}{'p99 ms':>9s}{'mean ms':>9s}")
    for name, samples in (("Engine.ask", ours), ("BM25Okapi.get_scores", base)):
        print(
            f"{name:28s}{percentile(samples, 50):9.3f}{percentile(samples, 99):9.3f}"
            f"{statistics.fmean(samples):9.3f}"
        )
    ratio50 = percentile(ours, 50) / percentile(base, 50)
    ratio99 = percentile(ours, 99) / percentile(base, 99)
    print(f"ratio (engine / plain BM25): p50 {ratio50:.1f}x, p99 {ratio99:.1f}x")
    return ratio50


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
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

    print(
        f"knowledge base: {len(engine.kb.passages)} passages + {len(engine.kb.table)} rows; "
        f"engine built in {load_ms:.1f} ms"
    )
    interleaved(ask, bm25, items, 1)  # warm-up: spelling and stemming caches
    ours, base = interleaved(ask, bm25, items, args.rounds)
    ratio = report("the project's questions", ours, base)
    print(f"target: ratio at p50 <= 4: {'met' if ratio <= 4 else 'NOT met'}")

    rng = random.Random(7)
    long_items = [gibberish(rng) for _ in range(20 * args.rounds)]
    ours_long, base_long = interleaved(ask, bm25, long_items, 1)
    report(f"{MAX_QUESTION_CHARS:,}-character questions of unknown words", ours_long, base_long)
    p50 = percentile(ours_long, 50)
    print(f"target: p50 < 5 ms: {'met' if p50 < 5 else 'NOT met'}")


if __name__ == "__main__":
    main()

"""What a large server's week costs the store: disk, write time, and the admin's reads.

Writes ``--questions`` answers (each citing 3 passages, 15% of them declined and 5%
low-confidence, questions drawn from the regression set with a varying tail so
they differ) and ``--ratings`` votes through the real write path (the queue and
batched transactions of ``bot.store.Store``), then times ``/kb gaps`` over the
week (the query and the clustering), ``/forget-me`` for one user, and the purge
of the whole week. Prints the disk used per back end: the SQLite file (and its
WAL), and with ``--postgres`` the tables and indexes of a PostgreSQL database on a
server started on 127.0.0.1 from the system's binaries.

The default, 100,000 questions a week, is a large community server: about ten
questions a minute around the clock.

    python benchmarks/store_cost.py [--questions N] [--ratings N] [--postgres]
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import yaml  # noqa: E402

from bot.engine import Engine  # noqa: E402
from bot.models import Reply, Source  # noqa: E402
from bot.store import Store  # noqa: E402
from bot.store.backends import backend_for  # noqa: E402
from bot.store.gaps import LOW_CONFIDENCE, cluster  # noqa: E402
from bot.store.store import DAY  # noqa: E402

QUESTIONS = [
    case["q"]
    for section in yaml.safe_load(
        (ROOT / "tests" / "data" / "regression.yaml").read_text(encoding="utf-8")
    ).values()
    for case in section
    if "q" in case
]
TAILS = ("", " please", " in simple terms", " for a beginner", " briefly", " with an example")


def replies() -> list[Reply]:
    """The reply shapes written: answers with three sources, refusals, unsure answers."""
    sources = tuple(Source(f"passage-{i}", "Section", "Title", 4.2 - i) for i in range(3))
    return [
        Reply("answer", "", sources=sources, confidence=1.0),
        Reply("refusal", ""),
        Reply("answer", "", sources=sources, confidence=0.55),
    ]


async def run(url: str, args: argparse.Namespace, engine: Engine) -> dict[str, float]:
    """Write the week into the store at ``url``; the timings in seconds."""
    rng = random.Random(7)
    shapes = replies()
    store = Store(backend_for(url), purge_every=0, queue_limit=args.questions + args.ratings)
    await store.start()
    figures: dict[str, float] = {}
    started = time.perf_counter()
    calls = 0.0  # the time spent inside record_answer/rate: what an answer waits for
    users = max(1, args.questions // 20)
    for i in range(args.questions):
        pick = rng.random()
        reply = shapes[1] if pick < 0.15 else shapes[2] if pick < 0.20 else shapes[0]
        question = rng.choice(QUESTIONS) + rng.choice(TAILS)
        t = time.perf_counter()
        store.record_answer(
            f"{1_300_000_000_000_000_000 + i}",
            rng.randrange(users),
            question,
            reply,
            kb_version="2026-12-01",
            origin="discord",
        )
        calls += time.perf_counter() - t
        if i % 1000 == 0:
            await asyncio.sleep(0)  # let the writer run, as the event loop would
    for _ in range(args.ratings):
        t = time.perf_counter()
        store.rate(
            f"{1_300_000_000_000_000_000 + rng.randrange(args.questions)}",
            rng.randrange(users),
            -1 if rng.random() < 0.3 else 1,
            "it missed the point" if rng.random() < 0.1 else None,
        )
        calls += time.perf_counter() - t
    figures["enqueue"] = calls
    if not await store.flush(600):
        raise RuntimeError("the writes did not finish in 10 minutes")
    figures["write"] = time.perf_counter() - started
    t = time.perf_counter()
    flagged = await store.flagged(time.time() - 7 * DAY, LOW_CONFIDENCE)
    figures["gaps query"] = time.perf_counter() - t
    t = time.perf_counter()
    topics = cluster(flagged, lambda q: engine.tokenizer.tokenize(q, correct=True))
    figures["gaps clustering"] = time.perf_counter() - t
    figures["flagged"] = len(flagged)
    figures["topics"] = len(topics)
    t = time.perf_counter()
    await store.forget_user(3)
    figures["forget one user"] = time.perf_counter() - t
    figures["bytes"] = await disk(store, url)
    t = time.perf_counter()
    figures["purged rows"] = await store.purge(now=time.time() + 31 * DAY)
    figures["purge the week"] = time.perf_counter() - t
    await store.close()
    return figures


async def disk(store: Store, url: str) -> float:
    """Bytes on disk: the SQLite file and WAL, or PostgreSQL's tables with indexes."""
    if url.startswith("sqlite"):
        path = Path(url.removeprefix("sqlite:///"))
        conn = getattr(store.backend, "_conn", None)  # outside a transaction: fold the WAL in
        if conn is not None:
            await conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return float(sum(p.stat().st_size for p in path.parent.glob(path.name + "*")))
    async with store.backend.transaction() as tx:
        ((size,),) = await tx.fetch(
            "SELECT SUM(pg_total_relation_size(c.oid)) FROM pg_class c "
            "JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = 'public' AND c.relkind = 'r'"
        )
    return float(size)


async def main(args: argparse.Namespace) -> None:
    """Run each back end and print the figures."""
    engine = Engine.load()
    folder = Path(tempfile.mkdtemp(prefix="store-cost-"))
    targets = {"sqlite": f"sqlite:///{folder / 'bot.sqlite3'}"}
    server = None
    if args.postgres:
        from tests.pgserver import PostgresServer, server_bin

        bin_dir = server_bin()
        if bin_dir is None:
            raise SystemExit("PostgreSQL server binaries not found")
        server = PostgresServer(bin_dir)
        server.start()
        targets["postgresql"] = server.create_database("cost")
    try:
        print(f"a week: {args.questions:,} questions, {args.ratings:,} ratings")
        for name, url in targets.items():
            f = await run(url, args, engine)
            print(
                f"{name:<10} disk {f['bytes'] / 1e6:6.1f} MB "
                f"({f['bytes'] / args.questions:.0f} B/question); "
                f"write {f['write']:.1f} s ({args.questions / f['write']:,.0f} questions/s; "
                f"an answer waits {f['enqueue'] * 1e6 / (args.questions + args.ratings):.1f} "
                "µs to queue its write); "
                f"/kb gaps {f['gaps query'] * 1000:.0f} ms query + "
                f"{f['gaps clustering'] * 1000:.0f} ms clustering "
                f"({f['flagged']:.0f} flagged -> {f['topics']:.0f} topics); "
                f"forget-me {f['forget one user'] * 1000:.0f} ms; "
                f"purge {f['purged rows']:,.0f} rows in {f['purge the week']:.1f} s"
            )
    finally:
        if server is not None:
            server.cleanup()


def parse_args() -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--questions", type=int, default=100_000)
    parser.add_argument("--ratings", type=int, default=5_000)
    parser.add_argument("--postgres", action="store_true", help="also PostgreSQL")
    return parser.parse_args()


if __name__ == "__main__":
    asyncio.run(main(parse_args()))

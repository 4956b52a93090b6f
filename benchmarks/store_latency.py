"""``/ask`` latency through the local fake Discord with the store on, next to it off.

The same real bot (``MLGenAIBot``, shipped engine, no cooldown) runs in its own
process, once with no store and once recording every answer into the store
(SQLite in a temporary folder; with ``--postgres`` also a PostgreSQL server
started on 127.0.0.1 from the system's binaries), alternating for ``--rounds``
rounds so that a busy machine weighs on both alike. Latency is from the fake
dispatching INTERACTION_CREATE to the bot's callback arriving (see
``discord_latency.py``, whose firing code this reuses). Target: the store's p50
at most 1.1 times the p50 without it.

    python benchmarks/store_latency.py [--requests N] [--concurrency N] [--rounds N] [--postgres]
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import discord  # noqa: E402
import yarl  # noqa: E402
from discord_latency import QUESTIONS, fire, percentile, report  # noqa: E402

from bot.discordbot.client import MLGenAIBot  # noqa: E402
from bot.engine import Engine  # noqa: E402
from bot.settings import Settings  # noqa: E402
from bot.store import Store  # noqa: E402
from bot.store.backends import backend_for  # noqa: E402
from tests.fakediscord import APP_ID, FAKE_TOKEN, FakeDiscord  # noqa: E402


async def measure(label: str, url: str, args: argparse.Namespace) -> tuple[list[float], str]:
    """Start the fake and the bot (store at ``url``, or none for ``off``); time /ask."""
    fake = FakeDiscord()
    await fake.start()
    try:
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            __file__,
            "--child",
            url,
            fake.api_base,
            fake.gateway_url,
            stdout=asyncio.subprocess.PIPE,
        )
        try:
            while not (fake.connected_shards and fake.commands()):
                if process.returncode is not None:
                    raise RuntimeError(f"the {label} bot exited with {process.returncode}")
                await asyncio.sleep(0.01)
            for _ in range(2):  # warm up: connections, caches, the first database pages
                await fire(fake, args.concurrency, args.concurrency, QUESTIONS)
            latencies = await fire(fake, args.requests, args.concurrency, QUESTIONS)
        finally:
            if process.returncode is None:
                process.send_signal(signal.SIGTERM)
            out, _ = await process.communicate()
        return latencies, out.decode().strip()
    finally:
        await fake.close()


def child(url: str, api_base: str, gateway_url: str) -> None:
    """The bot in this process, against the fake; prints the store's counters at exit."""
    discord.http.Route.BASE = api_base
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(gateway_url)
    store = None if url == "off" else Store(backend_for(url), purge_every=0)
    client = MLGenAIBot(
        Settings(application_id=APP_ID, ask_cooldown_rate=0), Engine.load(), store=store
    )

    async def serve() -> None:
        closing: list[asyncio.Future[None]] = []
        asyncio.get_running_loop().add_signal_handler(
            signal.SIGTERM, lambda: closing.append(asyncio.ensure_future(client.close()))
        )
        async with client:
            await client.login(FAKE_TOKEN)
            await client.tree.sync()
            await client.connect()
        await asyncio.gather(*closing)  # the store writes what it still has queued

    asyncio.run(serve())
    if store is not None:
        s = store.stats
        print(f"queued={s.queued} written={s.written} dropped={s.dropped} failures={s.failures}")


async def main(args: argparse.Namespace) -> None:
    """Alternate the runs, print the figures and the p50 ratio of each store to none."""
    folder = Path(tempfile.mkdtemp(prefix="store-bench-"))
    targets = {"store off": "off", "store sqlite": f"sqlite:///{folder / 'bot.sqlite3'}"}
    server = None
    if args.postgres:
        from tests.pgserver import PostgresServer, server_bin

        bin_dir = server_bin()
        if bin_dir is None:
            raise SystemExit("PostgreSQL server binaries not found")
        server = PostgresServer(bin_dir)
        server.start()
        targets["store postgresql"] = server.create_database("bench")
    results: dict[str, list[float]] = {label: [] for label in targets}
    medians: dict[str, list[float]] = {label: [] for label in targets}  # each round's p50
    counters: dict[str, str] = {}
    try:
        for _ in range(args.rounds):
            for label, url in targets.items():
                latencies, printed = await measure(label, url, args)
                results[label] += latencies
                medians[label].append(percentile(latencies, 50))
                counters[label] = printed
    finally:
        if server is not None:
            server.cleanup()
    print(
        f"/ask x{args.requests} per run, {args.concurrency} in flight, {args.rounds} round(s), "
        "bot in its own process, dispatch -> callback:"
    )
    for label, latencies in results.items():
        report(label, latencies)
        if counters.get(label):
            print(f"{'':<16} {counters[label]} (last run)")
    off = percentile(results["store off"], 50)
    for label in targets:
        if label == "store off":
            continue
        ratio = percentile(results[label], 50) / off
        verdict = "met" if ratio <= 1.1 else "MISSED"
        print(f"ratio {label}/off: p50 x{ratio:.3f} (target <= 1.10: {verdict})")
        # How much a busy machine moves the figure: the same ratio, round by round.
        rounds = [on / base for on, base in zip(medians[label], medians["store off"], strict=True)]
        print(f"{'':<16} round by round: " + ", ".join(f"x{r:.2f}" for r in rounds))


def parse_args() -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--postgres", action="store_true", help="also PostgreSQL")
    parser.add_argument(
        "--child", nargs=3, metavar=("URL", "API", "GATEWAY"), help=argparse.SUPPRESS
    )
    return parser.parse_args()


if __name__ == "__main__":
    logging.basicConfig(level=logging.ERROR)
    options = parse_args()
    if options.child:
        child(*options.child)
    else:
        asyncio.run(main(options))

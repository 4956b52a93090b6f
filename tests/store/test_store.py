"""The store on both back ends (SQLite and a real PostgreSQL): schema, writes, reads,
privacy, the reload stamp, two processes at once, and a database that goes away."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from bot.models import Reply, Source
from bot.store import Store, StoreUnavailableError, hash_user, open_store
from bot.store.backends import backend_for
from bot.store.migrations import LATEST, MIGRATIONS, migrate, schema_version
from bot.store.store import DAY
from tests.pgserver import PostgresServer

ROOT = Path(__file__).resolve().parents[2]
ANSWER = Reply("answer", "text", sources=(Source("p1", "S", "T", 3.5),), confidence=0.9)
UNSURE = Reply("answer", "text", sources=(Source("p2", "S", "T", 1.0),), confidence=0.5)
REFUSAL = Reply("refusal", "The article doesn't say.")


async def count(store: Store, table: str) -> int:
    async with store.backend.transaction() as tx:
        ((n,),) = await tx.fetch(f"SELECT COUNT(*) FROM {table}")  # noqa: S608 - fixed names
    return int(n)


def record(store: Store, answer_id: str, user: int, question: str, reply: Reply = ANSWER) -> None:
    assert store.record_answer(answer_id, user, question, reply, kb_version="1", origin="test")


async def test_migrations_from_an_empty_database(store_url: str) -> None:
    backend = backend_for(store_url)
    try:
        assert await schema_version(backend) == 0
        assert await migrate(backend) == [m.version for m in MIGRATIONS]
        assert await schema_version(backend) == LATEST
        assert await migrate(backend) == []  # checked at every start: nothing to do
    finally:
        await backend.close()


async def test_migrations_from_the_previous_version_keep_the_data(store_url: str) -> None:
    backend = backend_for(store_url)
    try:
        assert await migrate(backend, upto=LATEST - 1) == list(range(1, LATEST))
        async with backend.transaction() as tx:
            await tx.execute(
                "INSERT INTO answers (id, created_at, user_hash, origin, question, kind, "
                "kb_version) VALUES ('old', ?, 'u', 'discord', 'an old question', 'refusal', '1')",
                (time.time(),),
            )
    finally:
        await backend.close()
    store = Store(backend_for(store_url), purge_every=0)
    await store.start()
    try:
        assert await schema_version(store.backend) == LATEST
        flagged = await store.flagged(0, 0.7)
        assert [f.question for f in flagged] == ["an old question"]
        assert (await store.publish_kb_version("2")).serial == 1  # a table of migration 2
    finally:
        await store.close()


async def test_answers_and_ratings_are_stored_and_a_second_vote_replaces_the_first(
    store: Store,
) -> None:
    record(store, "a1", 1, "What is ML?")
    record(store, "a2", 1, "Who invented ChatGPT?", REFUSAL)
    record(store, "a3", 2, "How do tokens work?", UNSURE)
    store.record_answer("a4", 2, "hi", Reply("smalltalk", "Hello!"), kb_version="1", origin="t")
    store.rate("a1", 2, 1)
    store.rate("a1", 2, -1, "  too vague  ")
    store.rate("a1", 3, 1)
    assert await store.flush()
    assert await count(store, "answers") == 3  # smalltalk is not logged
    assert await count(store, "answer_sources") == 2
    assert await store.vote_of("a1", 2) == (-1, "too vague")
    assert await store.vote_of("a1", 3) == (1, None)
    assert await store.vote_of("a1", 4) is None
    flagged = {f.answer_id: f for f in await store.flagged(0, 0.7)}
    assert set(flagged) == {"a1", "a2", "a3"}  # rated down, declined, unsure
    assert flagged["a1"].downvotes == 1 and flagged["a1"].reasons == ("too vague",)
    assert flagged["a3"].confidence == 0.5
    assert await store.flagged(time.time() + 60, 0.7) == []


async def test_user_ids_are_stored_as_a_salted_hash_unless_kept(store_url: str) -> None:
    hashed = Store(backend_for(store_url), purge_every=0, salt="pepper")
    await hashed.start()
    record(hashed, "a1", 123456789, "What is ML?")
    assert await hashed.flush()
    async with hashed.backend.transaction() as tx:
        rows = await tx.fetch("SELECT user_hash, user_id FROM answers")
    await hashed.close()
    assert rows == [(hash_user("pepper", "123456789"), None)]
    assert "123456789" not in rows[0][0]
    kept = Store(backend_for(store_url), purge_every=0, salt="pepper", keep_user_ids=True)
    await kept.start()
    record(kept, "a2", 42, "What is AI?")
    assert await kept.flush()
    async with kept.backend.transaction() as tx:
        rows = await tx.fetch("SELECT user_id FROM answers WHERE id = 'a2'")
    await kept.close()
    assert rows == [("42",)]


async def test_the_salt_made_at_first_start_is_shared_through_the_database(
    store_url: str,
) -> None:
    first = Store(backend_for(store_url), purge_every=0)
    second = Store(backend_for(store_url), purge_every=0)
    await first.start()
    await second.start()
    try:
        record(first, "a1", 7, "q")
        assert await first.flush()
        assert (await second.about_user(7)).answers == 1
    finally:
        await first.close()
        await second.close()


async def test_forget_removes_that_users_rows_only(store: Store) -> None:
    record(store, "a1", 1, "q1")
    record(store, "a2", 1, "q2")
    record(store, "b1", 2, "q3")
    store.rate("b1", 1, -1, "wrong")
    store.rate("a1", 2, 1)
    assert await store.flush()
    assert await store.about_user(1) == (await store.about_user(1))  # stable
    mine = await store.about_user(1)
    assert (mine.answers, mine.ratings) == (2, 1) and mine.oldest is not None
    gone = await store.forget_user(1)
    assert gone == 2 + 2 + 1  # two answers, their two source rows, one rating
    assert (await store.about_user(1)).answers == 0
    theirs = await store.about_user(2)
    assert (theirs.answers, theirs.ratings) == (1, 1)
    assert await store.forget_user(1) == 0


async def test_purge_removes_what_is_older_than_the_window(store_url: str) -> None:
    store = Store(backend_for(store_url), purge_every=0, retention_days=30)
    await store.start()
    try:
        record(store, "old", 1, "q1")
        record(store, "new", 1, "q2")
        store.rate("old", 2, -1)
        store.rate("new", 2, 1)
        assert await store.flush()
        long_ago = time.time() - 31 * DAY
        async with store.backend.transaction() as tx:
            await tx.execute("UPDATE answers SET created_at = ? WHERE id = 'old'", (long_ago,))
            await tx.execute(
                "UPDATE ratings SET created_at = ? WHERE answer_id = 'old'", (long_ago,)
            )
        assert await store.purge() == 3  # the answer, its source, its rating
        assert [f.answer_id for f in await store.flagged(0, 0.7)] == []
        assert await count(store, "answers") == 1 and await count(store, "ratings") == 1
        assert await store.purge(now=time.time() + 31 * DAY) == 3
    finally:
        await store.close()


async def test_the_kb_stamp_tells_other_processes_about_a_reload(store_url: str) -> None:
    here = Store(backend_for(store_url), purge_every=0)
    there = Store(backend_for(store_url), purge_every=0)
    await here.start()
    await there.start()
    seen: list[str] = []
    changed = asyncio.Event()

    async def on_change(stamp: object) -> None:
        seen.append(getattr(stamp, "version", ""))
        changed.set()

    try:
        assert await here.kb_stamp() is None
        there.watch_kb(on_change, interval=0.05)
        own: list[object] = []
        here.watch_kb(lambda s: asyncio.sleep(0, own.append(s)), interval=0.05)
        await asyncio.sleep(0.1)
        stamp = await here.publish_kb_version("2026-12-01")
        assert stamp.serial == 1
        await asyncio.wait_for(changed.wait(), 5)
        assert seen == ["2026-12-01"]
        await asyncio.sleep(0.2)
        assert own == []  # a process is not told about its own publish
        assert (await there.kb_stamp()) == (await here.kb_stamp())
    finally:
        await here.close()
        await there.close()


WRITER = textwrap.dedent(
    """
    import asyncio, sys
    from bot.models import Reply, Source
    from bot.store import Store
    from bot.store.backends import backend_for

    async def main(url, tag, n):
        store = Store(backend_for(url), purge_every=0, salt="s")
        await store.start()
        reply = Reply("answer", "t", sources=(Source("p", "S", "T", 1.0),), confidence=0.9)
        for i in range(n):
            store.record_answer(f"{tag}-{i}", i, f"question {i}", reply, kb_version="1",
                                origin=tag)
            store.rate("shared", f"{tag}-{i}", 1 if i % 2 else -1)
            if i % 20 == 0:
                await asyncio.sleep(0)
        try:
            assert await store.flush(60), "not flushed"
        finally:
            await store.close()  # an open connection's thread would keep the process alive
        print(store.stats.written, store.stats.dropped)

    asyncio.run(main(sys.argv[1], sys.argv[2], int(sys.argv[3])))
    """
)


async def test_two_processes_writing_at_once_lose_nothing(store_url: str) -> None:
    store = Store(backend_for(store_url), purge_every=0, salt="s")
    await store.start()  # the schema exists before the race (each would migrate too)
    n = 400
    procs = [
        await asyncio.create_subprocess_exec(
            sys.executable,
            "-c",
            WRITER,
            store_url,
            tag,
            str(n),
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for tag in ("one", "two")
    ]
    try:
        outputs = [await asyncio.wait_for(p.communicate(), 120) for p in procs]
        for proc, (out, err) in zip(procs, outputs, strict=True):
            assert proc.returncode == 0, err.decode()[-2000:]
            assert out.decode().split() == [str(2 * n), "0"]
        assert await count(store, "answers") == 2 * n
        assert await count(store, "answer_sources") == 2 * n
        assert await count(store, "ratings") == 2 * n
    finally:
        for proc in procs:
            if proc.returncode is None:
                proc.kill()
                await proc.wait()
        await store.close()


async def test_sqlite_locked_by_another_writer_queues_then_resumes(tmp_path: Path) -> None:
    import sqlite3

    from bot.store.backends import SqliteBackend

    path = tmp_path / "store.sqlite3"
    store = Store(SqliteBackend(path, busy_timeout_ms=50), purge_every=0)
    await store.start()
    blocker = sqlite3.connect(path, isolation_level=None)
    try:
        blocker.execute("BEGIN EXCLUSIVE")
        for i in range(50):
            record(store, f"a{i}", i, f"q{i}")
        await asyncio.sleep(0.5)
        assert store.stats.failures > 0 and not store.stats.available
        assert not await store.flush(0.1)
        with pytest.raises(StoreUnavailableError):
            await store.flagged(0, 0.7)
        blocker.execute("ROLLBACK")
        assert await store.flush(15)
        assert store.stats.available and store.stats.written == 50
        assert await count(store, "answers") == 50
    finally:
        blocker.close()
        await store.close()


async def test_postgres_going_away_mid_run_queues_writes_that_resume(
    postgres: PostgresServer,
) -> None:
    server = PostgresServer(postgres.bin)  # its own server, to stop and start
    server.start()
    store = Store(backend_for(server.url()), purge_every=0)
    try:
        await store.start()
        for i in range(10):
            record(store, f"a{i}", i, f"q{i}")
        assert await store.flush(10)
        await asyncio.to_thread(server.stop, "immediate")
        for i in range(10, 30):
            record(store, f"a{i}", i, f"q{i}")  # never blocks, never raises
        store.rate("a1", 99, -1, "down while the server was")
        await asyncio.sleep(1.0)
        assert not store.stats.available and store.stats.failures > 0
        with pytest.raises(StoreUnavailableError):
            await store.forget_user(5)
        await asyncio.to_thread(server.start)
        assert await store.flush(30)
        assert store.stats.available
        assert await count(store, "answers") == 30
        assert await store.vote_of("a1", 99) == (-1, "down while the server was")
    finally:
        await store.close()
        server.cleanup()


async def test_a_full_queue_drops_with_a_count(tmp_path: Path) -> None:
    store = Store(backend_for(f"sqlite:///{tmp_path / 's.db'}"), purge_every=0, queue_limit=5)
    kept = [
        store.record_answer(f"a{i}", 1, "q", ANSWER, kb_version="1", origin="t") for i in range(8)
    ]
    assert kept == [True] * 5 + [False] * 3
    assert store.stats.dropped == 3
    await store.start()
    assert await store.flush()
    assert await count(store, "answers") == 5
    await store.close()


async def test_store_questions_false_stores_nothing() -> None:
    from bot.settings import Settings

    off = open_store(Settings(store_questions=False))
    await off.start()
    assert not off.enabled
    assert not off.record_answer("a", 1, "q", ANSWER, kb_version="1", origin="t")
    assert not off.rate("a", 1, 1)
    with pytest.raises(StoreUnavailableError, match="STORE_QUESTIONS=false"):
        await off.flagged(0, 0.7)
    await off.close()


def test_the_store_url_comes_from_the_settings(tmp_path: Path) -> None:
    from bot.settings import Settings

    assert Settings(data_dir=tmp_path).store_url() == f"sqlite:///{tmp_path / 'bot.sqlite3'}"
    assert (
        Settings().store_url({"XDG_DATA_HOME": str(tmp_path)}).endswith("mlgenai-bot/bot.sqlite3")
    )
    url = "postgresql://u:p@h/db"
    assert Settings(database_url=url).store_url() == url
    with pytest.raises(ValueError, match="unsupported database 'mysql'"):
        backend_for("mysql://x")


async def test_flagged_questions_can_be_scoped_to_one_server(store: Store) -> None:
    for n, guild in enumerate((1, 1, 2, None)):
        assert store.record_answer(
            f"a{n}", n, f"q{n}", REFUSAL, kb_version="1", origin="t", guild_id=guild
        )
    store.rate("a0", 5, -1, "in server one")
    store.rate("a2", 5, -1, "in server two")
    assert await store.flush()
    assert [f.answer_id for f in await store.flagged(0, 0.7, guild_id=1)] == ["a0", "a1"]
    (two,) = await store.flagged(0, 0.7, guild_id=2)
    assert two.reasons == ("in server two",)
    assert len(await store.flagged(0, 0.7)) == 4  # the console sees every server


async def test_the_later_vote_wins_whichever_process_writes_it_last(store_url: str) -> None:
    early = Store(backend_for(store_url), purge_every=0, salt="s")
    late = Store(backend_for(store_url), purge_every=0, salt="s")
    early.rate("111", 7, -1, "first thoughts")  # queued, its writer not started yet
    await asyncio.sleep(0.01)
    await late.start()
    try:
        late.rate("111", 7, 1)
        assert await late.flush()
        await early.start()
        assert await early.flush() and early.stats.written == 1
        assert await late.vote_of("111", 7) == (1, None)
    finally:
        await early.close()
        await late.close()

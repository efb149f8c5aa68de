"""G3: the outbox relay draining a backlog of commits, ÷ raw aiokafka produce of the same
messages; and no commit lost when the writer is SIGKILLed between insert and publish.

Per round: a fresh database gets `BENCH_G3_COMMITS` single-event commits built by
`EventStore.append` (inserted in bulk, no publisher), a fresh topic gets the same messages from a
raw producer (the baseline), then `OutboxRelay` drains the backlog to another fresh topic.
The relay runs batch by batch within `BENCH_G3_BUDGET` seconds: on FerretDB a drain can take
far longer than any budget (see README), and a partial drain is reported as such, never as met.
"""

from __future__ import annotations

import asyncio
import os
import random
import signal
import sys
import time
from datetime import timedelta
from typing import Any

from pymongo import AsyncMongoClient
from pymongo.asynchronous.database import AsyncDatabase

from bench import kafkatools
from bench.baselines import produce_rate
from bench.harness import (
    REPO_ROOT,
    Result,
    Round,
    Settings,
    arun,
    detect_database,
    env_float,
    env_int,
    ratio_result,
    unique_name,
    write_result,
)
from bench.workload import PRODUCER, REGISTRY, build_commits, messages
from orga_shared.eventstore.store import EventStore
from orga_shared.messaging.outbox import OutboxPublisher, OutboxRelay
from orga_shared.messaging.producer import make_producer
from orga_shared.observability import configure_logging

GOAL = "relay ÷ raw produce ≥ 0.5, backlog fully drained, 0 lost after SIGKILL"
Client = AsyncMongoClient[dict[str, Any]]


async def insert_backlog(db: AsyncDatabase[dict[str, Any]], docs: list[dict[str, Any]]) -> float:
    """Indexes as the service creates them, then the documents in bulk; seconds taken."""
    await EventStore(db, producer=PRODUCER, topic="-", registry=REGISTRY).ensure_indexes()
    started = time.perf_counter()
    for i in range(0, len(docs), 5_000):
        await db["commits"].insert_many(docs[i : i + 5_000], ordered=False)
    return time.perf_counter() - started


async def drain(relay: OutboxRelay, budget: float) -> tuple[int, float, bool, list[float]]:
    """`OutboxRelay.drain`, one `run_once` at a time so a budget can stop it between batches
    (or cancel the batch in flight, whose commits then stay unmarked and are not counted)."""
    relayed, batches = 0, list[float]()
    started = time.perf_counter()
    while (left := budget - (time.perf_counter() - started)) > 0:
        t0 = time.perf_counter()
        try:
            n = await asyncio.wait_for(relay.run_once(), left)
        except TimeoutError:
            return relayed, time.perf_counter() - started, False, batches
        if n == 0:
            return relayed, time.perf_counter() - started, True, batches
        batches.append(time.perf_counter() - t0)
        relayed += n
    return relayed, time.perf_counter() - started, False, batches


async def relay_round(
    settings: Settings, client: Client, n: int, batch_size: int, budget: float
) -> Round:
    boot = settings.kafka_bootstrap
    name = unique_name("g3")
    async with (
        kafkatools.fresh_topic(boot, "g3_raw", settings.partitions) as raw_topic,
        kafkatools.fresh_topic(boot, "g3_relay", settings.partitions) as relay_topic,
    ):
        try:
            docs, commits = await build_commits(n, relay_topic)
            insert_s = await insert_backlog(client[name], docs)
            raw = await produce_rate(boot, raw_topic, list(messages(commits)))
            producer = make_producer(boot, "bench-g3-relay")
            await producer.start()
            try:
                relay = OutboxRelay(
                    OutboxPublisher(client[name]["commits"], producer),
                    grace=timedelta(0),
                    batch_size=batch_size,
                )
                relayed, seconds, complete, batches = await drain(relay, budget)
            finally:
                await producer.stop()
            on_topic = await kafkatools.event_ids(boot, relay_topic)
        finally:
            await client.drop_database(name)
    expected = {e["event_id"] for d in docs for e in d["events"]}
    found = set(on_topic)
    details = {
        "commits": n,
        "relayed": relayed,
        "complete": complete,
        "relay_seconds": round(seconds, 2),
        "batches": len(batches),
        "batch_seconds_first_median_last": _spread(batches),
        "messages_on_topic": len(on_topic),
        "missing_on_topic": len(expected - found),
        "backlog_insert_docs_per_s": round(n / insert_s),
    }
    print(f"  round: {details}, raw {raw:,.0f} msg/s", flush=True)
    return Round(value=relayed / seconds if seconds else 0.0, baseline=raw, details=details)


def _spread(values: list[float]) -> list[float]:
    if not values:
        return []
    return [round(values[0], 3), round(sorted(values)[len(values) // 2], 3), round(values[-1], 3)]


async def crash_check(
    settings: Settings, client: Client, n: int, concurrency: int
) -> dict[str, Any]:
    """SIGKILL a writer mid-way, relay what it left, compare stored events with the topic."""
    boot = settings.kafka_bootstrap
    name = unique_name("g3_crash")
    kill_at = random.randint(int(n * 0.3), int(n * 0.7))
    async with kafkatools.fresh_topic(boot, "g3_crash", settings.partitions) as topic:
        try:
            db = client[name]
            await EventStore(db, producer=PRODUCER, topic=topic, registry=REGISTRY).ensure_indexes()
            progress = await _run_and_kill(settings, name, topic, n, concurrency, kill_at)
            await asyncio.sleep(1.0)  # let bytes already in the socket reach the broker
            stored = {e["event_id"] async for e in _stored_events(db)}
            unmarked = await db["commits"].count_documents({"published": False})
            before = set(await kafkatools.event_ids(boot, topic))
            producer = make_producer(boot, "bench-g3-crash-relay")
            await producer.start()
            try:
                relay = OutboxRelay(OutboxPublisher(db["commits"], producer), grace=timedelta(0))
                relayed = await relay.drain()
            finally:
                await producer.stop()
            after = await kafkatools.event_ids(boot, topic)
        finally:
            await client.drop_database(name)
    found = set(after)
    report = {
        "commits_planned": n,
        "writer_concurrency": concurrency,
        "killed_after_appends": progress["stored"],
        "writer_errors": progress["errors"],
        "stored_commits": len(stored),
        "unmarked_at_kill": unmarked,
        "stored_not_on_topic_at_kill": len(stored - before),
        "relayed_after_kill": relayed,
        "messages_on_topic": len(after),
        "duplicates": len(after) - len(found),
        "lost": len(stored - found),
        "unknown_on_topic": len(found - stored),
    }
    print(f"  crash: {report}", flush=True)
    return report


async def _stored_events(db: AsyncDatabase[dict[str, Any]]) -> Any:
    async for doc in db["commits"].find({}, {"events.event_id": 1}):
        for event in doc["events"]:
            yield event


async def _run_and_kill(
    settings: Settings, database: str, topic: str, n: int, concurrency: int, kill_at: int
) -> dict[str, int]:
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bench.outbox_writer",
        "--mongo-url",
        settings.mongo_url,
        "--database",
        database,
        "--bootstrap",
        settings.kafka_bootstrap,
        "--topic",
        topic,
        "--commits",
        str(n),
        "--concurrency",
        str(concurrency),
        cwd=REPO_ROOT,
        stdout=asyncio.subprocess.PIPE,
        env=dict(os.environ),
    )
    assert proc.stdout is not None
    stored = errors = 0
    deadline = time.monotonic() + env_float("BENCH_G3_CRASH_TIMEOUT", 600)
    try:
        while stored < kill_at and time.monotonic() < deadline:
            line = await asyncio.wait_for(proc.stdout.readline(), deadline - time.monotonic())
            if not line:
                raise RuntimeError(f"writer exited ({await proc.wait()}) before the kill")
            word, _, rest = line.decode().partition(" ")
            if word == "stored":
                stored = int(rest)
            elif word == "error":
                errors += 1
    finally:
        if proc.returncode is None:
            proc.send_signal(signal.SIGKILL)
        await proc.wait()
    if stored < kill_at:
        raise TimeoutError(f"writer reached {stored} of {kill_at} appends before the deadline")
    return {"stored": stored, "errors": errors}


async def measure(settings: Settings) -> Result:
    configure_logging("bench", level="WARNING")
    n = env_int("BENCH_G3_COMMITS", 100_000)
    batch_size = env_int("BENCH_G3_BATCH", 500)
    budget = env_float("BENCH_G3_BUDGET", 600)
    client: Client = AsyncMongoClient(settings.mongo_url)
    try:
        database = await detect_database(client)
        print(f"G3: {n} commits, batch {batch_size}, budget {budget:.0f} s, {database}", flush=True)
        rounds = []
        for i in range(1, settings.rounds + 1):
            print(f"G3 round {i}/{settings.rounds}", flush=True)
            rounds.append(await relay_round(settings, client, n, batch_size, budget))
        crash = await crash_check(
            settings,
            client,
            env_int("BENCH_G3_CRASH_COMMITS", 2_000),
            env_int("BENCH_G3_CRASH_CONCURRENCY", 16),
        )
    finally:
        await client.close()
    complete = all(r.details["complete"] and r.details["missing_on_topic"] == 0 for r in rounds)
    return ratio_result(
        "G3",
        rounds,
        unit="msg/s",
        goal=GOAL,
        met=lambda ratio, _: ratio >= 0.5 and complete and crash["lost"] == 0,
        details={
            "backlog_commits": n,
            "events_per_commit": 1,
            "relay_batch_size": batch_size,
            "budget_s": budget,
            "all_drains_complete": complete,
            "lost_after_sigkill": crash["lost"],
            "crash": crash,
            "database": database,
        },
    )


def run() -> Result:
    result = arun(measure(Settings()))
    print(f"written {write_result(result)}")
    return result

"""G5: replay determinism: the documents the live projector wrote while events arrived, a replay
with batch 1 and a replay with batch 500 must be equal (0 differing documents).

Per round: a fresh topic; the live projector (`Projector.run`) starts on an empty topic and
follows `BENCH_G5_EVENTS` events produced in `BENCH_G5_CHUNKS` chunks; then `replay()` builds a
generation of the same topic twice, batch 1 and batch 500, each in its own database. value = the
most differing documents over the pairs (live–batch 1, live–batch 500, batch 1–batch 500).
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

from pymongo import AsyncMongoClient

from analytics.adapters.projector import Projector
from analytics.application.projection import Generation
from analytics.bootstrap import projections
from analytics.config import Settings as AnalyticsSettings
from analytics.entrypoints.replay import replay
from bench import kafkatools
from bench.harness import (
    Result,
    Settings,
    arun,
    detect_database,
    env_int,
    unique_name,
    write_result,
)
from bench.projection import REAL, differing, documents, produce_history
from orga_shared.observability import configure_logging

GOAL = "0 differing documents: live vs replay (batch 1) vs replay (batch 500)"
BASES = ("campaigns", "participations", "roster", "participants", "counters", "days")
Client = AsyncMongoClient[dict[str, Any]]


async def live_run(settings: Settings, client: Client, db: str, topic: str, n: int, chunks: int):
    gen = Generation(client[db], "g1")
    projector = Projector(
        settings.kafka_bootstrap,
        [topic],
        f"bench.{db}.live",
        projections(AnalyticsSettings()),
        gen,
        batch_size=500,
    )
    stop = asyncio.Event()
    task = asyncio.create_task(projector.run(stop))
    size = n // chunks
    for i in range(chunks):
        count = size if i < chunks - 1 else n - size * (chunks - 1)
        await produce_history(settings.kafka_bootstrap, topic, count, seed=100 + i)
        await asyncio.sleep(0.2)
    deadline = time.monotonic() + 600
    while not (projector.progress.applied >= n and projector.progress.caught_up):
        if time.monotonic() > deadline or task.done():
            break
        await asyncio.sleep(0.2)
    stop.set()
    await task
    return await documents(gen, BASES), projector.progress.applied


async def replayed(settings: Settings, client: Client, topic: str, batch: int):
    name = unique_name(f"g5b{batch}")
    try:
        outcome = await replay(
            client[name],
            bootstrap=settings.kafka_bootstrap,
            topics=[topic],
            projections=projections(AnalyticsSettings()),
            batch_size=batch,
            drop_grace_seconds=0,
            group_prefix=f"bench.{name}",
        )
        docs = await documents(Generation(client[name], outcome.generation), BASES)
        return docs, outcome.seconds
    finally:
        await client.drop_database(name)


async def one_round(settings: Settings, client: Client, n: int, chunks: int) -> dict[str, Any]:
    db = unique_name("g5live")
    async with kafkatools.fresh_topic(settings.kafka_bootstrap, "g5", settings.partitions) as topic:
        try:
            live, applied = await live_run(settings, client, db, topic, n, chunks)
        finally:
            await client.drop_database(db)
        one, one_s = await replayed(settings, client, topic, 1)
        many, many_s = await replayed(settings, client, topic, 500)
    pairs = {
        "live_vs_batch1": differing(live, one),
        "live_vs_batch500": differing(live, many),
        "batch1_vs_batch500": differing(one, many),
    }
    print(
        f"  {len(live):,} documents, live applied {applied:,}; differing {pairs}"
        f" (replays {one_s:.1f} s / {many_s:.1f} s)",
        flush=True,
    )
    return {
        "differing": max(pairs.values()),
        "documents": len(live),
        "live_applied": applied,
        **pairs,
        "replay_batch1_s": round(one_s, 2),
        "replay_batch500_s": round(many_s, 2),
    }


async def measure(settings: Settings) -> Result:
    configure_logging("bench", level="WARNING")
    n = env_int("BENCH_G5_EVENTS", 10_000)
    chunks = env_int("BENCH_G5_CHUNKS", 10)
    client: Client = AsyncMongoClient(settings.mongo_url, tz_aware=True)
    try:
        database = await detect_database(client)
        print(f"G5: {n:,} events in {chunks} chunks, {database}", flush=True)
        rounds = []
        for i in range(1, settings.rounds + 1):
            print(f"G5 round {i}/{settings.rounds}", flush=True)
            rounds.append(await one_round(settings, client, n, chunks))
    finally:
        await client.close()
    worst = max(r["differing"] for r in rounds)
    docs = rounds[0]["documents"]
    return Result(
        id="G5",
        value=worst,
        unit="documents",
        baseline=docs,
        ratio=worst / docs if docs else None,
        goal=GOAL,
        met=worst == 0 and all(r["live_applied"] == n for r in rounds),
        details={
            "events": n,
            "chunks": chunks,
            "projections": REAL,
            "database": database,
        },
        rounds=[{"value": r["differing"], "baseline": r["documents"], **r} for r in rounds],
    )


def run() -> Result:
    result = arun(measure(Settings()))
    print(f"written {write_result(result)}")
    return result

"""G4: analytics' replay of `BENCH_G4_EVENTS` events (1,000,000) ÷ raw aiokafka consume+decode
of the same topic (`baselines.consume_decode_rate`), back to back in each round.

The topic is filled once; each round reads it raw (the baseline), then runs the replay command's
`replay()` into a fresh database: new generation, new consumer group from the earliest offsets,
switch. value = events ÷ replay seconds (group join and switch included).
"""

from __future__ import annotations

from typing import Any

from pymongo import AsyncMongoClient

from analytics.bootstrap import projections
from analytics.config import Settings as AnalyticsSettings
from analytics.entrypoints.replay import replay
from bench import kafkatools
from bench.baselines import consume_decode_rate
from bench.harness import (
    Result,
    Round,
    Settings,
    arun,
    detect_database,
    env_int,
    ratio_result,
    unique_name,
    write_result,
)
from bench.projection import REAL, produce_history
from orga_shared.events.envelope import Envelope
from orga_shared.events.registry import EVENTS
from orga_shared.observability import configure_logging

GOAL = "replay ÷ raw consume+decode ≥ 0.1 on FerretDB (≥ 0.3 on MongoDB)"
Client = AsyncMongoClient[dict[str, Any]]


def decode_real(record: Any) -> None:
    """The baseline decodes what the replay decodes: envelope, then the payload's model."""
    EVENTS.decode(Envelope.from_json_bytes(record.value))


async def replay_round(settings: Settings, client: Client, topic: str, n: int, batch: int) -> Round:
    raw = await consume_decode_rate(settings.kafka_bootstrap, topic, decode_real)
    name = unique_name("g4")
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
    finally:
        await client.drop_database(name)
    p = outcome.progress
    value = p.applied / outcome.seconds
    print(
        f"  raw {raw:,.0f} msg/s, replay {value:,.0f} events/s ({outcome.seconds:.1f} s)",
        flush=True,
    )
    details = {
        "replay_s": round(outcome.seconds, 2),
        "applied": p.applied,
        "undecodable": p.undecodable,
    }
    return Round(value=value, baseline=raw, details=details)


async def measure(settings: Settings) -> Result:
    configure_logging("bench", level="WARNING")
    n = env_int("BENCH_G4_EVENTS", 1_000_000)
    batch = env_int("BENCH_G4_BATCH", 500)
    client: Client = AsyncMongoClient(settings.mongo_url, tz_aware=True)
    try:
        database = await detect_database(client)
        print(f"G4: {n:,} events, batch {batch}, {database}", flush=True)
        async with kafkatools.fresh_topic(
            settings.kafka_bootstrap, "g4", settings.partitions
        ) as topic:
            await produce_history(settings.kafka_bootstrap, topic, n)
            rounds = []
            for i in range(1, settings.rounds + 1):
                print(f"G4 round {i}/{settings.rounds}", flush=True)
                rounds.append(await replay_round(settings, client, topic, n, batch))
    finally:
        await client.close()
    complete = all(r.details["applied"] == n for r in rounds)
    return ratio_result(
        "G4",
        rounds,
        unit="events/s",
        goal=GOAL,
        met=lambda ratio, _: ratio >= 0.1 and complete,
        details={
            "events": n,
            "batch_size": batch,
            "partitions": settings.partitions,
            "projections": REAL,
            "all_applied": complete,
            "database": database,
        },
    )


def run() -> Result:
    result = arun(measure(Settings()))
    print(f"written {write_result(result)}")
    return result

"""G7: poison messages, one in 10,000, through a real service consumer.

The consumer is the campaign service's own read-model subscription (`campaign.adapters.views.
MongoViews.apply` on the kernel's `EventSubscription`, as `campaign.bootstrap` wires it: the
`processed_events` idempotency check, version-guarded upserts of `campaigns` and
`campaign_codes`, the mark, the offset commit). A run reads `BENCH_G7_MESSAGES` (100,000)
campaign events (a `CampaignCreated` then a `CampaignUpdated` per campaign) from a fresh topic
of `ORGA_TOPIC_PARTITIONS` partitions. In the poison run, one message in `BENCH_G7_EVERY`
(10,000) is replaced by a poison, the three kinds in turn:

- `undecodable`: the first half of an envelope's JSON (a truncated write);
- `unknown_version`: a `CampaignCreated` of a version newer than this consumer knows;
- `handler_raises`: a `CampaignArchived` of a campaign that was never created, on which
  `MongoViews` raises (`KeyError: 'code'`: the archived document has no code to update).

value = the poison run's throughput ÷ the clean run's (goal ≥ 0.9; docs/benchmarks.md), runs
interleaved clean/poison/clean/poison (`BENCH_ROUNDS` pairs) since the machine is shared;
`dead_lettered_ratio` = poison messages found on `<topic>.dlq` with the expected error and
source offset ÷ injected (goal 1.0), and every good message must be applied.
Throughput is timed from the first handled message to the last (group join left out).
`BENCH_G7_ORDER=concurrent` runs each pair's two runs at the same time instead (same load on
both; written to `G7_concurrent.json`).
"""

from __future__ import annotations

import asyncio
import logging
import os
import time
import uuid
from dataclasses import dataclass
from typing import Any

from faststream.kafka import KafkaBroker
from pymongo import AsyncMongoClient

from bench import kafkatools
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
from campaign.adapters.views import MongoViews
from campaign.bootstrap import CAMPAIGN_EVENT_TYPES
from orga_shared.contracts.campaign import CampaignCreated
from orga_shared.events.envelope import Envelope
from orga_shared.events.registry import EVENTS
from orga_shared.messaging.consumer import EventSubscription
from orga_shared.messaging.producer import make_producer
from orga_shared.messaging.topics import dlq, ensure_topics, history
from orga_shared.observability import configure_logging

GOAL = "dead-lettered ÷ injected = 1.0 and throughput with poison ÷ clean run ≥ 0.9"
KINDS = ("undecodable", "unknown_version", "handler_raises")
EXPECTED_ERROR = {
    "undecodable": "ValidationError",
    "unknown_version": "UnknownEventType",
    "handler_raises": "KeyError",
}
Client = AsyncMongoClient[dict[str, Any]]
CONCURRENT = os.environ.get("BENCH_G7_ORDER", "interleaved") == "concurrent"
"""`concurrent`: each pair's clean and poison runs at the same time (two topics, two groups,
two databases), so both see the same load from the machine's other users."""


def _envelope(event_type: str, version: int, stream: str, n: int, payload: dict) -> Envelope:
    return Envelope(
        event_type=event_type,
        schema_version=version,
        stream_id=stream,
        stream_version=n,
        producer="campaign",
        correlation_id=f"bench-{stream}",
        payload=payload,
    )


def _created(campaign: str, version: int = 1) -> Envelope:
    return _envelope(
        "CampaignCreated",
        version,
        f"campaign-{campaign}",
        1,
        {
            "campaign_id": campaign,
            "organisation_id": f"org-{campaign[:2]}",
            "code": f"C{campaign[:9].upper()}",
            "name": f"Campagne {campaign[:6]}",
            "type": "ASSESSMENT",
            "landing_text": "Bienvenue sur **la campagne**.",
            "creator_id": "u-1",
            "owner_id": "u-1",
        },
    )


def _updated(campaign: str) -> Envelope:
    return _envelope(
        "CampaignUpdated",
        1,
        f"campaign-{campaign}",
        2,
        {
            "campaign_id": campaign,
            "organisation_id": f"org-{campaign[:2]}",
            "updated_by": "u-1",
            "name": f"Campagne renommée {campaign[:6]}",
        },
    )


def _poison(kind: str) -> tuple[bytes, str]:
    campaign = uuid.uuid4().hex
    if kind == "undecodable":
        raw = _created(campaign).to_json_bytes()
        return raw[: len(raw) // 2], campaign
    if kind == "unknown_version":
        newer = EVENTS.latest_version(CampaignCreated.event_type) + 1
        return _created(campaign, version=newer).to_json_bytes(), campaign
    archived = _envelope(
        "CampaignArchived",
        1,
        f"campaign-{campaign}",
        3,
        {"campaign_id": campaign, "organisation_id": "org-x", "archived_by": "u-1"},
    )
    return archived.to_json_bytes(), campaign


@dataclass
class Workload:
    messages: list[tuple[bytes, bytes]]  # (key, value) in produce order
    poison: dict[int, str]  # index in `messages` -> kind
    renamed: int  # campaigns created then updated by the good messages


def workload(n: int, every: int, poisoned: bool) -> Workload:
    """`n` messages; poisoned: message `k * every + every // 2` is the k-th poison."""
    messages: list[tuple[bytes, bytes]] = []
    poison: dict[int, str] = {}
    pending: str | None = None  # a created campaign whose update comes next
    renamed = 0
    for i in range(n):
        if poisoned and i % every == every // 2:
            kind = KINDS[len(poison) % len(KINDS)]
            value, key = _poison(kind)
            poison[i] = kind
            messages.append((key.encode(), value))
        elif pending is None:
            pending = uuid.uuid4().hex
            messages.append((pending.encode(), _created(pending).to_json_bytes()))
        else:
            messages.append((pending.encode(), _updated(pending).to_json_bytes()))
            pending, renamed = None, renamed + 1
    return Workload(messages, poison, renamed)


async def produce(bootstrap: str, topic: str, load: Workload) -> dict[int, tuple[int, int]]:
    """Every message, in order; index of each poison -> (partition, offset)."""
    producer = make_producer(bootstrap, "bench-g7", linger_ms=20, max_batch_size=512 * 1024)
    await producer.start()
    where: dict[int, tuple[int, int]] = {}
    try:
        chunk = 5_000
        for start in range(0, len(load.messages), chunk):
            futures = [
                (start + j, await producer.send(topic, value, key=key))
                for j, (key, value) in enumerate(load.messages[start : start + chunk])
            ]
            for index, future in futures:
                meta = await future
                if index in load.poison:
                    where[index] = (meta.partition, meta.offset)
    finally:
        await producer.stop()
    return where


async def consume(settings: Settings, client: Client, topic: str, n: int) -> dict[str, Any]:
    """The campaign read-model subscription over the topic until every message was handled."""
    db = client[unique_name("g7")]
    views = MongoViews(db)
    await views.ensure_indexes()
    producer = make_producer(settings.kafka_bootstrap, "bench-g7-dlq")
    await producer.start()
    # FastStream's access log ("Received", "Processed") per message at DEBUG: below its INFO.
    broker = KafkaBroker(settings.kafka_bootstrap, graceful_timeout=20, log_level=logging.DEBUG)
    sub = EventSubscription(
        name="campaign-views",
        topics=[topic],
        group_id=f"bench.{topic}.views",
        handler=views.apply,
        registry=EVENTS,
        processed=db["processed_events"],
        dlq_producer=producer,
        event_types=CAMPAIGN_EVENT_TYPES,
    )
    sub.attach(broker)
    p = sub.progress
    try:
        await broker.start()
        deadline = time.monotonic() + env_int("BENCH_G7_BUDGET", 1800)
        first = None
        while p.processed + p.dead_lettered < n:
            if time.monotonic() > deadline:
                raise TimeoutError(f"G7: {p.processed + p.dead_lettered} of {n} handled")
            if first is None and p.processed + p.dead_lettered > 0:
                first = (time.perf_counter(), p.processed + p.dead_lettered)
            await asyncio.sleep(0.02)
        last = time.perf_counter()
        renamed = await db["campaigns"].count_documents({"version": 2})
    finally:
        await broker.stop()
        await producer.stop()
        await client.drop_database(db.name)
    assert first is not None
    seconds = last - first[0]
    return {
        "throughput": (n - first[1]) / seconds,
        "seconds": round(seconds, 2),
        "applied": p.processed,
        "dead_lettered": p.dead_lettered,
        "duplicates": p.duplicates,
        "retries": p.retries,
        "renamed": renamed,
    }


async def dead_letters(bootstrap: str, topic: str) -> dict[tuple[int, int], str]:
    """`<topic>.dlq`: source (partition, offset) -> error type."""
    found: dict[tuple[int, int], str] = {}

    def keep(record: Any) -> None:
        headers = dict(record.headers)
        _, partition, offset = headers["dlq.source"].decode().rsplit(":", 2)
        found[(int(partition), int(offset))] = headers["dlq.error_type"].decode()

    await kafkatools.consume(bootstrap, topic, keep)
    return found


async def one_run(settings: Settings, client: Client, n: int, every: int, poisoned: bool):
    load = workload(n, every, poisoned)
    async with kafkatools.fresh_topic(settings.kafka_bootstrap, "g7", settings.partitions) as t:
        await ensure_topics(settings.kafka_bootstrap, [history(dlq(t), 1)])
        try:
            where = await produce(settings.kafka_bootstrap, t, load)
            run = await consume(settings, client, t, n)
            letters = await dead_letters(settings.kafka_bootstrap, dlq(t)) if poisoned else {}
        finally:
            await kafkatools.delete_topic(settings.kafka_bootstrap, dlq(t))
    per_kind = {kind: [0, 0] for kind in KINDS}  # injected, dead-lettered with its error
    for index, kind in load.poison.items():
        per_kind[kind][0] += 1
        per_kind[kind][1] += letters.get(where[index]) == EXPECTED_ERROR[kind]
    good = n - len(load.poison)
    run.update(
        injected=len(load.poison),
        found_in_dlq=sum(ok for _, ok in per_kind.values()),
        dlq_messages=len(letters),
        per_kind={k: {"injected": a, "dead_lettered": b} for k, (a, b) in per_kind.items()},
        good=good,
        all_good_applied=run["applied"] == good and run["renamed"] == load.renamed,
    )
    label = "poison" if poisoned else "clean "
    print(
        f"  {label} {run['throughput']:,.0f} msg/s ({run['seconds']} s); applied"
        f" {run['applied']:,}/{good:,}; dead-lettered {run['found_in_dlq']}/{len(load.poison)}"
        f" {run['per_kind'] if poisoned else ''}; load {os.getloadavg()[0]:.2f}",
        flush=True,
    )
    return run


async def measure(settings: Settings) -> Result:
    configure_logging("bench", level="CRITICAL")
    n = env_int("BENCH_G7_MESSAGES", 100_000)
    every = env_int("BENCH_G7_EVERY", 10_000)
    client: Client = AsyncMongoClient(settings.mongo_url, tz_aware=True)
    rounds: list[Round] = []
    clean_runs: list[dict[str, Any]] = []
    poison_runs: list[dict[str, Any]] = []
    try:
        database = await detect_database(client)
        print(
            f"G7: {n:,} messages, 1 poison in {every:,}, {settings.partitions} partitions,"
            f" {database}; {settings.rounds} clean/poison pairs",
            flush=True,
        )
        for i in range(1, settings.rounds + 1):
            print(f"G7 pair {i}/{settings.rounds}", flush=True)
            if CONCURRENT:
                clean, poison = await asyncio.gather(
                    one_run(settings, client, n, every, poisoned=False),
                    one_run(settings, client, n, every, poisoned=True),
                )
            else:
                clean = await one_run(settings, client, n, every, poisoned=False)
                poison = await one_run(settings, client, n, every, poisoned=True)
            clean_runs.append(clean)
            poison_runs.append(poison)
            rounds.append(
                Round(
                    poison["throughput"],
                    clean["throughput"],
                    {
                        "dead_lettered_ratio": poison["found_in_dlq"] / poison["injected"],
                        "clean": clean,
                        "poison": poison,
                    },
                )
            )
    finally:
        await client.close()
    injected = sum(r["injected"] for r in poison_runs)
    found = sum(r["found_in_dlq"] for r in poison_runs)
    dead_ratio = found / injected if injected else float("nan")
    all_applied = all(r["all_good_applied"] for r in clean_runs + poison_runs)
    extra = sum(r["dlq_messages"] - r["found_in_dlq"] for r in poison_runs)
    return ratio_result(
        "G7",
        rounds,
        unit="msg/s",
        goal=GOAL,
        met=lambda ratio, _: ratio >= 0.9 and dead_ratio == 1.0 and all_applied and extra == 0,
        details={
            "dead_lettered_ratio": dead_ratio,
            "injected": injected,
            "dead_lettered_with_error": found,
            "unexpected_dead_letters": extra,
            "all_good_messages_applied": all_applied,
            "messages_per_run": n,
            "poison_every": every,
            "partitions": settings.partitions,
            "consumer": "campaign.adapters.views.MongoViews.apply on EventSubscription",
            "order": "clean and poison at the same time, each pair"
            if CONCURRENT
            else "clean, poison, clean, poison, ... (interleaved)",
            "database": database,
        },
    )


def run() -> Result:
    result = arun(measure(Settings()))
    print(f"written {write_result(result, 'G7_concurrent' if CONCURRENT else 'G7')}")
    return result

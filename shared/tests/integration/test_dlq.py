"""Poison messages, the dead-letter list and its replay, on the real Kafka and the real database
(docs/adr/0020-dead-letters-and-replay.md)."""

from __future__ import annotations

import asyncio
import functools
import json
import os
import sys
import uuid
from typing import Any

import pytest
from pymongo import AsyncMongoClient

from orga_shared.events import DomainEvent, Envelope, EventRegistry
from orga_shared.messaging.consumer import REPLAYED_FROM, EventSubscription
from orga_shared.messaging.dlq import list_dead_letters, replay_dead_letters
from orga_shared.messaging.producer import make_producer
from orga_shared.messaging.topics import dlq
from orga_shared.testing import sample_events
from orga_shared.testing.fixtures import eventually, read_topic
from orga_shared.testing.sample_events import counter_envelope
from orga_shared.testing.subscriptions import consuming

pytestmark = pytest.mark.integration


class CounterIncrementedV3(DomainEvent):
    """A version a newer producer writes before the consumers know it."""

    event_type = "test.CounterIncremented"
    schema_version = 3

    counter_id: str
    by: int
    reason: str
    source: str


def upgraded_registry() -> EventRegistry:
    """The sample registry after the consumer's upgrade: it knows v3."""
    fixed = EventRegistry()
    for model in sample_events.registry:
        fixed.register(model)
    fixed.register(CounterIncrementedV3)
    fixed.upcaster("test.CounterIncremented", 1)(lambda p: {**p, "reason": "inconnue"})
    fixed.upcaster("test.CounterIncremented", 2)(lambda p: {**p, "source": "v2"})
    return fixed


class Totals:
    """A projection (sum of increments per counter, $inc) with a bug on reason "boom" until
    fixed; `calls` counts handler calls per event id."""

    def __init__(self, db: Any, broken: bool) -> None:
        self.coll = db[f"totals_{uuid.uuid4().hex[:6]}"]
        self.broken = broken
        self.calls: dict[str, int] = {}

    async def handle(self, envelope: Envelope, event: DomainEvent) -> None:
        self.calls[envelope.event_id] = self.calls.get(envelope.event_id, 0) + 1
        counter_id, by, reason = (getattr(event, f) for f in ("counter_id", "by", "reason"))
        if self.broken and reason == "boom":
            raise ValueError(f"raison inattendue : {reason}")
        await self.coll.update_one(
            {"_id": counter_id}, {"$inc": {"total": by, "applied": 1}}, upsert=True
        )

    async def total(self, counter: str) -> tuple[int, int]:
        doc = await self.coll.find_one({"_id": counter}) or {}
        return doc.get("total", 0), doc.get("applied", 0)


FAST = {"backoff_seconds": 0.05, "max_backoff_seconds": 0.5}


def envelope(stream: str, by: int, reason: str, version: int = 2) -> Envelope:
    payload: dict[str, Any] = {"counter_id": stream, "by": by, "reason": reason}
    if version == 3:
        payload["source"] = "nouveau producteur"
    return counter_envelope(stream, payload, schema_version=version)


async def produce(bootstrap: str, topic: str, messages: list[bytes]) -> None:
    producer = make_producer(bootstrap, "poison-writer")
    await producer.start()
    try:
        for value in messages:
            await producer.send_and_wait(topic, value, key=b"k", headers=[("origin", b"test")])
    finally:
        await producer.stop()


def cli(bootstrap: str, *args: str) -> asyncio.Future[tuple[int, str, str]]:
    async def run() -> tuple[int, str, str]:
        proc = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "orga_shared.messaging.dlq",
            "--bootstrap",
            bootstrap,
            *args,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            env={**os.environ},
        )
        out, err = await asyncio.wait_for(proc.communicate(), 120)
        return proc.returncode or 0, out.decode(), err.decode()

    return asyncio.ensure_future(run())


async def test_each_poison_kind_is_dead_lettered_listed_and_replayed_once(
    infra, db, new_topic
) -> None:
    topic = await new_topic(partitions=1)
    dead = dlq(topic)
    stream = f"counter-{uuid.uuid4().hex[:8]}"
    newer = envelope(stream, 100, "version 3", version=3)
    boom = envelope(stream, 1000, "boom")
    goods = [envelope(stream, by, "ok") for by in (1, 2, 4, 8)]
    await produce(
        infra.kafka_bootstrap,
        topic,
        [
            goods[0].to_json_bytes(),
            b"\xffpas du json",
            goods[1].to_json_bytes(),
            newer.to_json_bytes(),
            goods[2].to_json_bytes(),
            boom.to_json_bytes(),
            goods[3].to_json_bytes(),
        ],
    )
    group_a, group_b = f"a-{uuid.uuid4().hex[:6]}", f"b-{uuid.uuid4().hex[:6]}"
    on = functools.partial(consuming, infra, db, topic, **FAST)
    broken = Totals(db, broken=True)
    healthy = Totals(db, broken=False)  # group B: already upgraded, no bug
    async with (
        on(broken.handle, group=group_a, registry=sample_events.registry) as a,
        on(healthy.handle, group=group_b, registry=upgraded_registry()) as b,
    ):
        assert await eventually(lambda: _done(a, 4, 3))
        assert await eventually(lambda: _done(b, 6, 1))
    assert await broken.total(stream) == (15, 4)  # the good ones around the poison
    assert await healthy.total(stream) == (1115, 6)
    assert broken.calls[boom.event_id] == 1  # dead-lettered at once, no sleeping retries
    assert a.progress.retries == 0

    letters = await list_dead_letters(infra.kafka_bootstrap, dead)
    assert sorted((d.consumer_group, d.error_type, d.event_id or "") for d in letters) == sorted(
        [
            (group_a, "ValidationError", ""),
            (group_b, "ValidationError", ""),
            (group_a, "UnknownEventType", newer.event_id),
            (group_a, "ValueError", boom.event_id),
        ]
    )
    by_kind = {d.error_type: d for d in letters if d.consumer_group == group_a}
    assert "v3 is newer than v2" in (by_kind["UnknownEventType"].error or "")
    assert "raison inattendue : boom" in (by_kind["ValueError"].error or "")
    assert by_kind["ValueError"].attempts == 1
    assert by_kind["ValueError"].source == f"{topic}:0:5"
    assert by_kind["ValidationError"].source == f"{topic}:0:1"
    assert by_kind["ValueError"].event_type == "test.CounterIncremented"
    assert not any(d.replayed for d in letters)

    code, out, err = await cli(infra.kafka_bootstrap, "list", dead, "--json")
    assert code == 0, err
    listed = [json.loads(line) for line in out.splitlines()]
    assert {(d["offset"], d["error_type"], d["event_id"]) for d in listed} == {
        (d.offset, d.error_type, d.event_id) for d in letters
    }
    code, out, err = await cli(infra.kafka_bootstrap, "list", dead)
    assert code == 0 and "4 lettre(s) morte(s)" in err and f"source={topic}:0:5" in out

    # The cause is fixed (group A upgraded, bug corrected); replay the two that can now apply.
    fixed = Totals(db, broken=False)
    fixed.coll = broken.coll
    async with (
        on(fixed.handle, group=group_a, registry=upgraded_registry()) as a2,
        on(healthy.handle, group=group_b, registry=upgraded_registry()) as b2,
    ):
        code, out, err = await cli(
            infra.kafka_bootstrap,
            "replay",
            dead,
            "--event-id",
            newer.event_id,
            "--event-id",
            boom.event_id,
        )
        assert code == 0, err
        assert "2 rejouée(s), 0 déjà rejouée(s), 2 hors sélection" in out
        assert await eventually(lambda: _done(a2, 2, 0))
        assert await eventually(lambda: _duplicates(b2, 2))
        again = await replay_dead_letters(
            infra.kafka_bootstrap, dead, event_ids=[newer.event_id, boom.event_id]
        )
        assert (len(again.replayed), again.already_replayed, again.not_selected) == (0, 2, 2)
        assert await broken.total(stream) == (1115, 6)  # each applied once by group A
        assert await healthy.total(stream) == (1115, 6)  # a duplicate for group B
        marks = db["processed_events"]
        assert (await marks.find_one({"_id": f"{group_a}|{boom.event_id}"}))["outcome"] == (
            "applied"
        )

        # The undecodable one cannot be fixed: replayed once, it is dead-lettered again.
        rest = await replay_dead_letters(infra.kafka_bootstrap, dead, group=group_a)
        assert (len(rest.replayed), rest.already_replayed, rest.not_selected) == (1, 2, 1)
        assert await eventually(lambda: _dead(a2, 1))
        assert await eventually(lambda: _dead(b2, 1))
    assert a2.progress.processed == 2 and a2.progress.replayed == 2
    assert fixed.calls == {newer.event_id: 1, boom.event_id: 1}
    letters = await list_dead_letters(infra.kafka_bootstrap, dead)
    assert len(letters) == 6
    assert [d.replayed for d in letters[:4]] == [d.consumer_group == group_a for d in letters[:4]]
    garbage_a = by_kind["ValidationError"]
    [raw_again_a] = [
        r
        for r in await read_topic(infra.kafka_bootstrap, dead, 6)
        if REPLAYED_FROM in dict(r.headers)
        and dict(r.headers)["dlq.consumer_group"] == group_a.encode()
    ]
    headers = dict(raw_again_a.headers)
    assert headers[REPLAYED_FROM] == f"{dead}:0:{garbage_a.offset}".encode()
    assert headers["origin"] == b"test"
    assert [k for k, _ in raw_again_a.headers].count("dlq.source") == 1


async def _done(sub: EventSubscription, applied: int, dead_lettered: int) -> bool:
    return sub.progress.processed == applied and sub.progress.dead_lettered == dead_lettered


async def _duplicates(sub: EventSubscription, n: int) -> bool:
    return sub.progress.duplicates == n


async def _dead(sub: EventSubscription, n: int) -> bool:
    return sub.progress.dead_lettered == n


async def test_infrastructure_error_is_retried_and_nacked_never_dead_lettered(
    infra, db, new_topic
) -> None:
    topic = await new_topic(partitions=1)
    stream = f"counter-{uuid.uuid4().hex[:8]}"
    first = envelope(stream, 3, "base indisponible")
    # A database that does not answer: a real PyMongo ServerSelectionTimeoutError.
    down: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(
        "mongodb://127.0.0.1:9/", serverSelectionTimeoutMS=200, connectTimeoutMS=200
    )
    totals = Totals(db, broken=False)
    errors: list[str] = []

    async def handle(env: Envelope, event: DomainEvent) -> None:
        if len(errors) < 4:  # down for the 3 attempts of a delivery and the next one
            try:
                await down["x"]["y"].insert_one({"_id": env.event_id})
            except Exception as exc:
                errors.append(type(exc).__name__)
                raise
        await totals.handle(env, event)

    await produce(infra.kafka_bootstrap, topic, [first.to_json_bytes()])
    try:
        async with consuming(infra, db, topic, handle, **FAST) as sub:
            assert await eventually(lambda: _done(sub, 1, 0), timeout=60)
    finally:
        await down.close()
    assert errors == ["ServerSelectionTimeoutError"] * 4
    assert sub.progress.infrastructure_errors == 4
    assert sub.progress.dead_lettered == 0
    assert await totals.total(stream) == (3, 1)
    assert await read_topic(infra.kafka_bootstrap, dlq(topic), 1, timeout=3) == []

"""Replay on the real Kafka and database: the next generation is built beside the live one
while readers keep answering, then switched to (the live projector follows it) and the old one
dropped; `--until` builds an as-of generation and never switches."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime

import pytest

from analytics.adapters.generations import CurrentGeneration, Generations
from analytics.adapters.projector import LiveProjector, Projector
from analytics.application.projection import Generation
from analytics.entrypoints import replay as replay_cli
from analytics.entrypoints.replay import replay
from orga_shared.testing.fixtures import eventually

from .fixtures_replay import REGISTRY, CampaignCounter, answers, counts, produce

pytestmark = pytest.mark.integration


def live_projector(infra, topic: str, generations: Generations, prefix: str) -> LiveProjector:
    def make(gen: Generation, group: str) -> Projector:
        return Projector(
            infra.kafka_bootstrap, [topic], group, [CampaignCounter()], gen, registry=REGISTRY
        )

    return LiveProjector(generations, make, poll_seconds=0.2, group_prefix=prefix)


async def test_replay_builds_g2_beside_g1_switches_and_the_live_service_follows(
    infra, db, new_topic
):
    topic = await new_topic("test.events")
    prefix = f"test.projector.{uuid.uuid4().hex[:8]}"
    generations = Generations(db)
    values, expected = answers(400, campaigns=8)
    await produce(infra.kafka_bootstrap, topic, values)
    live = live_projector(infra, topic, generations, prefix)
    stop = asyncio.Event()
    service = asyncio.create_task(live.run(stop))
    current = CurrentGeneration(generations, ttl=0.2)

    async def live_complete() -> bool:
        return sum((await counts(await current())).values()) == 400

    assert await eventually(live_complete, timeout=90)
    answered: list[tuple[str, int]] = []
    reading = asyncio.Event()

    async def reader() -> None:
        while not reading.is_set():
            gen = await current()
            answered.append((gen.name, sum((await counts(gen)).values())))
            await asyncio.sleep(0.05)

    dashboard = asyncio.create_task(reader())
    try:
        outcome = await replay(
            db,
            bootstrap=infra.kafka_bootstrap,
            topics=[topic],
            projections=[CampaignCounter()],
            registry=REGISTRY,
            batch_size=50,
            drop_grace_seconds=1.0,
            group_prefix=prefix,
        )
    finally:
        reading.set()
        await dashboard

    assert (outcome.generation, outcome.previous) == ("g2", "g1")
    assert outcome.progress.applied == 400 and outcome.progress.lag == 0
    assert {name for name, _ in answered} == {"g1", "g2"}
    assert all(total == 400 for _, total in answered), answered
    assert await generations.current() == "g2"
    assert [(i.name, i.state) for i in await generations.list()] == [("g2", "live")]
    assert await counts(generations.generation("g2")) == dict(expected)

    # the live projector now runs on g2, from the offsets the replay committed
    more, _ = answers(20, campaigns=8, seed=9)
    await produce(infra.kafka_bootstrap, topic, more)
    assert await eventually(lambda: _total(generations.generation("g2"), 420), timeout=60), (
        await counts(generations.generation("g2"))
    )
    assert live.generation == "g2"
    stop.set()
    await asyncio.wait_for(service, 15)
    assert [i.name for i in await generations.list()] == ["g2"]


async def _total(gen: Generation, n: int) -> bool:
    return sum((await counts(gen)).values()) == n


async def test_until_builds_an_as_of_generation_of_the_events_before_the_instant(
    infra, db, new_topic
):
    topic = await new_topic("test.events")
    before, expected = answers(90, campaigns=4, seed=5)
    after, _ = answers(40, campaigns=4, seed=6)
    instant = datetime(2026, 10, 1, tzinfo=UTC)
    ms = int(instant.timestamp() * 1000)
    await produce(infra.kafka_bootstrap, topic, before, timestamp_ms=ms - 86_400_000)
    await produce(infra.kafka_bootstrap, topic, after, timestamp_ms=ms + 86_400_000)
    generations = Generations(db)

    outcome = await replay(
        db,
        bootstrap=infra.kafka_bootstrap,
        topics=[topic],
        projections=[CampaignCounter()],
        registry=REGISTRY,
        until=replay_cli.instant("2026-10-01T00:00Z"),
        group_prefix=f"test.projector.{uuid.uuid4().hex[:8]}",
    )

    assert (outcome.generation, outcome.previous) == ("asof-20261001T0000Z", None)
    assert await counts(generations.generation("asof-20261001T0000Z")) == dict(expected)
    assert outcome.progress.applied == 90
    assert await generations.current() == "g1"
    states = {i.name: i.state for i in await generations.list()}
    assert states == {"g1": "live", "asof-20261001T0000Z": "as-of"}


async def test_an_interrupted_replay_is_dropped_by_the_next_and_an_empty_topic_replays(
    infra, db, new_topic
):
    topic = await new_topic("test.events")
    generations = Generations(db)
    await generations.current()
    stale = await generations.begin("g2")
    await stale.col("counters").insert_one({"_id": "half-built", "answers": 1})

    outcome = await replay(
        db,
        bootstrap=infra.kafka_bootstrap,
        topics=[topic],
        projections=[CampaignCounter()],
        registry=REGISTRY,
        drop_grace_seconds=0,
        group_prefix=f"test.projector.{uuid.uuid4().hex[:8]}",
    )

    assert (outcome.generation, outcome.progress.applied) == ("g2", 0)
    assert [(i.name, i.state) for i in await generations.list()] == [("g2", "live")]
    assert await counts(generations.generation("g2")) == {}

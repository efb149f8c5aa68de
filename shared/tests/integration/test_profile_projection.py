"""The kernel's profile projection on a real compacted topic: latest version wins, an older or
replayed value changes nothing, a tombstone erases."""

from __future__ import annotations

import asyncio
import json
import uuid

import pytest

from orga_shared.messaging.producer import make_producer
from orga_shared.messaging.profile_projection import ProfileProjection
from orga_shared.messaging.topics import compacted, ensure_topics
from orga_shared.testing.fixtures import eventually

pytestmark = pytest.mark.integration


async def test_latest_version_wins_and_a_tombstone_erases(infra, db) -> None:
    topic = f"test.people.{uuid.uuid4().hex[:8]}"
    await ensure_topics(infra.kafka_bootstrap, [compacted(topic, 1)], wait=60)
    projection = ProfileProjection(db["people"], topic, lambda v: {"first_name": v["first_name"]})
    producer = make_producer(infra.kafka_bootstrap, "test-people")
    await producer.start()
    stop = asyncio.Event()
    follower = asyncio.create_task(projection.follow(infra.kafka_bootstrap, f"g-{topic}", stop))
    try:
        for key, version, name in (("u1", 2, "Léa"), ("u1", 1, "Ancien"), ("u2", 1, "Hugo")):
            body = {"version": version, "first_name": name, "email": "x@example.fr"}
            await producer.send_and_wait(topic, json.dumps(body).encode(), key=key.encode())
        await producer.send_and_wait(topic, b"not json", key=b"u3")
        assert await eventually(lambda: _count(db, 2), timeout=20)
        assert await db["people"].find_one({"_id": "u1"}) == {
            "_id": "u1", "first_name": "Léa", "version": 2
        }  # fmt: skip
        await producer.send_and_wait(topic, None, key=b"u1")
        assert await eventually(lambda: _count(db, 1), timeout=20)
        assert await db["people"].find_one({"_id": "u1"}) is None
    finally:
        stop.set()
        await asyncio.wait_for(follower, 10)
        await producer.stop()


async def _count(db, n: int) -> bool:
    return await db["people"].count_documents({}) == n

"""The kernel's document outbox on the real Kafka and database: latest version last, tombstones,
documents changed mid-publication sent again, the relay picking up what a crash left."""

from __future__ import annotations

import json
import uuid
from datetime import timedelta
from typing import Any

import pymongo
import pytest

from orga_shared.clock import utcnow
from orga_shared.messaging.document_outbox import DocumentOutbox
from orga_shared.messaging.producer import make_producer
from orga_shared.messaging.topics import compacted, ensure_topics
from orga_shared.testing.fixtures import read_topic

pytestmark = pytest.mark.integration


def value(doc: dict[str, Any]) -> bytes | None:
    if doc.get("erased"):
        return None
    return json.dumps({"id": doc["_id"], "name": doc["name"], "version": doc["version"]}).encode()


@pytest.fixture
async def outbox(infra, db):
    topic = f"test.profiles.{uuid.uuid4().hex[:8]}"
    await ensure_topics(infra.kafka_bootstrap, [compacted(topic, 1)], wait=60)
    producer = make_producer(infra.kafka_bootstrap, "test-document-outbox")
    await producer.start()
    box = DocumentOutbox(db["people"], topic, value, ready={"draft": {"$ne": True}}, batch_size=3)
    box.bind(producer)
    await box.ensure_indexes()
    yield box
    await producer.stop()


def person(i: int, **extra: Any) -> dict[str, Any]:
    return {"_id": f"p{i}", "name": f"Nom {i}", "version": 1, "published": False,
            "updated_at": utcnow(), **extra}  # fmt: skip


async def latest(infra, topic: str, count: int) -> dict[str, Any]:
    records = await read_topic(infra.kafka_bootstrap, topic, count, timeout=20)
    out: dict[str, Any] = {}
    for r in records:
        out[r.key.decode()] = json.loads(r.value) if r.value is not None else None
    return out


async def test_flagged_documents_are_sent_in_batches_and_marked(infra, outbox) -> None:
    await outbox.collection.insert_many(
        [person(i) for i in range(7)] + [person(99, draft=True), person(98, published=True)]
    )
    assert await outbox.publish() == 7
    assert await outbox.collection.count_documents({"published": False}) == 1  # the draft
    seen = await latest(infra, outbox.topic, 7)
    assert sorted(seen) == sorted(f"p{i}" for i in range(7))
    assert await outbox.publish() == 0


async def test_a_document_changed_while_being_sent_is_sent_again(infra, db, outbox) -> None:
    """A writer commits version 2 after version 1 was read and before it is marked."""
    await outbox.collection.insert_one(person(1))
    writer = pymongo.MongoClient(infra.mongo_url)[db.name]["people"]
    original = outbox.value

    def value_then_concurrent_write(doc: dict[str, Any]) -> bytes | None:
        if doc["version"] == 1:
            writer.update_one(
                {"_id": "p1"},
                {"$set": {"name": "Nouveau", "published": False}, "$inc": {"version": 1}},
            )
        return original(doc)

    outbox.value = value_then_concurrent_write
    try:
        assert await outbox.publish() == 2
    finally:
        writer.database.client.close()
    seen = await latest(infra, outbox.topic, 2)
    assert seen["p1"] == {"id": "p1", "name": "Nouveau", "version": 2}
    assert await outbox.collection.count_documents({"published": False}) == 0


async def test_a_mark_guarded_by_the_version_leaves_a_newer_document_flagged(outbox) -> None:
    await outbox.collection.insert_one(person(1))
    await outbox.collection.update_one({"_id": "p1"}, {"$inc": {"version": 1}})
    # marking version 1 must not mark the document, now at version 2
    await outbox.collection.update_many(
        {"_id": {"$in": ["p1"]}, "version": 1}, {"$set": {"published": True}}
    )
    assert await outbox.collection.count_documents({"published": False}) == 1


async def test_an_erased_document_is_a_tombstone(infra, outbox) -> None:
    await outbox.collection.insert_one(person(1))
    await outbox.publish()
    await outbox.collection.update_one(
        {"_id": "p1"},
        {"$set": {"erased": True, "name": None, "published": False}, "$inc": {"version": 1}},
    )
    await outbox.publish()
    records = await read_topic(infra.kafka_bootstrap, outbox.topic, 2, timeout=20)
    assert [r.value for r in records][-1] is None


async def test_the_relay_takes_only_what_is_older_than_the_grace(outbox) -> None:
    old = person(1, updated_at=utcnow() - timedelta(minutes=5))
    await outbox.collection.insert_many([old, person(2)])
    assert await outbox.relay_once(timedelta(seconds=30)) == 1
    left = await outbox.collection.find({"published": False}).to_list()
    assert [d["_id"] for d in left] == ["p2"]

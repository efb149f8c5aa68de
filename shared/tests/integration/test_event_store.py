"""Event store on the real database: atomic commits, optimistic concurrency, gap detection."""

import asyncio
import uuid

import pytest

from orga_shared.eventstore import ConcurrencyError, EventStore, StreamCorrupted
from orga_shared.testing.sample_events import CounterIncremented, evolve, registry

pytestmark = pytest.mark.integration


@pytest.fixture
async def store(db) -> EventStore:
    s = EventStore(db, producer="test", topic="unused", registry=registry)
    await s.ensure_indexes()
    return s


def inc(counter: str, by: int = 1) -> CounterIncremented:
    return CounterIncremented(counter_id=counter, by=by, reason="test")


async def test_two_concurrent_writers_exactly_one_wins(store: EventStore) -> None:
    stream = f"counter-{uuid.uuid4()}"
    await store.append(stream, 0, [inc(stream)])
    results = await asyncio.gather(
        store.append(stream, 1, [inc(stream, 10)]),
        store.append(stream, 1, [inc(stream, 100), inc(stream, 100)]),
        return_exceptions=True,
    )
    errors = [r for r in results if isinstance(r, Exception)]
    assert len(errors) == 1 and isinstance(errors[0], ConcurrencyError)
    total, version = await store.fold(stream, 0, evolve)
    assert (total, version) in {(11, 2), (201, 3)}
    assert await store.commits.count_documents({"stream_id": stream}) == 2


async def test_stale_writer_behind_a_multi_event_commit_is_refused(store: EventStore) -> None:
    stream = f"counter-{uuid.uuid4()}"
    await store.append(stream, 0, [inc(stream)])
    await store.append(stream, 1, [inc(stream), inc(stream)])  # versions 2 and 3
    with pytest.raises(ConcurrencyError):
        await store.append(stream, 1, [inc(stream)])
    assert (await store.fold(stream, 0, evolve)) == (3, 3)


async def test_version_gap_is_refused_when_folding(store: EventStore, db) -> None:
    stream = f"counter-{uuid.uuid4()}"
    commit = await store.append(stream, 0, [inc(stream)])
    broken = await db["commits"].find_one({"_id": commit.commit_id})
    broken.update(_id=str(uuid.uuid4()), version=3, last_version=3)
    broken["events"][0]["stream_version"] = 3
    await db["commits"].insert_one(broken)
    with pytest.raises(StreamCorrupted):
        await store.fold(stream, 0, evolve)


async def test_old_event_version_in_the_store_is_read_through_its_upcaster(
    store: EventStore, db
) -> None:
    stream = f"counter-{uuid.uuid4()}"
    commit = await store.append(stream, 0, [inc(stream, 5)])
    # Rewrite the stored event as a version-1 payload, as history written before v2 would be.
    await db["commits"].update_one(
        {"_id": commit.commit_id},
        {
            "$set": {
                "events.0.schema_version": 1,
                "events.0.payload": {"counter_id": stream, "by": 5},
            }
        },
    )
    [recorded] = await store.load(stream)
    assert recorded.envelope.schema_version == 1
    assert recorded.event == CounterIncremented(counter_id=stream, by=5, reason="inconnue")

"""Append-only event store on MongoDB, one document per commit.

All the events one command produced go into one document, so an append is atomic without
multi-document transactions (FerretDB has none). The unique index on `(stream_id, version)`,
where `version` is the first stream version the commit writes, makes two writers that loaded
the same state collide: the loser gets `ConcurrencyError` and retries from a fresh load. This
holds because writers only ever pass an expected version they loaded, i.e. a commit boundary.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol, TypeVar

from pymongo import ASCENDING
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from orga_shared.events.envelope import DomainEvent, Envelope
from orga_shared.events.registry import EventRegistry
from orga_shared.observability import current_causation_id, current_correlation_id, get_logger

S = TypeVar("S")
log = get_logger(__name__)


class ConcurrencyError(Exception):
    """Another writer appended to the stream after this writer loaded it."""

    def __init__(self, stream_id: str, expected_version: int) -> None:
        super().__init__(f"stream {stream_id!r} moved past version {expected_version}")
        self.stream_id = stream_id
        self.expected_version = expected_version


class StreamCorrupted(Exception):
    """A stream's versions have a gap or a repeat: refuse to fold it."""


@dataclass(frozen=True)
class RecordedEvent:
    envelope: Envelope
    event: DomainEvent


@dataclass(frozen=True)
class Commit:
    commit_id: str
    stream_id: str
    topic: str
    key: str
    envelopes: tuple[Envelope, ...]

    @property
    def last_version(self) -> int:
        return self.envelopes[-1].stream_version

    @classmethod
    def from_document(cls, doc: dict[str, Any]) -> Commit:
        return cls(
            commit_id=doc["_id"],
            stream_id=doc["stream_id"],
            topic=doc["topic"],
            key=doc["key"],
            envelopes=tuple(Envelope.model_validate(e) for e in doc["events"]),
        )


def new_commit(
    stream_id: str,
    expected_version: int,
    events: Sequence[DomainEvent],
    *,
    topic: str,
    producer: str,
    key: str | None = None,
) -> Commit:
    """The commit `events` make after `expected_version`: their envelopes, with the request's
    correlation and causation ids (every store, real or in memory, builds it here)."""
    if not events:
        raise ValueError("a commit holds at least one event")
    correlation_id = current_correlation_id()
    causation_id = current_causation_id()
    now = datetime.now(UTC)
    envelopes = tuple(
        Envelope(
            event_type=e.event_type,
            schema_version=e.schema_version,
            stream_id=stream_id,
            stream_version=expected_version + i,
            occurred_at=now,
            producer=producer,
            correlation_id=correlation_id,
            causation_id=causation_id,
            payload=e.model_dump(mode="json"),
        )
        for i, e in enumerate(events, start=1)
    )
    return Commit(str(uuid.uuid4()), stream_id, topic, key or stream_id, envelopes)


class EventLog(Protocol):
    """What a command needs of an event store: fold a stream, append a commit after a version."""

    async def fold(
        self, stream_id: str, initial: S, evolve: Callable[[S, DomainEvent], S]
    ) -> tuple[S, int]: ...

    async def append(
        self,
        stream_id: str,
        expected_version: int,
        events: Sequence[DomainEvent],
        *,
        key: str | None = None,
    ) -> Commit: ...


class CommitPublisher(Protocol):
    async def publish(self, commit: Commit) -> None: ...


class EventStore:
    def __init__(
        self,
        db: AsyncDatabase[dict[str, Any]],
        *,
        producer: str,
        topic: str,
        registry: EventRegistry,
        publisher: CommitPublisher | None = None,
        collection: str = "commits",
    ) -> None:
        self.commits: AsyncCollection[dict[str, Any]] = db[collection]
        self.producer = producer
        self.topic = topic
        self.registry = registry
        self.publisher = publisher

    async def ensure_indexes(self) -> None:
        await self.commits.create_index(
            [("stream_id", ASCENDING), ("version", ASCENDING)], unique=True, name="stream_version"
        )
        await self.commits.create_index(
            [("published", ASCENDING), ("seq", ASCENDING)], name="unpublished"
        )

    async def append(
        self,
        stream_id: str,
        expected_version: int,
        events: Sequence[DomainEvent],
        *,
        key: str | None = None,
    ) -> Commit:
        """Store `events` after `expected_version` (0 for a new stream), then publish them.

        A failed publish is logged, not raised: the commit is durable and the relay sends it.
        """
        commit = new_commit(
            stream_id, expected_version, events, topic=self.topic, producer=self.producer, key=key
        )
        envelopes = commit.envelopes
        now = envelopes[0].occurred_at
        doc = {
            "_id": commit.commit_id,
            "stream_id": stream_id,
            "version": expected_version + 1,
            "last_version": commit.last_version,
            "topic": commit.topic,
            "key": commit.key,
            "events": [e.model_dump(mode="json") for e in envelopes],
            "published": False,
            "committed_at": now,
            "seq": now.timestamp(),
        }
        try:
            await self.commits.insert_one(doc)
        except DuplicateKeyError:
            raise ConcurrencyError(stream_id, expected_version) from None
        if self.publisher is not None:
            try:
                await self.publisher.publish(commit)
            except Exception as exc:  # the relay will publish it
                log.warning("publish_deferred_to_relay", commit_id=commit.commit_id, error=str(exc))
        return commit

    async def load(self, stream_id: str, after_version: int = 0) -> list[RecordedEvent]:
        """Events of a stream in order, upcast to their latest version; gaps are refused."""
        out: list[RecordedEvent] = []
        expected = after_version + 1
        cursor = self.commits.find(
            {"stream_id": stream_id, "last_version": {"$gt": after_version}}
        ).sort("version", ASCENDING)
        async for doc in cursor:
            for raw in doc["events"]:
                env = Envelope.model_validate(raw)
                if env.stream_version < expected:
                    continue
                if env.stream_version != expected:
                    raise StreamCorrupted(
                        f"stream {stream_id!r}: expected version {expected}, "
                        f"found {env.stream_version}"
                    )
                out.append(RecordedEvent(env, self.registry.decode(env)))
                expected += 1
        return out

    async def fold(
        self, stream_id: str, initial: S, evolve: Callable[[S, DomainEvent], S]
    ) -> tuple[S, int]:
        """Aggregate state and version: the pure `evolve` folded over the stream."""
        state, version = initial, 0
        for recorded in await self.load(stream_id):
            state = evolve(state, recorded.event)
            version = recorded.envelope.stream_version
        return state, version

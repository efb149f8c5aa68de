"""Synthetic commits, built by the kernel's own `EventStore.append` so the documents are exactly
what the store writes; only the final insert is batched (`insert_many`) to fill a backlog fast."""

from __future__ import annotations

import random
import uuid
from collections.abc import Iterator
from typing import Any, cast

from orga_shared.events.envelope import DomainEvent
from orga_shared.events.registry import EventRegistry
from orga_shared.eventstore.store import Commit, EventStore
from orga_shared.messaging.outbox import headers_for

REGISTRY = EventRegistry()
PRODUCER = "bench"


@REGISTRY.register
class BenchAnswerRecorded(DomainEvent):
    """Shaped like an answer event (ids and facts, no personal data); the envelope is ~600 bytes."""

    event_type = "bench.answer-recorded"
    schema_version = 1

    assessment_id: str
    campaign_participation_id: str
    challenge_id: str
    skill_ids: list[str]
    result: str
    value: str
    elapsed_ms: int
    level: int


def sample_event(rng: random.Random) -> BenchAnswerRecorded:
    return BenchAnswerRecorded(
        assessment_id=str(uuid.UUID(int=rng.getrandbits(128))),
        campaign_participation_id=str(uuid.UUID(int=rng.getrandbits(128))),
        challenge_id=f"rec{rng.getrandbits(64):016x}",
        skill_ids=[f"skill{rng.getrandbits(40):010x}" for _ in range(2)],
        result=rng.choice(["ok", "ko", "partially", "skipped", "timedout"]),
        value=f"answer {rng.getrandbits(32):08x} " * 2,
        elapsed_ms=rng.randrange(1_000, 600_000),
        level=rng.randrange(1, 8),
    )


class CapturedCommits:
    """Stands in for the database and its commits collection: keeps what `insert_one` would
    have written."""

    def __init__(self) -> None:
        self.documents: list[dict[str, Any]] = []

    def __getitem__(self, collection: str) -> CapturedCommits:
        return self

    async def insert_one(self, doc: dict[str, Any]) -> None:
        self.documents.append(doc)


async def build_commits(
    n: int, topic: str, *, seed: int = 7
) -> tuple[list[dict[str, Any]], list[Commit]]:
    """`n` single-event commits on distinct streams: their documents and `Commit` objects."""
    captured = CapturedCommits()
    store = EventStore(cast(Any, captured), producer=PRODUCER, topic=topic, registry=REGISTRY)
    rng = random.Random(seed)
    commits = [
        await store.append(f"bench-{uuid.UUID(int=rng.getrandbits(128))}", 0, [sample_event(rng)])
        for _ in range(n)
    ]
    return captured.documents, commits


def messages(commits: list[Commit]) -> Iterator[tuple[bytes, bytes, list[tuple[str, bytes]]]]:
    """(key, value, headers) exactly as `OutboxPublisher.send` produces them."""
    for commit in commits:
        for i, env in enumerate(commit.envelopes):
            yield commit.key.encode(), env.to_json_bytes(), headers_for(commit, i)

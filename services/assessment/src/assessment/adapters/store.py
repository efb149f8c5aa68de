"""The participant store: commits keyed `<stream>:<version>`, a snapshot per stream
(docs/adr/0015-participation-store.md).

- A commit document's `_id` is `<stream>:<first version it writes>`: the `_id` itself decides
  between two writers that loaded the same version (the loser gets a duplicate key), on MongoDB
  and on the local database alike, with no secondary index in the way. The document carries the
  published envelopes in `events` (the kernel's outbox relay reads them unchanged) and the
  sealed ones in `sealed` (never published), packed into one compressed value like the
  snapshot's state (`codec.pack`).
- The snapshot (`participants`, `_id` = stream) holds the folded state and its version; loading
  is one read by `_id`. It is written after each commit, guarded by version so an older writer
  never overwrites a newer state. A crash between the two leaves the snapshot behind: the next
  append then collides on the `_id`, and `catch_up` folds the missing commits (point reads by
  `_id`) and repairs the snapshot.
- Publishing is right after the commit; the "published" marks are written in batches
  (`orga_shared.messaging.outbox.MarkBatcher`), so they cost a fraction of a write per answer.
  A commit with no published event is stored already marked.
"""

from __future__ import annotations

import asyncio
import time
from collections import OrderedDict
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from pymongo import ASCENDING
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from assessment.adapters.codec import decode_state, encode_state, pack, unpack
from assessment.domain.participant import INITIAL, ParticipantState, evolve
from assessment.domain.sealed import SEALED
from orga_shared.events.envelope import DomainEvent, Envelope
from orga_shared.events.registry import EVENTS
from orga_shared.eventstore.store import Commit, ConcurrencyError
from orga_shared.messaging.outbox import MarkBatcher, OutboxPublisher
from orga_shared.observability import current_causation_id, current_correlation_id, get_logger

Doc = dict[str, Any]
log = get_logger(__name__)
COMMITS = "commits"
SNAPSHOTS = "participants"


def commit_id(stream_id: str, version: int) -> str:
    return f"{stream_id}:{version}"


def commit_document(
    stream_id: str,
    expected_version: int,
    events: Sequence[DomainEvent],
    *,
    topic: str,
    key: str,
    producer: str,
    now: datetime | None = None,
) -> tuple[Doc, Commit]:
    """The commit document of `events` after `expected_version`, and its publishable part.

    Events are numbered in order; sealed ones (`assessment.domain.sealed.SEALED`) go to
    `sealed`, the others to `events`. Benchmarks build their prefilled history with this too.
    """
    now = now or datetime.now(UTC)
    correlation_id, causation_id = current_correlation_id(), current_causation_id()
    public: list[Envelope] = []
    docs: list[Doc] = []
    sealed_docs: list[Doc] = []
    for i, event in enumerate(events, start=expected_version + 1):
        env = Envelope(
            event_type=event.event_type,
            schema_version=event.schema_version,
            stream_id=stream_id,
            stream_version=i,
            occurred_at=now,
            producer=producer,
            correlation_id=correlation_id,
            causation_id=causation_id,
            payload=event.model_dump(mode="json"),
        )
        if is_sealed(event):
            sealed_docs.append(env.model_dump(mode="json"))
        else:
            public.append(env)
            docs.append(env.model_dump(mode="json"))
    cid = commit_id(stream_id, expected_version + 1)
    doc: Doc = {
        "_id": cid,
        "stream_id": stream_id,
        "version": expected_version + 1,
        "last_version": expected_version + len(events),
        "topic": topic,
        "key": key,
        "events": docs,
        "sealed": pack(sealed_docs),
        "published": not public,
        "committed_at": now,
        "seq": now.timestamp(),
    }
    return doc, Commit(cid, stream_id, topic, key, tuple(public))


def snapshot_state(doc: Doc) -> ParticipantState:
    return decode_state(unpack(doc["state"]))


SEALED_MODELS = frozenset(SEALED)
"""The sealed event classes (a set lookup per event on the answer path, not a registry miss)."""


def is_sealed(event: DomainEvent) -> bool:
    return type(event) in SEALED_MODELS


def _decode(raw: Doc) -> DomainEvent:
    env = Envelope.model_validate(raw)
    try:
        return SEALED.decode(env)
    except LookupError:
        return EVENTS.decode(env)


def commit_events(doc: Doc) -> list[DomainEvent]:
    """A commit's events in stream order (published and sealed interleaved as written)."""
    sealed = unpack(doc["sealed"]) if doc.get("sealed") else []
    raws = sorted([*doc["events"], *sealed], key=lambda r: r["stream_version"])
    return [_decode(r) for r in raws]


class ParticipantStore:
    def __init__(
        self,
        db: AsyncDatabase[Doc],
        *,
        topic: str,
        producer: str,
        publisher: OutboxPublisher,
        marks: MarkBatcher,
        recent_size: int = 2000,
        recent_ttl: float = 30.0,
    ) -> None:
        self.commits: AsyncCollection[Doc] = db[COMMITS]
        self.snapshots: AsyncCollection[Doc] = db[SNAPSHOTS]
        self.topic = topic
        self.producer = producer
        self.publisher = publisher
        self.marks = marks
        self._confirming: set[asyncio.Task[None]] = set()
        self._recent: OrderedDict[str, tuple[ParticipantState, int, float]] = OrderedDict()
        self.recent_size = recent_size
        self.recent_ttl = recent_ttl
        """Seconds a kept state serves: a stream erased by another replica (deleted campaign,
        erased user) has no commit left to collide with, so a kept state must not outlive a
        learner's pause for long."""

    async def ensure_indexes(self) -> None:
        await self.commits.create_index(
            [("published", ASCENDING), ("seq", ASCENDING)], name="unpublished"
        )
        await self.snapshots.create_index([("user_id", ASCENDING)], name="by_user")
        await self.snapshots.create_index([("campaign_id", ASCENDING)], name="by_campaign")
        await self.snapshots.create_index(
            [("participation_ids", ASCENDING)], name="by_participation"
        )

    async def load(self, stream_id: str, *, recent: bool = False) -> tuple[ParticipantState, int]:
        """The state from the snapshot (one read by `_id`); a stream with commits but no
        snapshot (a crash right after its first commit) is folded from its commits.

        `recent`: the state this process wrote last for the stream, if it still has it (no read
        at all). Commands may start from it: if another process appended meanwhile, the commit's
        `_id` collides and the command decides again from `fresh()`."""
        if recent and (known := self._recent.get(stream_id)) is not None:
            state, version, kept_at = known
            if time.monotonic() - kept_at <= self.recent_ttl:
                self._recent.move_to_end(stream_id)
                return state, version
            del self._recent[stream_id]
        doc = await self.snapshots.find_one({"_id": stream_id})
        if doc is None:
            return await self.catch_up(stream_id, INITIAL, 0)
        return snapshot_state(doc), int(doc["version"])

    async def catch_up(
        self, stream_id: str, state: ParticipantState, version: int
    ) -> tuple[ParticipantState, int]:
        """Fold the commits after `version` (point reads by `_id`), and repair the snapshot."""
        start = version
        while doc := await self.commits.find_one({"_id": commit_id(stream_id, version + 1)}):
            for event in commit_events(doc):
                state = evolve(state, event)
            version = int(doc["last_version"])
        if version != start:
            await self._save_snapshot(stream_id, state, version)
        self._remember(stream_id, state, version)
        return state, version

    def _remember(self, stream_id: str, state: ParticipantState, version: int) -> None:
        self._recent[stream_id] = (state, version, time.monotonic())
        self._recent.move_to_end(stream_id)
        while len(self._recent) > self.recent_size:
            self._recent.popitem(last=False)

    async def fresh(self, stream_id: str) -> tuple[ParticipantState, int]:
        """After a collision: the snapshot, then whatever commits it missed."""
        state, version = await self.load(stream_id)
        return await self.catch_up(stream_id, state, version)

    async def append(
        self,
        stream_id: str,
        expected_version: int,
        events: Sequence[DomainEvent],
        after: ParticipantState,
        *,
        key: str,
    ) -> Commit:
        """Insert the commit (the `_id` decides races), save the snapshot of `after`, publish."""
        doc, commit = commit_document(
            stream_id, expected_version, events, topic=self.topic, key=key, producer=self.producer
        )
        try:
            await self.commits.insert_one(doc)
        except DuplicateKeyError:
            raise ConcurrencyError(stream_id, expected_version) from None
        await self._save_snapshot(stream_id, after, doc["last_version"])
        self._remember(stream_id, after, doc["last_version"])
        if commit.envelopes:
            await self._publish(commit)
        return commit

    async def _save_snapshot(self, stream_id: str, state: ParticipantState, version: int) -> None:
        doc = {
            "_id": stream_id,
            "version": version,
            "user_id": state.user_id,
            "campaign_id": state.campaign_id,
            "organisation_id": state.organisation_id,
            "participation_ids": [a.participation_id for a in state.attempts],
            "state": pack(encode_state(state)),
            "updated_at": datetime.now(UTC),
        }
        try:  # a newer snapshot makes the filter miss and the upsert's insert collide: keep it
            await self.snapshots.replace_one(
                {"_id": stream_id, "version": {"$lt": version}}, doc, upsert=True
            )
        except DuplicateKeyError:
            pass

    async def _publish(self, commit: Commit) -> None:
        try:
            futures = await self.publisher.send(commit)
        except Exception as exc:  # the relay will publish it
            log.warning("publish_deferred_to_relay", commit_id=commit.commit_id, error=str(exc))
            return
        task = asyncio.create_task(self._confirm(commit.commit_id, futures))
        self._confirming.add(task)
        task.add_done_callback(self._confirming.discard)

    async def _confirm(self, cid: str, futures: list[asyncio.Future[Any]]) -> None:
        try:
            await asyncio.gather(*futures)
        except Exception as exc:
            log.warning("publish_deferred_to_relay", commit_id=cid, error=str(exc))
            return
        self.marks.add(cid)

    async def drain(self) -> None:
        """Wait for the acknowledgements in flight, then write their marks (shutdown, tests)."""
        if self._confirming:
            await asyncio.gather(*list(self._confirming), return_exceptions=True)
        await self.marks.flush()

    async def snapshots_of_user(self, user_id: str) -> list[ParticipantState]:
        return [snapshot_state(d) async for d in self.snapshots.find({"user_id": user_id})]

    async def stream_of_participation(self, participation_id: str) -> str | None:
        doc = await self.snapshots.find_one(
            {"participation_ids": participation_id}, projection={"_id": 1}
        )
        return None if doc is None else str(doc["_id"])

    async def streams_of_campaign(self, campaign_id: str) -> list[str]:
        found = self.snapshots.find({"campaign_id": campaign_id}, projection={"_id": 1})
        return [str(d["_id"]) async for d in found]

    async def erase_streams(self, streams: Sequence[str]) -> None:
        """Drop streams whole (their commits hold answers typed by the learner)."""
        for stream in streams:
            self._recent.pop(stream, None)
        for stream in streams:
            await self.commits.delete_many({"stream_id": stream})
        if streams:
            await self.snapshots.delete_many({"_id": {"$in": list(streams)}})

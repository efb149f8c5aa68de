"""Records as the projector delivers them, for tests that feed analytics' projections without
Kafka: stream versions per stream, offsets per partition, each record applied `deliveries` times
(a redelivery must change nothing), then the projector's end of batch (`flush`)."""

from __future__ import annotations

from datetime import UTC, datetime

from analytics.adapters.projections import CampaignsProjection, ParticipationsProjection
from analytics.application.projection import Generation, Record
from orga_shared.events.envelope import DomainEvent, Envelope

NOW = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)  # 10:00 in Paris


class Feed:
    def __init__(self, gen: Generation, *, deliveries: int = 1) -> None:
        self.gen = gen
        self.deliveries = deliveries
        self.versions: dict[str, int] = {}
        self.offsets: dict[tuple[str, int], int] = {}
        self.projections = [CampaignsProjection(), ParticipationsProjection()]

    async def send(
        self,
        topic: str,
        stream: str,
        partition: int,
        event: DomainEvent,
        at: datetime = NOW,
    ) -> None:
        """`at`: the envelope's occurred time (the live view reads it for the last answer)."""
        self.versions[stream] = version = self.versions.get(stream, 0) + 1
        self.offsets[(topic, partition)] = offset = self.offsets.get((topic, partition), -1) + 1
        env = Envelope(
            event_type=event.event_type,
            schema_version=event.schema_version,
            stream_id=stream,
            stream_version=version,
            occurred_at=at,
            producer="test",
            correlation_id="c",
            payload=event.model_dump(mode="json"),
        )
        record = Record(env, event, topic, partition, offset)
        for _ in range(self.deliveries):
            for p in self.projections:
                if event.event_type in p.event_types:
                    await p.apply(self.gen, record)
            for p in self.projections:
                flush = getattr(p, "flush", None)
                if flush is not None:
                    await flush(self.gen)

"""Wiring of the analytics service: the runtime (read side only: no event store, no topic of
its own), the projections of the live generation, the people followers, and the `Context`.

Consumers: the projector (every `*.events` topic → the live generation's documents, see
`adapters/projections.py`), the compacted personal-data topics (`adapters/people.py`), and
memberships from `organisation.events` (authorisation, kernel `MembershipProjection`).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from analytics.adapters.generations import CurrentGeneration, Generations
from analytics.adapters.people import People
from analytics.adapters.projections import CampaignsProjection, ParticipationsProjection
from analytics.adapters.projector import LiveProjector, Projector
from analytics.application.context import Context
from analytics.application.projection import Generation, Projection
from analytics.config import Settings
from orga_shared.content.loader import load_release
from orga_shared.membership import MEMBERSHIP_EVENT_TYPES, MembershipDirectory, MembershipProjection
from orga_shared.messaging.profile_projection import ProfileProjection
from orga_shared.revocation import track_revocations
from orga_shared.runtime import ServiceRuntime


def projections(settings: Settings) -> list[Projection]:
    """Every projection a generation holds (the live projector and the replay use this list)."""
    return [CampaignsProjection(), ParticipationsProjection()]


def projector(settings: Settings, gen: Generation, group_id: str, **options: Any) -> Projector:
    """A projector of every history topic into `gen` (live runs and replays alike)."""
    return Projector(
        settings.kafka_bootstrap,
        settings.history_topics,
        group_id,
        projections(settings),
        gen,
        batch_size=options.pop("batch_size", settings.projector_batch),
        client_id=f"{settings.service_name}-projector",
        **options,
    )


@dataclass(frozen=True)
class Lifecycle:
    """The runtime (started and stopped by the app's lifespan) and the `Context` it serves."""

    runtime: ServiceRuntime
    context: Context
    settings: Settings
    memberships: MembershipProjection
    directory: MembershipDirectory
    live: LiveProjector
    stop: asyncio.Event = field(default_factory=asyncio.Event)

    @classmethod
    def build(cls, settings: Settings) -> Lifecycle:
        runtime = ServiceRuntime(settings, topic=None)
        track_revocations(runtime, topic=settings.identity_topic)  # ADR 21: revoked tokens
        db = runtime.db
        people = People(
            db,
            user_profiles_topic=settings.user_profiles_topic,
            learner_profiles_topic=settings.learner_profiles_topic,
            participant_ids_topic=settings.participant_ids_topic,
        )
        generations = Generations(db)
        context = Context(
            db=db,
            people=people,
            release=load_release(settings.content_dir),
            generations=generations,
            current=CurrentGeneration(generations),
        )
        memberships = MembershipProjection(db)
        runtime.subscribe(
            name="memberships",
            topics=[settings.organisation_topic],
            handler=memberships.handle,
            event_types=MEMBERSHIP_EVENT_TYPES,
        )
        live = LiveProjector(
            generations,
            lambda gen, group: projector(settings, gen, group),
            group_prefix=f"{settings.service_name}.projector",
        )
        return cls(runtime, context, settings, memberships, MembershipDirectory(db), live)

    async def on_startup(self, runtime: ServiceRuntime) -> None:
        await self.memberships.ensure_indexes()
        self.stop.clear()
        runtime.run_periodically("projector", lambda: self.live.run(self.stop), 2.0)
        never = asyncio.Event()
        for follower in self.context.people.projections:
            runtime.run_periodically(f"people:{follower.topic}", self._follow(follower, never), 2.0)

    async def on_shutdown(self, runtime: ServiceRuntime) -> None:
        """Let the projector commit what it applied before the runtime stops."""
        self.stop.set()
        await asyncio.sleep(0)

    def _follow(
        self, follower: ProfileProjection, stop: asyncio.Event
    ) -> Callable[[], Awaitable[None]]:
        group = f"{self.settings.service_name}.people.{follower.topic}"
        return lambda: follower.follow(self.settings.kafka_bootstrap, group, stop)

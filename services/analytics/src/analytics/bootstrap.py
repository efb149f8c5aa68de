"""Wiring of the analytics service: the runtime (read side only: no event store, no topic of
its own), the projections of the live generation, the people followers, and the `Context`.

Consumers: the projector (every `*.events` topic → the live generation's documents, see
`adapters/projections.py`), the compacted personal-data topics (`adapters/people.py`), and
memberships from `organisation.events` (authorisation, kernel `MembershipProjection`).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from analytics.adapters.people import People
from analytics.adapters.projections import CampaignsProjection, ParticipationsProjection
from analytics.application.context import Context
from analytics.application.projection import Projection
from analytics.config import Settings
from orga_shared.content.loader import load_release
from orga_shared.membership import MEMBERSHIP_EVENT_TYPES, MembershipDirectory, MembershipProjection
from orga_shared.messaging.profile_projection import ProfileProjection
from orga_shared.runtime import ServiceRuntime


def projections(settings: Settings) -> list[Projection]:
    """Every projection a generation holds (the live projector and the replay use this list)."""
    return [CampaignsProjection(), ParticipationsProjection()]


@dataclass(frozen=True)
class Lifecycle:
    """The runtime (started and stopped by the app's lifespan) and the `Context` it serves."""

    runtime: ServiceRuntime
    context: Context
    settings: Settings
    memberships: MembershipProjection
    directory: MembershipDirectory

    @classmethod
    def build(cls, settings: Settings) -> Lifecycle:
        runtime = ServiceRuntime(settings, topic=None)
        db = runtime.db
        people = People(
            db,
            user_profiles_topic=settings.user_profiles_topic,
            learner_profiles_topic=settings.learner_profiles_topic,
            participant_ids_topic=settings.participant_ids_topic,
        )
        context = Context(db=db, people=people, release=load_release(settings.content_dir))
        memberships = MembershipProjection(db)
        runtime.subscribe(
            name="memberships",
            topics=[settings.organisation_topic],
            handler=memberships.handle,
            event_types=MEMBERSHIP_EVENT_TYPES,
        )
        return cls(runtime, context, settings, memberships, MembershipDirectory(db))

    async def on_startup(self, runtime: ServiceRuntime) -> None:
        await self.memberships.ensure_indexes()
        gen = await self.context.generation()
        for projection in projections(self.settings):
            await projection.ensure_indexes(gen)
        never = asyncio.Event()
        for follower in self.context.people.projections:
            runtime.run_periodically(f"people:{follower.topic}", self._follow(follower, never), 2.0)

    def _follow(
        self, follower: ProfileProjection, stop: asyncio.Event
    ) -> Callable[[], Awaitable[None]]:
        group = f"{self.settings.service_name}.people.{follower.topic}"
        return lambda: follower.follow(self.settings.kafka_bootstrap, group, stop)

"""Wiring of the campaign service: `Lifecycle.build` puts the real adapters into a `Context`,
declares the consumers, and starts the background followers at startup.

Consumers: memberships from `organisation.events` (authorisation), the service's own
`campaign.events` (read models repaired after a crash; applying twice changes nothing), and
users' names from the compacted `identity.user-profiles` (owners).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from campaign.adapters.codes import MongoCodes
from campaign.adapters.memberships import ProjectedMemberships
from campaign.adapters.people import ProfilePeople
from campaign.adapters.settings import MongoSettings
from campaign.adapters.streams import EventStoreCampaigns
from campaign.adapters.views import MongoViews
from campaign.application.catalogue import Catalogue
from campaign.application.context import Context
from campaign.config import Settings
from orga_shared.content.loader import load_release
from orga_shared.membership import MEMBERSHIP_EVENT_TYPES, MembershipProjection
from orga_shared.revocation import track_revocations
from orga_shared.runtime import ServiceRuntime

CAMPAIGN_EVENT_TYPES = (
    "CampaignCreated",
    "CampaignUpdated",
    "CampaignArchived",
    "CampaignUnarchived",
    "CampaignDeleted",
)


@dataclass(frozen=True)
class Lifecycle:
    """The runtime (started and stopped by the app's lifespan) and the `Context` it serves."""

    runtime: ServiceRuntime
    context: Context
    settings: Settings
    views: MongoViews
    memberships: MembershipProjection
    people: ProfilePeople
    directory: ProjectedMemberships

    @classmethod
    def build(cls, settings: Settings) -> Lifecycle:
        runtime = ServiceRuntime(settings, topic=settings.events_topic)
        assert runtime.store is not None  # a runtime with a topic has a store
        track_revocations(runtime)  # ADR 21: revoked tokens
        db = runtime.db
        views, people, directory = (
            MongoViews(db),
            ProfilePeople(db, settings.user_profiles_topic),
            ProjectedMemberships(db),
        )
        context = Context(
            streams=EventStoreCampaigns(runtime.store),
            codes=MongoCodes(db),
            memberships=directory,
            settings=MongoSettings(db),
            views=views,
            people=people,
            catalogue=Catalogue(load_release(settings.content_dir)),
            public_url=settings.public_url.rstrip("/"),
        )
        memberships = MembershipProjection(db)
        runtime.subscribe(
            name="memberships",
            topics=[settings.organisation_topic],
            handler=memberships.handle,
            event_types=MEMBERSHIP_EVENT_TYPES,
        )
        runtime.subscribe(
            name="campaign-views",
            topics=[settings.events_topic],
            handler=views.apply,
            event_types=CAMPAIGN_EVENT_TYPES,
        )
        return cls(runtime, context, settings, views, memberships, people, directory)

    async def on_startup(self, runtime: ServiceRuntime) -> None:
        await self.views.ensure_indexes()
        await self.memberships.ensure_indexes()
        never = asyncio.Event()
        group = f"{self.settings.service_name}.people"
        runtime.run_periodically(
            "user_profiles",
            lambda: self.people.projection.follow(self.settings.kafka_bootstrap, group, never),
            2.0,
        )

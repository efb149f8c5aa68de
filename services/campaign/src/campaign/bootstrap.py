"""Wiring of the campaign service: `Lifecycle` builds the real adapters into a `Context`,
declares the consumers and starts the background followers.

Consumers: memberships from `organisation.events` (authorisation), the service's own
`campaign.events` (read models repaired after a crash; applying twice changes nothing), and
users' names from the compacted `identity.user-profiles` (owners).
"""

from __future__ import annotations

import asyncio

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
from orga_shared.runtime import ServiceRuntime

CAMPAIGN_EVENT_TYPES = (
    "CampaignCreated",
    "CampaignUpdated",
    "CampaignArchived",
    "CampaignUnarchived",
    "CampaignDeleted",
)


class Lifecycle:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.runtime = runtime = ServiceRuntime(settings, topic=settings.events_topic)
        assert runtime.store is not None
        db = runtime.db
        self.views = MongoViews(db)
        self.memberships = MembershipProjection(db)
        self.people = ProfilePeople(db, settings.user_profiles_topic)
        self.directory = ProjectedMemberships(db)
        self.context = Context(
            streams=EventStoreCampaigns(runtime.store),
            codes=MongoCodes(db),
            memberships=self.directory,
            settings=MongoSettings(db),
            views=self.views,
            people=self.people,
            catalogue=Catalogue(load_release()),
            public_url=settings.public_url.rstrip("/"),
        )
        runtime.subscribe(
            name="memberships",
            topics=[settings.organisation_topic],
            handler=self.memberships.handle,
            event_types=MEMBERSHIP_EVENT_TYPES,
        )
        runtime.subscribe(
            name="campaign-views",
            topics=[settings.events_topic],
            handler=self.views.apply,
            event_types=CAMPAIGN_EVENT_TYPES,
        )

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

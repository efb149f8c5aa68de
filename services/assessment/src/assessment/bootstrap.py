"""Wiring of the assessment service: `Lifecycle.build` puts the real adapters into a `Context`,
declares the consumers, and starts the background jobs at startup.

Consumers: campaigns from `campaign.events` (to accept a code, freeze the target, and drop a
deleted campaign's participations), organisations and learners from `organisation.events`
(restricted campaigns, disabled learners), `UserErased` from `identity.events`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from assessment.adapters.facts import CAMPAIGN_EVENT_TYPES, ORGANISATION_EVENT_TYPES, MongoFacts
from assessment.adapters.people import MongoExternalIds, MongoReservations
from assessment.adapters.resets import MongoResets
from assessment.adapters.store import ParticipantStore
from assessment.application import participations
from assessment.application.context import Context
from assessment.application.targets import TargetCache
from assessment.config import Settings
from orga_shared.clock import OffsetClock, utcnow
from orga_shared.content.loader import load_release
from orga_shared.contracts.campaign import CampaignDeleted
from orga_shared.contracts.identity import UserErased
from orga_shared.events.envelope import DomainEvent, Envelope
from orga_shared.membership import MEMBERSHIP_EVENT_TYPES, MembershipDirectory, MembershipProjection
from orga_shared.messaging.outbox import MarkBatcher
from orga_shared.revocation import track_revocations
from orga_shared.runtime import ServiceRuntime


@dataclass(frozen=True)
class Lifecycle:
    """The runtime (started and stopped by the app's lifespan) and the `Context` it serves."""

    runtime: ServiceRuntime
    context: Context
    settings: Settings
    store: ParticipantStore
    facts: MongoFacts
    external_ids: MongoExternalIds
    resets: MongoResets
    marks: MarkBatcher
    memberships: MembershipProjection
    directory: MembershipDirectory

    @classmethod
    def build(cls, settings: Settings) -> Lifecycle:
        runtime = ServiceRuntime(settings, topic=settings.events_topic)
        assert runtime.store is not None
        track_revocations(runtime, topic=settings.identity_topic)  # ADR 21: revoked tokens
        db = runtime.db
        release = load_release(settings.content_dir)
        marks = MarkBatcher(runtime.publisher.commits, interval=settings.mark_interval_seconds)
        store = ParticipantStore(
            db,
            topic=settings.events_topic,
            producer=settings.service_name,
            publisher=runtime.publisher,
            marks=marks,
        )
        facts = MongoFacts(db, release)
        external_ids = MongoExternalIds(db, settings.participant_ids_topic)
        resets = MongoResets(db, runtime.store)
        directory = MembershipDirectory(db)
        memberships = MembershipProjection(db)
        context = Context(
            release=release,
            store=store,
            facts=facts,
            targets=TargetCache(release),
            reservations=MongoReservations(db),
            external_ids=external_ids,
            resets=resets,
            memberships=directory,
            max_level=settings.max_level,
            clock=OffsetClock(settings.clock_file) if settings.clock_file else utcnow,
        )
        lifecycle = cls(
            runtime,
            context,
            settings,
            store,
            facts,
            external_ids,
            resets,
            marks,
            memberships,
            directory,
        )
        runtime.subscribe(
            name="memberships",
            topics=[settings.organisation_topic],
            handler=memberships.handle,
            event_types=MEMBERSHIP_EVENT_TYPES,
        )
        runtime.subscribe(
            name="campaigns",
            topics=[settings.campaign_topic],
            handler=lifecycle.on_campaign_event,
            event_types=CAMPAIGN_EVENT_TYPES,
        )
        runtime.subscribe(
            name="organisations",
            topics=[settings.organisation_topic],
            handler=facts.apply_organisation,
            event_types=ORGANISATION_EVENT_TYPES,
        )
        runtime.subscribe(
            name="erasure",
            topics=[settings.identity_topic],
            handler=lifecycle.on_identity_event,
            event_types=("UserErased",),
        )
        return lifecycle

    async def on_campaign_event(self, envelope: Envelope, event: DomainEvent) -> None:
        await self.facts.apply_campaign(envelope, event)
        if isinstance(event, CampaignDeleted):
            await participations.drop_campaign(self.context, event.campaign_id)

    async def on_identity_event(self, envelope: Envelope, event: DomainEvent) -> None:
        if isinstance(event, UserErased):
            await participations.erase_user(self.context, event.user_id)

    async def on_startup(self, runtime: ServiceRuntime) -> None:
        await self.store.ensure_indexes()
        await self.facts.ensure_indexes()
        await self.external_ids.ensure_indexes()
        await self.resets.ensure_indexes()
        await self.memberships.ensure_indexes()
        self.external_ids.outbox.bind(runtime.producer)
        runtime.run_periodically("publish_marks", self.marks.run, 1.0)
        grace = timedelta(seconds=self.settings.outbox_relay_grace_seconds)
        runtime.run_periodically(
            "participant_ids_relay",
            lambda: self.external_ids.outbox.relay_once(grace),
            self.settings.outbox_relay_interval_seconds,
        )

    async def on_shutdown(self, runtime: ServiceRuntime) -> None:
        await self.store.drain()

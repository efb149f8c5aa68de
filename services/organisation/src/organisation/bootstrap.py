"""Wiring of the organisation service: runtime, stores, views, consumers, background relay.

Used by the HTTP app and by the CLI (`create`, `seed`), so both run the same use cases on the
same adapters.
"""

from __future__ import annotations

from dataclasses import dataclass

from orga_shared.mail import Mailer, MailSettings
from orga_shared.runtime import ServiceRuntime
from organisation.adapters.identity import IDENTITY_EVENT_TYPES, AccountKinds, IdentityClient
from organisation.adapters.invitations import InvitationStore
from organisation.adapters.learners import LearnerStore
from organisation.adapters.mail import InvitationMailer
from organisation.adapters.organisations import OrganisationView
from organisation.adapters.profiles import ProfilePublisher
from organisation.adapters.views import LocalViews
from organisation.application.context import Context
from organisation.config import Settings


@dataclass
class Service:
    runtime: ServiceRuntime
    context: Context

    async def on_startup(self, _: ServiceRuntime | None = None) -> None:
        ctx = self.context
        await ctx.views.ensure_indexes()
        await ctx.invitations.ensure_indexes()
        await ctx.learners.ensure_indexes()
        await ctx.organisations.ensure_indexes()
        self.runtime.run_periodically(
            "profile_relay",
            ctx.profiles.publish_pending,
            ctx.settings.profile_relay_interval_seconds,
        )

    async def start(self) -> None:
        """For the CLI: what the HTTP app's lifespan does."""
        await self.runtime.start()
        await self.on_startup()

    async def stop(self) -> None:
        await self.runtime.stop()


def build_runtime(settings: Settings) -> ServiceRuntime:
    return ServiceRuntime(settings, topic=settings.events_topic)


def build_service(
    settings: Settings, *, mail: MailSettings | None = None, consumers: bool = True
) -> Service:
    runtime = build_runtime(settings)
    db = runtime.db
    organisations = OrganisationView(db)
    invitations = InvitationStore(db)
    learners = LearnerStore(db)
    views = LocalViews(db, organisations, invitations, learners)
    accounts = AccountKinds(db)
    assert runtime.store is not None
    context = Context(
        settings=settings,
        store=runtime.store,
        views=views,
        organisations=organisations,
        invitations=invitations,
        learners=learners,
        profiles=ProfilePublisher(learners, settings.profiles_topic, lambda: runtime.producer),
        mailer=InvitationMailer(Mailer(mail), settings.public_url),
        identity=IdentityClient(settings.identity_url),
        accounts=accounts,
    )
    if consumers and settings.repair_consumer:
        runtime.subscribe(name="local-views", topics=[settings.events_topic], handler=views.handle)
    if consumers and settings.identity_events_topic:
        runtime.subscribe(
            name="account-kinds",
            topics=[settings.identity_events_topic],
            handler=accounts.handle,
            event_types=IDENTITY_EVENT_TYPES,
        )
    return Service(runtime, context)

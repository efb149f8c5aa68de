"""`Lifecycle`: the organisation service's real adapters wired into a `Context`, started, stopped.

Used by the HTTP app and by the CLI (`create`, `seed`), so both run the same use cases on the
same adapters.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from orga_shared.contracts.identity import UserErased
from orga_shared.events.envelope import DomainEvent, Envelope
from orga_shared.mail import Mailer, MailSettings
from orga_shared.membership import MembershipDirectory, MembershipProjection
from orga_shared.messaging.document_outbox import DocumentOutbox
from orga_shared.revocation import track_revocations
from orga_shared.runtime import ServiceRuntime
from organisation.adapters.files import FileReaders
from organisation.adapters.identity import IDENTITY_EVENT_TYPES, AccountKinds, IdentityClient
from organisation.adapters.import_locks import ImportLocks
from organisation.adapters.invitations import InvitationStore
from organisation.adapters.learner_status import LearnerStatusView
from organisation.adapters.learners import LearnerStore
from organisation.adapters.mail import InvitationMailer
from organisation.adapters.organisations import OrganisationView
from organisation.adapters.profiles import learner_profiles
from organisation.adapters.views import LocalViews
from organisation.application import learners as learners_app
from organisation.application.context import Context
from organisation.config import Settings


@dataclass
class Lifecycle:
    runtime: ServiceRuntime
    context: Context
    views: LocalViews
    directory: MembershipDirectory
    memberships: MembershipProjection
    invitations: InvitationStore
    learners: LearnerStore
    organisations: OrganisationView
    profiles: DocumentOutbox

    async def on_startup(self, _: ServiceRuntime | None = None) -> None:
        await self.memberships.ensure_indexes()
        await self.invitations.ensure_indexes()
        await self.learners.ensure_indexes()
        await self.organisations.ensure_indexes()
        await self.profiles.ensure_indexes()
        self.profiles.bind(self.runtime.producer)
        settings = self.context.settings
        grace = timedelta(seconds=settings.outbox_relay_grace_seconds)

        async def relay() -> int:
            return await self.profiles.relay_once(grace)

        self.runtime.run_periodically(
            "profile_relay", relay, settings.profile_relay_interval_seconds
        )

    async def start(self) -> None:
        """For the CLI: what the HTTP app's lifespan does."""
        await self.runtime.start()
        await self.on_startup()

    async def stop(self) -> None:
        await self.runtime.stop()


def build_runtime(settings: Settings) -> ServiceRuntime:
    return ServiceRuntime(settings, topic=settings.events_topic)


def build_lifecycle(
    settings: Settings, *, mail: MailSettings | None = None, consumers: bool = True
) -> Lifecycle:
    runtime = build_runtime(settings)
    db = runtime.db
    organisations = OrganisationView(db)
    invitations = InvitationStore(db)
    learners = LearnerStore(db)
    memberships, directory = MembershipProjection(db), MembershipDirectory(db)
    views = LocalViews(memberships, organisations, invitations, LearnerStatusView(db))
    accounts = AccountKinds(db)
    profiles = learner_profiles(db, settings.profiles_topic)
    assert runtime.store is not None
    context = Context(
        settings=settings,
        store=runtime.store,
        views=views,
        directory=directory,
        organisations=organisations,
        invitations=invitations,
        learners=learners,
        locks=ImportLocks(db),
        files=FileReaders(),
        profiles=profiles,
        mailer=InvitationMailer(Mailer(mail), settings.public_url),
        identity=IdentityClient(settings.identity_url),
        accounts=accounts,
    )
    if consumers and settings.identity_events_topic:  # ADR 21: revoked tokens
        track_revocations(runtime, topic=settings.identity_events_topic)
    if consumers and settings.repair_consumer:
        runtime.subscribe(name="local-views", topics=[settings.events_topic], handler=views.handle)
    if consumers and settings.identity_events_topic:
        runtime.subscribe(
            name="account-kinds",
            topics=[settings.identity_events_topic],
            handler=accounts.handle,
            event_types=IDENTITY_EVENT_TYPES,
        )

        async def on_user_erased(envelope: Envelope, event: DomainEvent) -> None:
            if isinstance(event, UserErased):
                await learners_app.erase_user(context, event.user_id)

        runtime.subscribe(
            name="user-erasures",
            topics=[settings.identity_events_topic],
            handler=on_user_erased,
            event_types=("UserErased",),
        )
    return Lifecycle(
        runtime,
        context,
        views,
        directory,
        memberships,
        invitations,
        learners,
        organisations,
        profiles,
    )

"""What every use case receives: the event store, views, stores and outside services."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from orga_shared.eventstore.store import EventStore
from organisation.adapters.identity import AccountKinds, IdentityClient
from organisation.adapters.invitations import InvitationStore
from organisation.adapters.learners import LearnerStore
from organisation.adapters.mail import InvitationMailer
from organisation.adapters.organisations import OrganisationView
from organisation.adapters.profiles import ProfilePublisher
from organisation.adapters.views import LocalViews
from organisation.config import Settings


def utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass
class Context:
    settings: Settings
    store: EventStore
    views: LocalViews
    organisations: OrganisationView
    invitations: InvitationStore
    learners: LearnerStore
    profiles: ProfilePublisher
    mailer: InvitationMailer
    identity: IdentityClient
    accounts: AccountKinds
    clock: Callable[[], datetime] = field(default=utcnow)

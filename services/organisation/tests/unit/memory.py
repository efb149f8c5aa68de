"""In-memory adapters implementing `organisation.application.ports`, for application tests.

They keep the same documents (field names, states, version guards) as the MongoDB adapters,
and the views are the real `LocalViews` dispatch over these stores, so a use case runs here
exactly as in production minus the I/O. The real adapters are covered by the integration tests.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypeVar

from orga_shared.clock import utcnow
from orga_shared.contracts.organisation import Role
from orga_shared.events.envelope import DomainEvent, Envelope
from orga_shared.testing.memory_store import MemoryEventStore as KernelMemoryEventStore
from organisation.adapters.files import FileReaders
from organisation.adapters.invitations import draft
from organisation.adapters.views import LocalViews
from organisation.application.context import Context
from organisation.config import Settings
from organisation.domain.events import MembershipCreated, MembershipRevoked, MembershipRoleChanged
from organisation.domain.reconciliation import AccountHint

from .memory_learners import MemoryLearners, MemoryLocks, MemoryProfiles

S = TypeVar("S")
Doc = dict[str, Any]


class MemoryEventStore(KernelMemoryEventStore):
    def __init__(self) -> None:
        super().__init__(topic="organisation.events", producer="organisation")


class MemoryMemberships:
    """Projection and directory in one: (user, organisation) -> role of the active membership."""

    def __init__(self) -> None:
        self.roles: dict[tuple[str, str], Role] = {}

    async def handle(self, envelope: Envelope, event: DomainEvent) -> None:
        match event:
            case MembershipCreated() | MembershipRoleChanged():
                self.roles[(event.user_id, event.organisation_id)] = event.role
            case MembershipRevoked():
                self.roles.pop((event.user_id, event.organisation_id), None)

    async def organisations_of(self, user_id: str) -> dict[str, Role]:
        return {org: role for (user, org), role in self.roles.items() if user == user_id}


class MemoryOrganisations:
    def __init__(self) -> None:
        self.docs: dict[str, Doc] = {}

    async def upsert(self, organisation_id: str, version: int, fields: dict[str, Any]) -> None:
        doc = self.docs.setdefault(organisation_id, {"_id": organisation_id, "version": 0})
        if doc["version"] < version:
            doc.update(fields, version=version)

    async def many(self, ids: Iterable[str]) -> list[Doc]:
        wanted = set(ids)
        return sorted(
            (d for d in self.docs.values() if d["_id"] in wanted), key=lambda d: d["name"]
        )

    async def all(self) -> list[Doc]:
        return sorted(self.docs.values(), key=lambda d: d["name"])


class MemoryInvitations:
    def __init__(self) -> None:
        self.docs: dict[str, Doc] = {}

    async def pending_for(self, organisation_id: str, email: str) -> Doc | None:
        return next(
            (
                d
                for d in self.docs.values()
                if (d["organisation_id"], d["email"], d["status"])
                == (organisation_id, email, "pending")
            ),
            None,
        )

    async def add_draft(
        self, invitation_id: str, organisation_id: str, email: str, code: str, now: datetime
    ) -> None:
        self.docs[invitation_id] = draft(invitation_id, organisation_id, email, code, now)

    async def get(self, invitation_id: str) -> Doc | None:
        return self.docs.get(invitation_id)

    async def pending(self, organisation_id: str) -> list[Doc]:
        found = [
            d
            for d in self.docs.values()
            if d["organisation_id"] == organisation_id and d["status"] == "pending"
        ]
        return sorted(found, key=lambda d: d["last_sent_at"], reverse=True)

    async def apply(self, invitation_id: str, version: int, changes: dict[str, Any]) -> None:
        doc = self.docs.get(invitation_id)
        if doc is not None and doc["version"] < version:
            doc.update(changes, version=version)


@dataclass
class SentMail:
    to: str
    organisation_name: str
    invitation_id: str
    code: str
    expires_at: datetime | None


class MemoryMail:
    def __init__(self) -> None:
        self.sent: list[SentMail] = []
        self.refuse = False
        """The mail server refuses everything (an outage)."""

    async def send(
        self,
        *,
        to: str,
        organisation_name: str,
        invitation_id: str,
        code: str,
        expires_at: datetime | None,
    ) -> bool:
        if self.refuse:
            return False
        self.sent.append(SentMail(to, organisation_name, invitation_id, code, expires_at))
        return True

    def to(self, address: str) -> list[SentMail]:
        return [m for m in self.sent if m.to == address]


class MemoryIdentity:
    """Identity's account creation and how accounts log in."""

    def __init__(self) -> None:
        self.accounts: dict[str, dict[str, str]] = {}
        self.kinds: dict[str, AccountHint] = {}

    async def register(
        self, *, first_name: str, last_name: str, email: str, password: str, correlation_id: str
    ) -> str:
        user_id = f"user-{len(self.accounts) + 1}"
        self.accounts[user_id] = {"first_name": first_name, "last_name": last_name, "email": email}
        self.kinds[user_id] = AccountHint("email")
        return user_id

    async def hint(self, user_id: str | None) -> AccountHint | None:
        return self.kinds.get(user_id) if user_id else None


@dataclass
class World:
    """A `Context` on memory adapters, and the adapters themselves to look at."""

    store: MemoryEventStore = field(default_factory=MemoryEventStore)
    memberships: MemoryMemberships = field(default_factory=MemoryMemberships)
    organisations: MemoryOrganisations = field(default_factory=MemoryOrganisations)
    invitations: MemoryInvitations = field(default_factory=MemoryInvitations)
    learners: MemoryLearners = field(default_factory=MemoryLearners)
    locks: MemoryLocks = field(default_factory=MemoryLocks)
    mail: MemoryMail = field(default_factory=MemoryMail)
    identity: MemoryIdentity = field(default_factory=MemoryIdentity)
    settings: Settings = field(default_factory=lambda: Settings(import_chunk_size=2))
    now: datetime = field(default_factory=utcnow)

    def __post_init__(self) -> None:
        self.profiles = MemoryProfiles(self.learners)
        views = LocalViews(self.memberships, self.organisations, self.invitations, self.learners)
        self.ctx = Context(
            settings=self.settings,
            store=self.store,
            views=views,
            directory=self.memberships,
            organisations=self.organisations,
            invitations=self.invitations,
            learners=self.learners,
            locks=self.locks,
            files=FileReaders(),
            profiles=self.profiles,
            mailer=self.mail,
            identity=self.identity,
            accounts=self.identity,
            clock=lambda: self.now,
        )

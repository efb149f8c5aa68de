"""What the use cases need from the world, as small Protocols (docs/architecture.md).

`bootstrap.py` wires the real adapters (MongoDB, Kafka, SMTP, identity's HTTP API); the
application tests wire the in-memory ones of `tests/unit/memory.py`. Documents are plain dicts
with the stored field names, as both sides read them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any, Protocol, TypeVar

from orga_shared.contracts.organisation import Role
from orga_shared.events.envelope import DomainEvent, Envelope
from organisation.domain.learners import LearnerRecord
from organisation.domain.reconciliation import AccountHint
from organisation.domain.siecle import SiecleFile

S = TypeVar("S")
Doc = dict[str, Any]


class Views(Protocol):
    """The local views of our own events, applied inline right after an append."""

    async def apply_all(self, pairs: Sequence[tuple[Envelope, DomainEvent]]) -> None: ...


class Directory(Protocol):
    async def organisations_of(self, user_id: str) -> dict[str, Role]: ...


class Organisations(Protocol):
    async def many(self, ids: Iterable[str]) -> list[Doc]: ...

    async def all(self) -> list[Doc]: ...


class Invitations(Protocol):
    """Invitees' e-mails and link codes (never in events)."""

    async def pending_for(self, organisation_id: str, email: str) -> Doc | None: ...

    async def add_draft(
        self, invitation_id: str, organisation_id: str, email: str, code: str, now: datetime
    ) -> None: ...

    async def get(self, invitation_id: str) -> Doc | None: ...

    async def pending(self, organisation_id: str) -> list[Doc]: ...


class Learners(Protocol):
    """Imported learners' personal data and the reads of lists and reconciliation."""

    async def ids_by_key(self, organisation_id: str) -> dict[str, str]: ...

    async def write_profiles(
        self,
        organisation_id: str,
        import_id: str,
        records: Sequence[LearnerRecord],
        ids: Sequence[str],
    ) -> None: ...

    async def get(self, learner_id: str) -> Doc | None: ...

    async def page(
        self,
        organisation_id: str,
        *,
        divisions: Iterable[str] = (),
        groups: Iterable[str] = (),
        certificability: Iterable[str] = (),
    ) -> list[Doc]: ...

    async def distinct_values(self, organisation_id: str, field: str) -> list[str]: ...

    async def candidates(self, organisation_id: str, birthdate: date) -> list[Doc]: ...

    async def linked_to(self, user_id: str) -> list[Doc]: ...

    async def same_ine_elsewhere(
        self, national_student_id: str, organisation_id: str
    ) -> list[Doc]: ...

    async def with_ine(self, organisation_id: str, national_student_id: str) -> list[Doc]: ...


class ImportLocks(Protocol):
    async def lock(self, organisation_id: str, import_id: str, ttl_seconds: float) -> bool: ...

    async def unlock(self, organisation_id: str, import_id: str) -> None: ...


class Files(Protocol):
    """Readers of uploaded files; a refused file raises `FileRejected`."""

    def siecle(self, data: bytes, max_uncompressed: int) -> SiecleFile: ...

    def sup_csv(self, data: bytes, max_uncompressed: int) -> list[dict[str, str | None]]: ...


class Profiles(Protocol):
    """The compacted profile topic's outbox (`orga_shared.messaging.document_outbox`)."""

    async def publish_quietly(self, where: dict[str, Any] | None = None) -> None: ...


class InvitationMail(Protocol):
    async def send(
        self,
        *,
        to: str,
        organisation_name: str,
        invitation_id: str,
        code: str,
        expires_at: datetime | None,
    ) -> bool:
        """Whether the mail server took it."""
        ...


class Accounts(Protocol):
    """Identity, as organisation needs it: create an invitee's account, know how one logs in."""

    async def register(
        self, *, first_name: str, last_name: str, email: str, password: str, correlation_id: str
    ) -> str: ...


class AccountKinds(Protocol):
    async def hint(self, user_id: str | None) -> AccountHint | None: ...

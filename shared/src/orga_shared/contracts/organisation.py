"""Published contracts of the organisation service: events on `organisation.events` and the
value carried by the compacted topic `organisation.learner-profiles`.

Events carry ids and facts only. E-mails of invitees, learners' names, birth dates, INE and
student numbers never appear here (docs/design.md §2): they live in the organisation service's own
collections and, for learners, on the compacted profile topic where erasure is a tombstone.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from orga_shared.events.envelope import DomainEvent
from orga_shared.events.registry import EVENTS

OrganisationType = Literal["SCO", "SUP", "PRO", "SCO-1D"]
Role = Literal["ADMIN", "MEMBER"]
LearnerSource = Literal["SIECLE", "SUP_CSV"]
ImportMode = Literal["ADD", "REPLACE"]
ReconciliationMethod = Literal["MANUAL", "AUTOMATIC"]

EVENTS_TOPIC = "organisation.events"
LEARNER_PROFILES_TOPIC = "organisation.learner-profiles"


def organisation_stream(organisation_id: str) -> str:
    """Stream of one organisation: its settings, team and invitations."""
    return f"organisation-{organisation_id}"


def roster_stream(organisation_id: str) -> str:
    """Stream of the learners imported into one organisation (ADR 0007)."""
    return f"learners-{organisation_id}"


# --- organisation stream -------------------------------------------------------------------


@EVENTS.register
class OrganisationCreated(DomainEvent):
    event_type = "OrganisationCreated"

    organisation_id: str
    name: str
    type: OrganisationType
    external_id: str | None = None
    is_managing_students: bool = False
    created_by: str | None = None


@EVENTS.register
class MemberInvited(DomainEvent):
    """An invitation was sent; the invitee's e-mail stays in the service's own collection."""

    event_type = "MemberInvited"

    organisation_id: str
    invitation_id: str
    role: Role | None = None
    invited_by: str | None = None
    expires_at: datetime | None = None


@EVENTS.register
class InvitationResent(DomainEvent):
    event_type = "InvitationResent"

    organisation_id: str
    invitation_id: str
    resent_by: str | None = None
    expires_at: datetime | None = None


@EVENTS.register
class InvitationCancelled(DomainEvent):
    event_type = "InvitationCancelled"

    organisation_id: str
    invitation_id: str
    cancelled_by: str | None = None


@EVENTS.register
class InvitationAccepted(DomainEvent):
    """`membership_id` is None when the user was already a member (invitation still used up)."""

    event_type = "InvitationAccepted"

    organisation_id: str
    invitation_id: str
    user_id: str
    membership_id: str | None = None


@EVENTS.register
class MembershipCreated(DomainEvent):
    event_type = "MembershipCreated"

    organisation_id: str
    membership_id: str
    user_id: str
    role: Role
    created_by: str | None = None
    invitation_id: str | None = None


@EVENTS.register
class MembershipRoleChanged(DomainEvent):
    event_type = "MembershipRoleChanged"

    organisation_id: str
    membership_id: str
    user_id: str
    role: Role
    changed_by: str | None = None


@EVENTS.register
class MembershipRevoked(DomainEvent):
    """Removal by an admin (`removed`) or leaving (`left`): memberships are disabled, not erased."""

    event_type = "MembershipRevoked"

    organisation_id: str
    membership_id: str
    user_id: str
    revoked_by: str | None = None
    reason: Literal["removed", "left"]


# --- learners stream (one per organisation, chunked commits) ------------------------------


class _LearnerBatch(DomainEvent):
    organisation_id: str
    import_id: str | None = None
    learner_ids: list[str] = Field(max_length=1000)


@EVENTS.register
class LearnersAdded(_LearnerBatch):
    """Learners seen for the first time in this organisation (at most one chunk of ids)."""

    event_type = "LearnersAdded"


@EVENTS.register
class LearnersReactivated(_LearnerBatch):
    """Disabled learners present again in an import."""

    event_type = "LearnersReactivated"


@EVENTS.register
class LearnersDisabled(_LearnerBatch):
    """Learners absent from a SIECLE import: they left the school; their history stays."""

    event_type = "LearnersDisabled"

    reason: Literal["absent_from_import"] = "absent_from_import"


@EVENTS.register
class LearnersDeleted(_LearnerBatch):
    """Learners removed by a SUP "Remplacer" import (soft delete, as the real service)."""

    event_type = "LearnersDeleted"

    deleted_by: str | None = None


@EVENTS.register
class LearnersImported(DomainEvent):
    """Closes an import: every chunk before it with the same `import_id` belongs to it."""

    event_type = "LearnersImported"

    organisation_id: str
    import_id: str
    source: LearnerSource
    mode: ImportMode
    learner_count: int = Field(ge=0)
    imported_by: str | None = None


@EVENTS.register
class LearnerReconciled(DomainEvent):
    """A student account is now linked to an imported learner."""

    event_type = "LearnerReconciled"

    organisation_id: str
    learner_id: str
    user_id: str
    method: ReconciliationMethod = "MANUAL"


@EVENTS.register
class LearnerErased(DomainEvent):
    """The learner's personal data was erased; a tombstone went to the profile topic."""

    event_type = "LearnerErased"

    organisation_id: str
    learner_id: str
    erased_by: str | None = None


# --- compacted topic value -------------------------------------------------------------------


class LearnerProfile(BaseModel):
    """Value on `organisation.learner-profiles`, keyed by learner id; a null value = erased.

    Personal data only: whether a learner is active, deleted or linked to an account is told
    by the events (`LearnersDisabled`, `LearnerReconciled`, ...), never here.
    """

    model_config = ConfigDict(frozen=True, extra="ignore")

    schema_version: Literal[1] = 1
    learner_id: str
    organisation_id: str
    first_name: str
    middle_name: str | None = None
    third_name: str | None = None
    last_name: str
    preferred_last_name: str | None = None
    birthdate: date | None = None
    national_student_id: str | None = None
    student_number: str | None = None
    email: str | None = None
    division: str | None = None
    group: str | None = None
    diploma: str | None = None
    study_scheme: str | None = None
    sex: str | None = None
    updated_at: datetime

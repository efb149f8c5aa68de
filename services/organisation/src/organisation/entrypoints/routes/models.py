"""What the organisation API answers: one pydantic model per response body (the OpenAPI
document is the contract clients are generated from)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel

from organisation.application.emails import EMAIL_LIST

__all__ = ["EMAIL_LIST"]

Role = Literal["ADMIN", "MEMBER"]
OrganisationType = Literal["SCO", "SUP", "PRO", "SCO-1D"]
Certificability = Literal["eligible", "non-eligible", "not-available"]


class SentInvitation(BaseModel):
    id: str
    email: str
    resent: bool
    email_sent: bool
    expires_at: datetime | None = None


class OrganisationListItem(BaseModel):
    id: str
    name: str
    type: OrganisationType
    external_id: str | None = None
    is_managing_students: bool


class OrganisationOut(OrganisationListItem):
    member_count: int


class CreatedOrganisation(OrganisationOut):
    invitations: list[SentInvitation]


class MyOrganisationDetail(OrganisationOut):
    my_role: Role | None = None


class OrganisationList(BaseModel):
    data: list[OrganisationListItem]


class MyOrganisation(BaseModel):
    id: str
    name: str
    type: OrganisationType
    is_managing_students: bool
    role: Role


class MyOrganisationList(BaseModel):
    data: list[MyOrganisation]


class Membership(BaseModel):
    id: str
    user_id: str
    role: Role


class TeamMember(Membership):
    is_me: bool


class TeamMemberList(BaseModel):
    data: list[TeamMember]


class SentInvitationList(BaseModel):
    data: list[SentInvitation]


class PendingInvitation(BaseModel):
    id: str
    email: str
    role: Role | None = None
    last_sent_at: datetime | None = None
    expires_at: datetime | None = None


class PendingInvitationList(BaseModel):
    data: list[PendingInvitation]


class InvitationView(BaseModel):
    id: str
    organisation_id: str
    organisation_name: str
    email: str
    status: Literal["pending", "accepted", "cancelled"]
    expires_at: datetime | None = None


class AcceptedInvitation(BaseModel):
    organisation_id: str
    organisation_name: str
    membership_id: str
    user_id: str
    role: Role


class ImportWarning(BaseModel):
    line: int | None = None
    code: str
    message: str
    field: str | None = None


class ImportReport(BaseModel):
    import_id: str
    learner_count: int
    added: int
    reactivated: int
    disabled: int
    deleted: int
    warnings: list[ImportWarning]


class LearnerRow(BaseModel):
    id: str
    first_name: str | None = None
    last_name: str | None = None
    preferred_last_name: str | None = None
    birthdate: str | None = None
    division: str | None = None
    group: str | None = None
    student_number: str | None = None
    certificability: Certificability | None = None
    linked: bool


class PageMeta(BaseModel):
    page: int
    size: int
    total: int
    page_count: int


class LearnerFilters(BaseModel):
    divisions: list[str]
    groups: list[str]


class LearnerPage(BaseModel):
    data: list[LearnerRow]
    meta: PageMeta
    filters: LearnerFilters


class LearnerSummary(BaseModel):
    id: str
    organisation_id: str
    first_name: str | None = None
    last_name: str | None = None
    division: str | None = None
    group: str | None = None

"""The organisation service's events: defined once in the published contracts."""

from orga_shared.contracts.organisation import (
    InvitationAccepted,
    InvitationCancelled,
    InvitationResent,
    LearnerErased,
    LearnerReconciled,
    LearnersAdded,
    LearnersDeleted,
    LearnersDisabled,
    LearnersImported,
    LearnersReactivated,
    MemberInvited,
    MembershipCreated,
    MembershipRevoked,
    MembershipRoleChanged,
    OrganisationCreated,
)

__all__ = [
    "InvitationAccepted",
    "InvitationCancelled",
    "InvitationResent",
    "LearnerErased",
    "LearnerReconciled",
    "LearnersAdded",
    "LearnersDeleted",
    "LearnersDisabled",
    "LearnersImported",
    "LearnersReactivated",
    "MemberInvited",
    "MembershipCreated",
    "MembershipRevoked",
    "MembershipRoleChanged",
    "OrganisationCreated",
]

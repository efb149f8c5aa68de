"""Identity's published events, defined once in the shared contracts (re-exported here)."""

from orga_shared.contracts.identity import (
    AccountRecovered,
    ExternalIdentityLinked,
    PasswordChanged,
    RoleGranted,
    SessionsRevoked,
    TermsOfServiceAccepted,
    UserErased,
    UserLocked,
    UserProfileChanged,
    UserRegistered,
)

__all__ = [
    "AccountRecovered",
    "ExternalIdentityLinked",
    "PasswordChanged",
    "RoleGranted",
    "SessionsRevoked",
    "TermsOfServiceAccepted",
    "UserErased",
    "UserLocked",
    "UserProfileChanged",
    "UserRegistered",
]

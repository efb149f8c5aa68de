"""Domain errors carry a stable code and the French message the user reads.

The HTTP layer only maps each class to a status; wording stays next to the rule it explains.
"""

from __future__ import annotations


class DomainError(Exception):
    code = "invalid"
    message = "Requête invalide."

    def __init__(self, message: str | None = None, field: str | None = None) -> None:
        super().__init__(message or self.message)
        self.message = message or self.message
        self.field = field


class InvalidInput(DomainError):
    code = "invalid_input"


class WeakPassword(InvalidInput):
    code = "weak_password"
    message = (
        "Votre mot de passe doit contenir 8 caractères au minimum et comporter au moins "
        "une majuscule, une minuscule et un chiffre."
    )


class UserNotFound(DomainError):
    code = "user_not_found"
    message = "Utilisateur introuvable."


class AlreadyRegistered(DomainError):
    code = "already_registered"
    message = "Ce compte existe déjà."


class NotRecoverable(DomainError):
    code = "account_not_recoverable"
    message = (
        "Ce compte possède déjà une adresse e-mail : connectez-vous avec elle "
        "ou réinitialisez votre mot de passe."
    )


class UserIsErased(DomainError):
    code = "user_erased"
    message = "Ce compte a été supprimé."


class AssertionRejected(DomainError):
    """An SSO assertion that must not log anyone in."""

    code = "invalid_assertion"
    message = "L'assertion d'identité est invalide."


class UntrustedIdentityProvider(AssertionRejected):
    code = "untrusted_identity_provider"
    message = "Ce fournisseur d'identité n'est pas reconnu."


class AssertionExpired(AssertionRejected):
    code = "assertion_expired"
    message = "L'assertion d'identité a expiré ; reconnectez-vous depuis votre ENT."


class AssertionReplayed(AssertionRejected):
    code = "assertion_replayed"
    message = "Cette assertion d'identité a déjà été utilisée ; reconnectez-vous depuis votre ENT."

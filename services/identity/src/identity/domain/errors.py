"""Domain errors carry a stable code and the French message the user reads.

The HTTP layer only maps each class to a status; wording stays next to the rule it explains.
"""

from __future__ import annotations


class DomainError(Exception):
    code = "INVALID"
    message = "Requête invalide."

    def __init__(self, message: str | None = None, field: str | None = None) -> None:
        super().__init__(message or self.message)
        self.message = message or self.message
        self.field = field


class InvalidInput(DomainError):
    code = "INVALID_INPUT"


class WeakPassword(InvalidInput):
    code = "WEAK_PASSWORD"
    message = (
        "Votre mot de passe doit contenir 8 caractères au minimum et comporter au moins "
        "une majuscule, une minuscule et un chiffre."
    )


class UserNotFound(DomainError):
    code = "USER_NOT_FOUND"
    message = "Utilisateur introuvable."


class AlreadyRegistered(DomainError):
    code = "ALREADY_REGISTERED"
    message = "Ce compte existe déjà."


class NotRecoverable(DomainError):
    code = "ACCOUNT_NOT_RECOVERABLE"
    message = (
        "Ce compte possède déjà une adresse e-mail : connectez-vous avec elle "
        "ou réinitialisez votre mot de passe."
    )


class UserIsErased(DomainError):
    code = "USER_ERASED"
    message = "Ce compte a été supprimé."


class AssertionRejected(DomainError):
    """An SSO assertion that must not log anyone in."""

    code = "INVALID_ASSERTION"
    message = "L'assertion d'identité est invalide."


class UntrustedIdentityProvider(AssertionRejected):
    code = "UNTRUSTED_IDENTITY_PROVIDER"
    message = "Ce fournisseur d'identité n'est pas reconnu."


class AssertionExpired(AssertionRejected):
    code = "ASSERTION_EXPIRED"
    message = "L'assertion d'identité a expiré ; reconnectez-vous depuis votre ENT."


class AssertionReplayed(AssertionRejected):
    code = "ASSERTION_REPLAYED"
    message = "Cette assertion d'identité a déjà été utilisée ; reconnectez-vous depuis votre ENT."

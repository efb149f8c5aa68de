"""Errors of the use cases that are not rules of one aggregate (uniqueness, credentials, tokens)."""

from __future__ import annotations

from datetime import datetime

from identity.domain.errors import DomainError


class EmailTaken(DomainError):
    code = "EMAIL_ALREADY_USED"
    message = "Cette adresse e-mail est déjà utilisée."


class UsernameUnavailable(DomainError):
    code = "USERNAME_UNAVAILABLE"
    message = "Impossible de générer un identifiant disponible ; réessayez."


class InvalidCredentials(DomainError):
    code = "INVALID_CREDENTIALS"
    message = "L'adresse e-mail ou l'identifiant et/ou le mot de passe saisis sont incorrects."


class AccountLocked(DomainError):
    code = "ACCOUNT_TEMPORARILY_LOCKED"

    def __init__(self, retry_at: datetime, now: datetime) -> None:
        self.retry_after = max(1, int((retry_at - now).total_seconds() + 0.999))
        minutes = max(1, (self.retry_after + 59) // 60)
        super().__init__(
            "Votre compte est temporairement bloqué après trop de tentatives de connexion "
            f"infructueuses. Réessayez dans {minutes} minute{'s' if minutes > 1 else ''}."
        )


class InvalidRefreshToken(DomainError):
    code = "INVALID_REFRESH_TOKEN"
    message = "Votre session n'est plus valide ; reconnectez-vous."


class RefreshTokenReused(InvalidRefreshToken):
    code = "REFRESH_TOKEN_REUSED"
    message = (
        "Ce jeton de session a déjà été utilisé : par sécurité, toutes les sessions liées "
        "ont été fermées. Reconnectez-vous."
    )


class RecoveryAccountNotFound(DomainError):
    code = "ACCOUNT_NOT_FOUND"
    message = "Nous n'avons trouvé aucun compte correspondant à ces informations."


class InvalidRecoveryToken(DomainError):
    code = "INVALID_RECOVERY_TOKEN"
    message = "Ce lien de récupération est invalide, expiré ou déjà utilisé."


class ResetLinkInvalid(DomainError):
    code = "RESET_LINK_INVALID"
    message = (
        "Ce lien n'est plus valable : il a expiré ou a déjà été utilisé. "
        "Faites une nouvelle demande de réinitialisation de mot de passe."
    )


class MailUnavailable(DomainError):
    code = "MAIL_UNAVAILABLE"
    message = "L'e-mail n'a pas pu être envoyé ; réessayez dans quelques minutes."

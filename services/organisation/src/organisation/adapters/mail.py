"""The invitation e-mail ("Invitation à rejoindre Pix Orga"), sent over SMTP."""

from __future__ import annotations

from datetime import datetime
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

import aiosmtplib

from orga_shared.mail import Mailer
from orga_shared.observability import get_logger

log = get_logger(__name__)
SUBJECT = "Invitation à rejoindre Pix Orga"
PARIS = ZoneInfo("Europe/Paris")


def invitation_link(public_url: str, invitation_id: str, code: str) -> str:
    query = urlencode({"invitationId": invitation_id, "code": code})
    return f"{public_url.rstrip('/')}/rejoindre?{query}"


def invitation_text(organisation_name: str, link: str, expires_at: datetime | None) -> str:
    expiry = ""
    if expires_at is not None:
        when = expires_at.astimezone(PARIS).strftime("%d/%m/%Y à %H:%M")
        expiry = f"\nCe lien est valable jusqu'au {when} et ne peut servir qu'une fois.\n"
    return (
        "Bonjour,\n\n"
        f"Vous êtes invité(e) à rejoindre l'espace Pix Orga de l'organisation "
        f"« {organisation_name} ».\n\n"
        "Pour accepter l'invitation, connectez-vous avec votre compte Pix ou créez-en un en "
        f"suivant ce lien :\n{link}\n{expiry}\n"
        "Si vous n'attendiez pas cette invitation, ignorez ce message.\n\n"
        "L'équipe Pix Orga\n"
    )


class InvitationMailer:
    def __init__(self, mailer: Mailer, public_url: str) -> None:
        self.mailer = mailer
        self.public_url = public_url

    async def send(
        self,
        *,
        to: str,
        organisation_name: str,
        invitation_id: str,
        code: str,
        expires_at: datetime | None,
    ) -> bool:
        """Whether the SMTP server took the message; a refusal is logged, never raised (the
        invitation exists and can be re-sent)."""
        link = invitation_link(self.public_url, invitation_id, code)
        text = invitation_text(organisation_name, link, expires_at)
        try:
            await self.mailer.send(to, SUBJECT, text)
        except (aiosmtplib.SMTPException, OSError, ValueError) as exc:  # ValueError: unmailable
            log.warning("invitation_mail_failed", invitation_id=invitation_id, error=str(exc))
            return False
        return True

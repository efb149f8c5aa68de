"""The e-mails identity sends, in French, over the shared SMTP `Mailer`."""

from __future__ import annotations

from orga_shared.mail import Mailer


class IdentityMails:
    def __init__(self, mailer: Mailer, web_base_url: str) -> None:
        self.mailer = mailer
        self.web_base_url = web_base_url.rstrip("/")

    async def recovery_link(self, to: str, first_name: str, token: str, hours: int) -> None:
        link = f"{self.web_base_url}/recuperer-mon-compte/{token}"
        await self.mailer.send(
            to,
            "Récupération de votre compte Pix",
            f"Bonjour {first_name},\n\n"
            "Vous avez demandé à récupérer votre compte utilisé dans votre établissement "
            "scolaire. Pour choisir votre mot de passe et terminer, ouvrez ce lien :\n\n"
            f"{link}\n\n"
            f"Code de récupération : {token}\n\n"
            f"Ce lien est valable {hours} heures et ne fonctionne qu'une fois. Si vous n'êtes "
            "pas à l'origine de cette demande, ignorez ce message.\n",
        )

    async def recovery_done(self, to: str, first_name: str) -> None:
        await self.mailer.send(
            to,
            "Votre compte Pix a bien été récupéré",
            f"Bonjour {first_name},\n\n"
            "Votre compte est maintenant accessible avec cette adresse e-mail et le mot de "
            "passe que vous avez choisi. Si vous n'êtes pas à l'origine de ce changement, "
            "contactez le support.\n",
        )

    async def password_reset_link(self, to: str, first_name: str, token: str, minutes: int) -> None:
        link = f"{self.web_base_url}/mot-de-passe-oublie/{token}"
        greeting = f"Bonjour {first_name}," if first_name else "Bonjour,"
        await self.mailer.send(
            to,
            "Demande de réinitialisation de mot de passe Pix",
            f"{greeting}\n\n"
            "Une demande de réinitialisation du mot de passe de votre compte Pix a été faite. "
            "Pour choisir un nouveau mot de passe, ouvrez ce lien :\n\n"
            f"{link}\n\n"
            f"Ce lien est valable {_duration(minutes)} et ne fonctionne qu'une fois. Si vous "
            "n'êtes pas à l'origine de cette demande, ignorez ce message : votre mot de passe "
            "actuel reste valable.\n",
        )


def _duration(minutes: int) -> str:
    """`60` → "1 heure", `90` → "90 minutes", `1440` → "24 heures"."""
    if minutes % 60 == 0:
        hours = minutes // 60
        return f"{hours} heure{'s' if hours > 1 else ''}"
    return f"{minutes} minute{'s' if minutes > 1 else ''}"

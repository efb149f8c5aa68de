"""Outgoing e-mail over SMTP with aiosmtplib; the server is configuration (`ORGA_SMTP_*`).

Locally `make run` starts an SMTP sink (aiosmtpd) that keeps what it receives under
`.local/mail/`; in production it is the academy's relay.
"""

from __future__ import annotations

from email.message import EmailMessage

import aiosmtplib
from pydantic import AliasChoices, Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class MailSettings(BaseSettings):
    model_config = SettingsConfigDict(extra="ignore")

    host: str = Field("127.0.0.1", validation_alias=AliasChoices("ORGA_SMTP_HOST"))
    port: int = Field(2525, validation_alias=AliasChoices("ORGA_SMTP_PORT"))
    username: str | None = Field(None, validation_alias=AliasChoices("ORGA_SMTP_USERNAME"))
    password: str | None = Field(None, validation_alias=AliasChoices("ORGA_SMTP_PASSWORD"))
    start_tls: bool = Field(False, validation_alias=AliasChoices("ORGA_SMTP_STARTTLS"))
    sender: str = Field(
        "Orga <ne-pas-repondre@orga.local>", validation_alias=AliasChoices("ORGA_SMTP_SENDER")
    )
    timeout: float = Field(10.0, validation_alias=AliasChoices("ORGA_SMTP_TIMEOUT"))


class Mailer:
    def __init__(self, settings: MailSettings | None = None) -> None:
        self.settings = settings or MailSettings()

    def build(self, to: str, subject: str, text: str, html: str | None = None) -> EmailMessage:
        message = EmailMessage()
        message["From"] = self.settings.sender
        message["To"] = to
        message["Subject"] = subject
        message.set_content(text)
        if html is not None:
            message.add_alternative(html, subtype="html")
        return message

    async def send(self, to: str, subject: str, text: str, html: str | None = None) -> None:
        s = self.settings
        await aiosmtplib.send(
            self.build(to, subject, text, html),
            hostname=s.host,
            port=s.port,
            username=s.username,
            password=s.password,
            start_tls=s.start_tls,
            timeout=s.timeout,
        )

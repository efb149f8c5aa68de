"""What the organisation service needs from identity.

- `IdentityClient.register`: create an account for an invitee who has none, through identity's
  public API (`POST /users`), so passwords never pass through this service's storage;
- `AccountKinds`: how each account logs in (e-mail, username, GAR), projected from the ids-only
  `identity.events`, to give the real service's R31/R32/R33 answer when a learner is taken.
"""

from __future__ import annotations

from typing import Any

import httpx
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.asynchronous.database import AsyncDatabase

from orga_shared.contracts.identity import (
    AccountRecovered,
    ExternalIdentityLinked,
    UserRegistered,
)
from orga_shared.events.envelope import DomainEvent, Envelope
from orga_shared.http.errors import ApiError
from organisation.domain.reconciliation import AccountHint

IDENTITY_EVENT_TYPES = ("UserRegistered", "ExternalIdentityLinked", "AccountRecovered")


class IdentityClient:
    def __init__(self, base_url: str, timeout: float = 10.0) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout

    async def register(
        self, *, first_name: str, last_name: str, email: str, password: str, correlation_id: str
    ) -> str:
        """The new user's id; identity's own refusals (weak password, e-mail taken) are
        passed through with their code and French message."""
        try:
            async with httpx.AsyncClient(timeout=self.timeout) as client:
                response = await client.post(
                    f"{self.base_url}/users",
                    json={
                        "first_name": first_name,
                        "last_name": last_name,
                        "email": email,
                        "password": password,
                    },
                    headers={"X-Correlation-ID": correlation_id},
                )
        except httpx.HTTPError:
            raise ApiError(
                503,
                "IDENTITY_UNAVAILABLE",
                "La création de compte est momentanément indisponible ; réessayez plus tard.",
            ) from None
        body: dict[str, Any] = response.json() if response.content else {}
        if response.status_code == 201:
            return str(body["id"])
        if 400 <= response.status_code < 500:
            raise ApiError(
                response.status_code,
                str(body.get("code", "REGISTRATION_REFUSED")).upper(),
                str(body.get("message", "La création du compte a été refusée.")),
                body.get("field"),
            )
        raise ApiError(
            502, "IDENTITY_ERROR", "La création de compte a échoué ; réessayez plus tard."
        )


class AccountKinds:
    def __init__(self, db: AsyncDatabase[dict[str, Any]]) -> None:
        self.accounts: AsyncCollection[dict[str, Any]] = db["account_kinds"]

    async def handle(self, envelope: Envelope, event: DomainEvent) -> None:
        flag: str | None = None
        if isinstance(event, UserRegistered):
            flag = {"email": "email", "username": "username", "sso": "sso"}[event.method]
        elif isinstance(event, ExternalIdentityLinked):
            flag = "sso"
        elif isinstance(event, AccountRecovered):
            flag = "email"
        if flag is not None:
            user_id = getattr(event, "user_id")  # noqa: B009 - every handled event has one
            await self.accounts.update_one({"_id": user_id}, {"$set": {flag: True}}, upsert=True)

    async def forget(self, user_id: str) -> None:
        """An erased account (`UserErased`): nothing of it is kept."""
        await self.accounts.delete_one({"_id": user_id})

    async def hint(self, user_id: str | None) -> AccountHint | None:
        if user_id is None:
            return None
        doc = await self.accounts.find_one({"_id": user_id})
        if doc is None:
            return None
        if doc.get("email"):
            return AccountHint("email")
        if doc.get("username"):
            return AccountHint("username")
        return AccountHint("samlId") if doc.get("sso") else None

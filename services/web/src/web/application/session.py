"""The signed-in user of a browser session, and the calls made on their behalf.

The session is starlette's signed cookie (HttpOnly, SameSite=Lax, Secure over HTTPS). It holds
the identity tokens, the user's first name for the header, and the CSRF token of its forms; the
web service keeps nothing else. An access token about to expire (or refused as expired) is
renewed once with the refresh token; a refused refresh ends the session. A token refused as
revoked (`TOKEN_REVOKED`: logout-everywhere on another device, a password reset,
docs/adr/0021-token-revocation.md) ends it at once: its refresh token is revoked too.
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass
from typing import Any

from starlette.requests import Request

from web.adapters.api import Api, ApiRefusal, Reply

AUTH = "auth"
CSRF = "csrf"
RENEW_BEFORE_SECONDS = 30
TOKEN_REVOKED = "TOKEN_REVOKED"


class LoginRequired(Exception):
    """No session, or one identity no longer renews: the page sends the browser to log in;
    `revoked`: the session was closed elsewhere, the login page says so."""

    def __init__(self, revoked: bool = False) -> None:
        super().__init__()
        self.revoked = revoked


def csrf_token(request: Request) -> str:
    token = request.session.get(CSRF)
    if not isinstance(token, str):
        token = secrets.token_urlsafe(32)
        request.session[CSRF] = token
    return token


def csrf_matches(request: Request, sent: str | None) -> bool:
    expected = request.session.get(CSRF)
    return bool(sent) and isinstance(expected, str) and secrets.compare_digest(expected, sent or "")


def open_session(request: Request, tokens: dict[str, Any], first_name: str | None) -> None:
    """After a login: a fresh CSRF token too (no fixation of the anonymous one)."""
    request.session.clear()
    request.session[AUTH] = {
        "user_id": tokens["user_id"],
        "access": tokens["access_token"],
        "refresh": tokens["refresh_token"],
        "exp": int(time.time()) + int(tokens["expires_in"]),
        "name": first_name or "",
    }
    csrf_token(request)


def close_session(request: Request) -> dict[str, Any] | None:
    auth = request.session.get(AUTH)
    request.session.clear()
    return auth if isinstance(auth, dict) else None


@dataclass
class User:
    """The signed-in user; `call` speaks to a service as them."""

    request: Request
    api: Api

    @property
    def auth(self) -> dict[str, Any]:
        auth = self.request.session.get(AUTH)
        if not isinstance(auth, dict):
            raise LoginRequired
        return auth

    @property
    def user_id(self) -> str:
        return str(self.auth["user_id"])

    @property
    def first_name(self) -> str:
        return str(self.auth.get("name") or "")

    async def token(self) -> str:
        auth = self.auth
        if int(auth.get("exp", 0)) - RENEW_BEFORE_SECONDS <= time.time():
            await self.renew()
        return str(self.auth["access"])

    async def renew(self) -> None:
        auth = self.auth
        try:
            reply = await self.api.call(
                "identity", "POST", "/auth/refresh", json={"refresh_token": auth["refresh"]}
            )
        except ApiRefusal as exc:
            if exc.status in (400, 401, 404, 422):
                self.request.session.clear()
                raise LoginRequired from exc
            raise
        body = reply.body
        self.request.session[AUTH] = {
            **auth,
            "access": body["access_token"],
            "refresh": body["refresh_token"],
            "exp": int(time.time()) + int(body["expires_in"]),
        }

    async def call(self, service: str, method: str, path: str, **kwargs: Any) -> Reply:
        try:
            return await self.api.call(service, method, path, token=await self.token(), **kwargs)
        except ApiRefusal as exc:
            if exc.status != 401:
                raise
            self._end_if_revoked(exc)
        await self.renew()  # refused as expired although not due: renew once and retry
        try:
            return await self.api.call(service, method, path, token=await self.token(), **kwargs)
        except ApiRefusal as exc:
            if exc.status == 401:
                self._end_if_revoked(exc)
                self.request.session.clear()
                raise LoginRequired from exc
            raise

    def _end_if_revoked(self, refusal: ApiRefusal) -> None:
        if refusal.code == TOKEN_REVOKED:
            self.request.session.clear()
            raise LoginRequired(revoked=True) from refusal

    async def get(self, service: str, path: str, **kwargs: Any) -> Any:
        return (await self.call(service, "GET", path, **kwargs)).body

    async def post(self, service: str, path: str, **kwargs: Any) -> Any:
        return (await self.call(service, "POST", path, **kwargs)).body

"""A service refusing the session's token as revoked (docs/adr/0021-token-revocation.md) ends the
browser session at once, with no refresh attempt, and the login page is told why."""

from __future__ import annotations

import time
from typing import Any, cast

import pytest
from starlette.requests import Request

from web.adapters.api import Api, ApiRefusal, Reply
from web.application.session import AUTH, LoginRequired, User
from web.entrypoints.rendering import login_url

pytestmark = pytest.mark.unit


class Upstreams:
    """The services as the session sees them: every call refused with `code`, refresh granted."""

    def __init__(self, code: str) -> None:
        self.code = code
        self.calls: list[tuple[str, str]] = []

    async def call(self, service: str, method: str, path: str, **_: Any) -> Reply:
        self.calls.append((service, path))
        if path == "/auth/refresh":
            body = {"access_token": "new", "refresh_token": "r2", "expires_in": 900}
            return Reply(200, body)
        raise ApiRefusal(401, self.code, "refusé")


def signed_in(upstreams: Upstreams) -> tuple[User, dict[str, Any]]:
    session: dict[str, Any] = {
        AUTH: {"user_id": "u1", "access": "old", "refresh": "r1", "exp": time.time() + 600}
    }
    request = Request({"type": "http", "session": session, "headers": []})
    return User(request, cast(Api, upstreams)), session


@pytest.mark.parametrize(
    ("code", "revoked", "calls"),
    [
        # revoked: the session ends at once, no refresh (its refresh token is revoked too)
        ("TOKEN_REVOKED", True, [("assessment", "/me/participations")]),
        # any other 401: renewed once, retried, then the session ends silently
        (
            "TOKEN_EXPIRED",
            False,
            [
                ("assessment", "/me/participations"),
                ("identity", "/auth/refresh"),
                ("assessment", "/me/participations"),
            ],
        ),
    ],
)
async def test_a_refused_token_ends_the_session(
    code: str, revoked: bool, calls: list[tuple[str, str]]
) -> None:
    upstreams = Upstreams(code)
    user, session = signed_in(upstreams)
    with pytest.raises(LoginRequired) as ended:
        await user.get("assessment", "/me/participations")
    assert ended.value.revoked is revoked
    assert upstreams.calls == calls
    assert session == {}


def test_the_login_url_says_the_session_was_closed() -> None:
    assert login_url("/accueil") == "/connexion?suite=/accueil"
    assert login_url("/accueil", closed=True) == "/connexion?suite=/accueil&motif=session-fermee"

"""The revocation rule of the verifier (docs/adr/0021-token-revocation.md): pure, no I/O."""

from __future__ import annotations

import pytest

from orga_shared.http.errors import error_body
from orga_shared.revocation import TokenRevoked, is_revoked

pytestmark = pytest.mark.unit

NOT_BEFORE = 1_764_651_234.567


@pytest.mark.parametrize(
    ("issued_at", "revoked"),
    [
        (NOT_BEFORE - 900, True),  # an old token
        (NOT_BEFORE - 0.001, True),  # a millisecond before the logout-everywhere
        (NOT_BEFORE, False),  # issued in the same millisecond, after it: a new login
        (NOT_BEFORE + 0.001, False),
        (NOT_BEFORE + 60, False),
    ],
)
def test_a_token_issued_before_not_before_is_revoked(issued_at: float, revoked: bool) -> None:
    assert is_revoked(issued_at, NOT_BEFORE) is revoked


def test_a_user_never_revoked_keeps_every_token() -> None:
    assert is_revoked(0.0, None) is False


def test_the_refusal_is_a_401_token_revoked_in_french() -> None:
    refusal = TokenRevoked()
    assert refusal.status == 401 and refusal.code == "TOKEN_REVOKED"
    body = error_body(refusal.code, refusal.message, refusal.field)
    assert body["code"] == "TOKEN_REVOKED" and body["field"] is None
    assert "reconnectez-vous" in body["message"]

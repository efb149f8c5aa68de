"""Logout-everywhere publishes `SessionsRevoked`: the tokens issued before it are revoked
everywhere, a login after it is not (docs/adr/0021-token-revocation.md)."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from identity.adapters.tokens import TokenSigner
from identity.adapters.users import stream_id
from identity.application.accounts import register_with_email
from identity.application.login import login_with_password
from identity.application.sessions import close_all_sessions
from identity.domain.errors import UserNotFound
from identity.domain.user import RevokeSessions, User, decide
from orga_shared.contracts.identity import SessionsRevoked
from orga_shared.revocation import epoch_seconds, is_revoked

from .memory import event_types, memory_context
from .memory_stores import MemoryUsers

pytestmark = pytest.mark.unit

EMAIL = "camille@exemple.fr"
NOW = datetime(2026, 12, 2, 6, 0, 0, 123000, tzinfo=UTC)


def iat(token: str) -> float:
    return float(jwt.decode(token, options={"verify_signature": False})["iat"])


async def test_tokens_before_logout_everywhere_are_revoked_a_new_login_is_not() -> None:
    signer = TokenSigner(
        Ed25519PrivateKey.generate(), issuer="orga-identity", audience="orga", ttl_seconds=900
    )
    ctx = dataclasses.replace(memory_context(), signer=signer)
    user_id = await register_with_email(
        ctx, first_name="Camille", last_name="Durand", email=EMAIL, password="Secret123"
    )
    before = await login_with_password(ctx, EMAIL, "Secret123")

    await close_all_sessions(ctx, user_id)
    after = await login_with_password(ctx, EMAIL, "Secret123")

    assert event_types(ctx, user_id)[-1] == "SessionsRevoked"
    assert isinstance(ctx.users, MemoryUsers)
    _, event = ctx.users.memory.streams[stream_id(user_id)][-1]
    assert isinstance(event, SessionsRevoked) and event.reason == "logout-everywhere"
    not_before = epoch_seconds(event.not_before)
    assert is_revoked(iat(before.access_token), not_before)
    assert not is_revoked(iat(after.access_token), not_before)


def test_revoke_sessions_decides_one_event_and_nothing_on_an_erased_account() -> None:
    command = RevokeSessions(not_before=NOW, reason="password-reset")
    [event] = decide(User(user_id="u1"), command)
    assert event == SessionsRevoked(user_id="u1", not_before=NOW, reason="password-reset")
    assert decide(User(user_id="u1", erased=True), command) == []  # UserErased revokes already
    with pytest.raises(UserNotFound):
        decide(User(), command)

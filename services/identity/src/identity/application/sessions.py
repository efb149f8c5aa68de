"""Sessions: a short-lived access token plus a rotating refresh token; refresh and logout."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from identity.application.context import Context
from identity.application.errors import InvalidRefreshToken, RefreshTokenReused
from identity.application.ports import RefreshProblem
from identity.domain.user import RevokeSessions
from orga_shared.contracts.identity import SessionsRevokedReason
from orga_shared.revocation import not_before_now


@dataclass(frozen=True)
class TokenPair:
    user_id: str
    access_token: str
    expires_in: int
    refresh_token: str


async def open_session(
    ctx: Context, user_id: str, roles: Iterable[str], family_id: str | None = None
) -> TokenPair:
    access = ctx.signer.issue(user_id, roles)
    refresh = await ctx.refresh_tokens.issue(user_id, family_id)
    return TokenPair(user_id, access.token, access.expires_in, refresh)


async def refresh_session(ctx: Context, refresh_token: str) -> TokenPair:
    consumed = await ctx.refresh_tokens.consume(refresh_token)
    if consumed is RefreshProblem.REUSED:
        raise RefreshTokenReused(field="refresh_token")
    if isinstance(consumed, RefreshProblem):
        raise InvalidRefreshToken(field="refresh_token")
    state, _ = await ctx.users.load(consumed.user_id)
    if not state.exists:
        await ctx.refresh_tokens.revoke_family(consumed.family_id)
        raise InvalidRefreshToken(field="refresh_token")
    return await open_session(ctx, consumed.user_id, state.roles, consumed.family_id)


async def close_session(ctx: Context, refresh_token: str) -> None:
    """Logout: the refresh token's whole family is revoked; unknown tokens are ignored."""
    family = await ctx.refresh_tokens.family_of(refresh_token)
    if family is not None:
        await ctx.refresh_tokens.revoke_family(family)


async def close_all_sessions(
    ctx: Context, user_id: str, reason: SessionsRevokedReason = "logout-everywhere"
) -> None:
    """Every refresh token of the user is revoked, then `SessionsRevoked` tells every service to
    refuse the access tokens issued before now (docs/adr/0021-token-revocation.md).

    `not_before` is read from the clock the signer stamps `iat` with (`time.time()`, to the
    millisecond) after the refresh tokens are gone, so a token renewed meanwhile is refused too;
    it is the next millisecond, and this returns once it has passed, so a login after the
    answer is accepted."""
    await ctx.refresh_tokens.revoke_user(user_id)
    not_before = not_before_now()
    await ctx.users.execute(
        user_id,
        RevokeSessions(not_before=datetime.fromtimestamp(not_before, UTC), reason=reason),
    )
    await asyncio.sleep(max(0.0, not_before - time.time()))

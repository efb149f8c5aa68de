"""Use cases on in-memory adapters: password login, the lockout, refresh rotation and reuse."""

from __future__ import annotations

import pytest

from identity.application.accounts import register_with_email, register_with_username
from identity.application.errors import (
    AccountLocked,
    InvalidCredentials,
    InvalidRefreshToken,
    RefreshTokenReused,
)
from identity.application.login import login_with_password
from identity.application.sessions import close_all_sessions, close_session, refresh_session

from .memory import Clock, event_types, memory_context

pytestmark = pytest.mark.unit

EMAIL = "camille@exemple.fr"


async def registered(clock: Clock | None = None):
    ctx = memory_context(clock)
    user_id = await register_with_email(
        ctx, first_name="Camille", last_name="Durand", email=EMAIL, password="Secret123"
    )
    return ctx, user_id


async def test_login_by_email_or_username_opens_a_session() -> None:
    ctx, user_id = await registered()
    _, username = await register_with_username(
        ctx, first_name="Léa", last_name="Martin", birth_date="2012-05-01", password="Secret123"
    )

    by_email = await login_with_password(ctx, " CAMILLE@exemple.fr", "Secret123")
    by_username = await login_with_password(ctx, username.upper(), "Secret123")

    assert by_email.user_id == user_id and by_email.refresh_token
    assert by_username.user_id != user_id and by_username.expires_in == 900


async def test_wrong_password_and_unknown_login_are_the_same_error() -> None:
    ctx, _ = await registered()
    for login in (EMAIL, "nobody@exemple.fr"):
        with pytest.raises(InvalidCredentials):
            await login_with_password(ctx, login, "Wrong1234")


async def test_tenth_failure_locks_and_locked_attempts_cost_no_hash() -> None:
    ctx, user_id = await registered()
    for i in range(9):
        with pytest.raises(InvalidCredentials):
            await login_with_password(ctx, EMAIL, f"Wrong{i}xyZ")
    with pytest.raises(AccountLocked) as tenth:
        await login_with_password(ctx, EMAIL, "Wrong9xyZ")
    verified = ctx.passwords.counters.verifications

    with pytest.raises(AccountLocked) as locked:
        await login_with_password(ctx, EMAIL, "Secret123")

    assert tenth.value.retry_after == 120 and "2 minutes" in tenth.value.message
    assert locked.value.code == "ACCOUNT_TEMPORARILY_LOCKED"
    assert ctx.passwords.counters.verifications == verified, "a locked attempt must not hash"
    assert ctx.stats.refused_locked == 1
    assert event_types(ctx, user_id).count("UserLocked") == 1


async def test_the_lock_expires_then_doubles_and_a_success_resets_it() -> None:
    clock = Clock()
    ctx, _ = await registered(clock)

    async def fail(times: int) -> None:
        for _ in range(times):
            with pytest.raises((InvalidCredentials, AccountLocked)):
                await login_with_password(ctx, EMAIL, "Wrong123x")

    await fail(10)
    clock.advance(minutes=2, seconds=1)
    await fail(10)
    with pytest.raises(AccountLocked) as second:
        await login_with_password(ctx, EMAIL, "Secret123")
    assert second.value.retry_after == 240
    clock.advance(minutes=4, seconds=1)

    assert (await login_with_password(ctx, EMAIL, "Secret123")).refresh_token
    await fail(9)
    assert (await login_with_password(ctx, EMAIL, "Secret123")).refresh_token


async def test_refresh_rotates_and_a_reused_token_closes_the_whole_family() -> None:
    ctx, user_id = await registered()
    first = await login_with_password(ctx, EMAIL, "Secret123")

    rotated = await refresh_session(ctx, first.refresh_token)
    assert rotated.user_id == user_id and rotated.refresh_token != first.refresh_token

    with pytest.raises(RefreshTokenReused) as reuse:
        await refresh_session(ctx, first.refresh_token)
    assert reuse.value.field == "refresh_token"
    with pytest.raises(InvalidRefreshToken):
        await refresh_session(ctx, rotated.refresh_token)


async def test_logout_closes_one_session_and_logout_everywhere_all_of_them() -> None:
    ctx, user_id = await registered()
    phone, laptop, tablet = [await login_with_password(ctx, EMAIL, "Secret123") for _ in "abc"]

    await close_session(ctx, phone.refresh_token)
    with pytest.raises(InvalidRefreshToken):
        await refresh_session(ctx, phone.refresh_token)
    assert await refresh_session(ctx, laptop.refresh_token)

    await close_all_sessions(ctx, user_id)
    with pytest.raises(InvalidRefreshToken):
        await refresh_session(ctx, tablet.refresh_token)

"""Password login (e-mail or username) behind the brute-force throttle.

The throttle is consulted *before* any hash: a locked account's attempts cost one small read,
which is what keeps a brute-force attack from becoming a CPU attack on everyone else.
"""

from __future__ import annotations

import uuid

from identity.adapters.logins import email_key, username_key
from identity.application.context import Identity
from identity.application.errors import AccountLocked, InvalidCredentials
from identity.application.sessions import TokenPair, open_session
from identity.domain.lockout import Admitted, Refused, admit, record_failure, record_success
from identity.domain.user import RecordLock
from identity.domain.usernames import normalize_username

CAS_ATTEMPTS = 20


def login_key(login: str) -> str:
    value = normalize_username(login)
    return email_key(value) if "@" in value else username_key(value)


async def _admit(ctx: Identity, user_id: str, attempt_id: str) -> Refused | None:
    for _ in range(CAS_ATTEMPTS):
        state, version = await ctx.throttle.load(user_id)
        outcome = admit(state, attempt_id, ctx.clock(), ctx.lock_policy)
        if isinstance(outcome, Refused):
            return outcome
        assert isinstance(outcome, Admitted)
        if await ctx.throttle.save(user_id, outcome.state, version):
            return None
    raise RuntimeError("login throttle contention")


async def _failed(ctx: Identity, user_id: str, attempt_id: str) -> None:
    for _ in range(CAS_ATTEMPTS):
        state, version = await ctx.throttle.load(user_id)
        now = ctx.clock()
        new_state, locked = record_failure(state, attempt_id, now, ctx.lock_policy)
        if await ctx.throttle.save(user_id, new_state, version):
            if locked and new_state.locked_until is not None:
                lock = RecordLock(new_state.locked_until, new_state.lock_level)
                await ctx.users.execute(user_id, lock)
                raise AccountLocked(new_state.locked_until, now)
            return
    raise RuntimeError("login throttle contention")


async def _succeeded(ctx: Identity, user_id: str, attempt_id: str) -> None:
    for _ in range(CAS_ATTEMPTS):
        state, version = await ctx.throttle.load(user_id)
        if await ctx.throttle.save(user_id, record_success(state, attempt_id), version):
            return
    raise RuntimeError("login throttle contention")


async def login_with_password(ctx: Identity, login: str, password: str) -> TokenPair:
    user_id = await ctx.logins.owner(login_key(login))
    if user_id is None:
        await ctx.passwords.verify_unknown_user(password)
        raise InvalidCredentials()
    attempt_id = uuid.uuid4().hex
    refused = await _admit(ctx, user_id, attempt_id)
    if refused is not None:
        ctx.stats.refused_locked += 1
        raise AccountLocked(refused.retry_at, ctx.clock())
    stored = await ctx.credentials.password_hash(user_id)
    if stored is None:
        await ctx.passwords.verify_unknown_user(password)
        ok = False
    else:
        ok = await ctx.passwords.verify(stored, password)
    if not ok:
        await _failed(ctx, user_id, attempt_id)
        raise InvalidCredentials()
    await _succeeded(ctx, user_id, attempt_id)
    state, _ = await ctx.users.load(user_id)
    if not state.exists:
        raise InvalidCredentials()
    if stored is not None and ctx.passwords.needs_rehash(stored):
        await ctx.credentials.set_password(user_id, await ctx.passwords.hash(password))
    return await open_session(ctx, user_id, state.roles)

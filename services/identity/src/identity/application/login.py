"""Password login (e-mail or username) behind the brute-force throttle.

The throttle is consulted *before* any hash: a locked account's attempts cost two small reads,
which is what keeps a brute-force attack from becoming a CPU attack on everyone else.
"""

from __future__ import annotations

from dataclasses import dataclass

from identity.application.context import Context
from identity.application.errors import AccountLocked, InvalidCredentials
from identity.application.sessions import TokenPair, open_session
from identity.domain.lockout import (
    Window,
    counted_failures,
    free_slot,
    refused_until,
    retry_hint,
    window_after_failures,
    window_after_success,
)
from identity.domain.login_keys import login_key
from identity.domain.user import RecordLock


@dataclass(frozen=True)
class Admission:
    window: Window
    slot: int


async def _lock_if_full(ctx: Context, user_id: str, window: Window) -> None:
    """Open the next, locked, window when this one is full of failures; raise if locked."""
    now = ctx.clock()
    slots = await ctx.throttle.slots(user_id, window.number)
    locked = window_after_failures(
        window, counted_failures(slots, now, ctx.lock_policy), now, ctx.lock_policy
    )
    if locked is None or locked.locked_until is None:
        return
    if await ctx.throttle.open(user_id, locked, now):
        await ctx.users.execute(user_id, RecordLock(locked.locked_until, locked.lock_level))
    raise AccountLocked(locked.locked_until, now)


async def _admit(ctx: Context, user_id: str) -> Admission:
    for _ in range(3):
        now = ctx.clock()
        window = await ctx.throttle.current(user_id)
        until = refused_until(window, now)
        if until is not None:
            ctx.stats.refused_locked += 1
            raise AccountLocked(until, now)
        slots = await ctx.throttle.slots(user_id, window.number)
        superseded = False
        while (slot := free_slot(slots, ctx.lock_policy)) is not None:
            if await ctx.throttle.take(user_id, window.number, slot, now):
                # Opening the next window deletes this one's slots, so a slot taken after
                # that looks free: it counts only while its window is still the current one.
                if (await ctx.throttle.current(user_id)).number == window.number:
                    return Admission(window, slot)
                await ctx.throttle.free(user_id, window.number, slot)
                superseded = True
                break
            slots = await ctx.throttle.slots(user_id, window.number)
        if superseded:
            continue
        await _lock_if_full(ctx, user_id, window)
        if counted_failures(slots, now, ctx.lock_policy) < len(slots):
            ctx.stats.refused_locked += 1
            raise AccountLocked(retry_hint(slots, ctx.lock_policy), now)
    ctx.stats.refused_locked += 1
    raise AccountLocked(ctx.clock(), ctx.clock())


async def login_with_password(ctx: Context, login: str, password: str) -> TokenPair:
    user_id = await ctx.logins.owner(login_key(login))
    if user_id is None:
        await ctx.passwords.verify_unknown_user(password)
        raise InvalidCredentials()
    admission = await _admit(ctx, user_id)
    window, slot = admission.window, admission.slot
    stored = await ctx.credentials.password_hash(user_id)
    if stored is None:
        await ctx.passwords.verify_unknown_user(password)
        ok = False
    else:
        ok = await ctx.passwords.verify(stored, password)
    if not ok:
        await ctx.throttle.mark_failed(user_id, window.number, slot)
        await _lock_if_full(ctx, user_id, window)
        raise InvalidCredentials()
    slots = await ctx.throttle.slots(user_id, window.number)
    clean = window_after_success(window, slots)
    if clean is None:
        await ctx.throttle.free(user_id, window.number, slot)
    else:
        await ctx.throttle.open(user_id, clean, ctx.clock())
    state, _ = await ctx.users.load(user_id)
    if not state.exists:
        raise InvalidCredentials()
    if stored is not None and ctx.passwords.needs_rehash(stored):
        await ctx.credentials.set_password(user_id, await ctx.passwords.hash(password))
    return await open_session(ctx, user_id, state.roles)

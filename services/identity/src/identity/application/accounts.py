"""Creating accounts: reservation of the login key, credentials, draft profile, then the event.

The order makes a crash harmless: the profile stays a draft (never published) until the
`UserRegistered` event is stored, and a reservation whose account has no event is reclaimed
after `orphan_grace` by the next person who wants that e-mail or username.
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from identity.application.context import Context
from identity.application.errors import EmailTaken, UsernameUnavailable
from identity.domain.login_keys import email_key, username_key
from identity.domain.passwords import check_password
from identity.domain.person import clean_name, normalize_email, parse_birth_date
from identity.domain.user import Register
from identity.domain.usernames import username_candidates

USERNAME_TRIES = 50


async def reserve_login(ctx: Context, key: str, user_id: str) -> bool:
    if await ctx.logins.reserve(key, user_id):
        return True
    owner = await ctx.logins.owner(key)
    if owner is None:
        return await ctx.logins.reserve(key, user_id)
    reserved_at = await ctx.logins.reserved_at(key)
    _, version = await ctx.users.load(owner)
    if version == 0 and reserved_at is not None and ctx.clock() - reserved_at > ctx.orphan_grace:
        await ctx.profiles.delete_draft(owner)
        await ctx.credentials.delete(owner)
        await ctx.logins.release(key, owner)
        return await ctx.logins.reserve(key, user_id)
    return False


async def create_account(
    ctx: Context,
    *,
    user_id: str,
    keys: list[str],
    command: Register,
    password_hash: str | None,
    profile: dict[str, Any],
) -> None:
    """Write a new account whose login keys are already reserved; undo them on failure."""
    try:
        if password_hash is not None:
            await ctx.credentials.set_password(user_id, password_hash)
        await ctx.profiles.create(user_id, draft=True, **profile)
        await ctx.users.execute(user_id, command)
    except BaseException:
        for key in keys:
            await ctx.logins.release(key, user_id)
        await ctx.profiles.delete_draft(user_id)
        await ctx.credentials.delete(user_id)
        raise
    await ctx.profiles.activate(user_id)
    await ctx.publisher.publish_quietly(user_id)


async def register_with_email(
    ctx: Context, *, first_name: str, last_name: str, email: str, password: str
) -> str:
    first = clean_name(first_name, "first_name")
    last = clean_name(last_name, "last_name")
    address = normalize_email(email)
    check_password(password)
    if await ctx.logins.owner(email_key(address)) is not None:
        raise EmailTaken(field="email")
    password_hash = await ctx.passwords.hash(password)
    user_id = str(uuid.uuid4())
    key = email_key(address)
    if not await reserve_login(ctx, key, user_id):
        raise EmailTaken(field="email")
    await create_account(
        ctx,
        user_id=user_id,
        keys=[key],
        command=Register(user_id=user_id, method="email", with_password=True),
        password_hash=password_hash,
        profile={"first_name": first, "last_name": last, "email": address},
    )
    return user_id


async def register_with_username(
    ctx: Context, *, first_name: str, last_name: str, birth_date: str | date, password: str
) -> tuple[str, str]:
    """A student account without e-mail; returns the user id and the generated username."""
    first = clean_name(first_name, "first_name")
    last = clean_name(last_name, "last_name")
    born = parse_birth_date(birth_date, today=ctx.clock().date())
    check_password(password)
    password_hash = await ctx.passwords.hash(password)
    user_id = str(uuid.uuid4())
    username: str | None = None
    candidates = username_candidates(first, last, born)
    for _, candidate in zip(range(USERNAME_TRIES), candidates, strict=False):
        if await reserve_login(ctx, username_key(candidate), user_id):
            username = candidate
            break
    if username is None:
        raise UsernameUnavailable()
    await create_account(
        ctx,
        user_id=user_id,
        keys=[username_key(username)],
        command=Register(user_id=user_id, method="username", with_password=True),
        password_hash=password_hash,
        profile={"first_name": first, "last_name": last, "username": username, "birth_date": born},
    )
    return user_id, username


async def repair_drafts(ctx: Context) -> int:
    """After a crash mid-registration: finish accounts whose event is stored, drop the others.

    A draft older than `orphan_grace` either has its `UserRegistered` (the crash hit between
    the event and the activation: activate and publish) or not (the account never existed:
    remove its draft profile, credentials and login keys). Returns the drafts handled.
    """
    handled = 0
    for user_id in await ctx.profiles.drafts_before(ctx.clock() - ctx.orphan_grace):
        _, version = await ctx.users.load(user_id)
        if version > 0:
            await ctx.profiles.activate(user_id)
            await ctx.publisher.publish_quietly(user_id)
        else:
            for key in await ctx.logins.keys_of(user_id):
                await ctx.logins.release(key, user_id)
            await ctx.credentials.delete(user_id)
            await ctx.profiles.delete_draft(user_id)
        handled += 1
    return handled

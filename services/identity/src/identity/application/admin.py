"""Platform administration: grant the `platform-admin` role, erase a person."""

from __future__ import annotations

from identity.application.accounts import register_with_email
from identity.application.context import Context
from identity.application.sessions import close_all_sessions
from identity.domain.login_keys import email_key
from identity.domain.person import normalize_email
from identity.domain.user import PLATFORM_ADMIN, Erase, GrantRole


async def create_platform_admin(
    ctx: Context,
    *,
    email: str,
    password: str,
    first_name: str = "Administrateur",
    last_name: str = "Orga",
) -> tuple[str, bool]:
    """Create the account if the e-mail is new, then grant the role; (user id, created)."""
    existing = await ctx.logins.owner(email_key(normalize_email(email)))
    created = existing is None
    user_id = existing or await register_with_email(
        ctx, first_name=first_name, last_name=last_name, email=email, password=password
    )
    await ctx.users.execute(user_id, GrantRole(PLATFORM_ADMIN))
    return user_id, created


async def erase_user(ctx: Context, user_id: str) -> None:
    """Right to erasure: id-only `UserErased`, then personal data, keys and secrets go away."""
    await ctx.users.execute(user_id, Erase())
    await ctx.profiles.erase(user_id)
    await ctx.credentials.delete(user_id)
    for key in await ctx.logins.keys_of(user_id):
        await ctx.logins.release(key, user_id)
    await ctx.throttle.clear(user_id)
    await ctx.password_resets.forget_user(user_id)
    await close_all_sessions(ctx, user_id)
    await ctx.publisher.publish_quietly(user_id)

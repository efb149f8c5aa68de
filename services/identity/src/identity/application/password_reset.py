"""Password reset ("mot de passe oublié") for e-mail accounts, as the real service does it.

Step 1 takes an e-mail and always answers the same, so nobody learns which addresses have an
account; for an e-mail account it stores a single-use link (1 h by default) and mails it. A
mail that cannot be sent is logged and the link dropped, with the same answer. At most
`password_reset_max_pending` links of one account are live at once: beyond that, nothing more
is sent (a mailbox cannot be flooded through this form). Step 2 checks the new password
against the account-creation rules, claims the link (one winner, whatever the concurrency),
sets the password (`PasswordChanged`), forgets the account's other links, closes every session
and lifts a failed-login lock.
"""

from __future__ import annotations

from identity.application.context import Context
from identity.application.errors import ResetLinkInvalid
from identity.application.ports import PasswordResetDemand
from identity.application.sessions import close_all_sessions
from identity.domain.login_keys import email_key
from identity.domain.passwords import check_password
from identity.domain.person import normalize_email
from identity.domain.user import ChangePassword
from orga_shared.observability import get_logger

log = get_logger(__name__)


async def request_password_reset(ctx: Context, *, email: str) -> None:
    """Send a reset link when `email` is an e-mail account's; silent otherwise."""
    address = normalize_email(email)
    user_id = await ctx.logins.owner(email_key(address))
    if user_id is None:
        return
    state, _ = await ctx.users.load(user_id)
    if not state.exists or "email" not in state.methods:
        return
    if await ctx.password_resets.pending(user_id) >= ctx.password_reset_max_pending:
        log.info("password_reset_throttled", user_id=user_id)
        return
    profile = await ctx.profiles.get(user_id)
    first_name = str((profile or {}).get("first_name") or "")
    token = await ctx.password_resets.create(user_id, address)
    minutes = max(1, int(ctx.password_reset_ttl.total_seconds() // 60))
    try:
        await ctx.mails.password_reset_link(address, first_name, token, minutes)
    except Exception as exc:
        await ctx.password_resets.delete(token)
        log.warning("password_reset_mail_failed", user_id=user_id, error=str(exc))


async def _usable(ctx: Context, demand: PasswordResetDemand) -> bool:
    """The account still exists, has an e-mail login, and that e-mail still leads to it."""
    state, _ = await ctx.users.load(demand.user_id)
    if not state.exists or "email" not in state.methods:
        return False
    return await ctx.logins.owner(email_key(demand.email)) == demand.user_id


async def check_reset_link(ctx: Context, token: str) -> str:
    """The e-mail of the account the link resets, or `ResetLinkInvalid`."""
    demand = await ctx.password_resets.find(token)
    if demand is None or not await _usable(ctx, demand):
        raise ResetLinkInvalid(field="token")
    return demand.email


async def reset_password(ctx: Context, *, token: str, password: str) -> str:
    """Set the new password with a link from step 1; returns the user id."""
    check_password(password)
    demand = await ctx.password_resets.claim(token)
    if demand is None:
        raise ResetLinkInvalid(field="token")
    user_id = demand.user_id
    try:
        if not await _usable(ctx, demand):
            raise ResetLinkInvalid(field="token")
        password_hash = await ctx.passwords.hash(password)
        await ctx.credentials.set_password(user_id, password_hash)
        await ctx.users.execute(user_id, ChangePassword())
    except BaseException:
        await ctx.password_resets.release(token)
        raise
    await ctx.password_resets.forget_user(user_id)
    await close_all_sessions(ctx, user_id, reason="password-reset")
    await ctx.throttle.clear(user_id)
    log.info("password_reset_done", user_id=user_id)
    return user_id

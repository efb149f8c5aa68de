"""Account recovery for a student leaving school: an SSO or username account gets an e-mail and
a password after an identity check (first name, last name, birth date).

Step 1 checks the identity and e-mails a single-use link to the new address, which proves the
student owns it; step 2 sets the password and the e-mail, records `AccountRecovered`, closes
every open session and sends a confirmation.
"""

from __future__ import annotations

from datetime import date

from identity.application.accounts import reserve_login
from identity.application.context import Context
from identity.application.errors import (
    EmailTaken,
    InvalidRecoveryToken,
    MailUnavailable,
    RecoveryAccountNotFound,
)
from identity.application.sessions import close_all_sessions
from identity.domain.errors import NotRecoverable
from identity.domain.login_keys import email_key, username_key
from identity.domain.passwords import check_password
from identity.domain.person import clean_name, normalize_email, parse_birth_date
from identity.domain.recovery import Candidate, match_candidate
from identity.domain.user import Recover
from identity.domain.usernames import normalize_username
from orga_shared.observability import get_logger

log = get_logger(__name__)


def _candidate(doc: dict[str, object]) -> Candidate:
    born = doc.get("birth_date")
    return Candidate(
        user_id=str(doc["_id"]),
        first_name=str(doc.get("first_name") or ""),
        last_name=str(doc.get("last_name") or ""),
        birth_date=date.fromisoformat(born) if isinstance(born, str) else None,
    )


async def request_recovery(
    ctx: Context,
    *,
    first_name: str,
    last_name: str,
    birth_date: str | date,
    email: str,
    username: str | None = None,
) -> None:
    first = clean_name(first_name, "first_name")
    last = clean_name(last_name, "last_name")
    born = parse_birth_date(birth_date, today=ctx.clock().date())
    address = normalize_email(email)
    if await ctx.logins.owner(email_key(address)) is not None:
        raise EmailTaken(field="email")
    if username:
        owner = await ctx.logins.owner(username_key(normalize_username(username)))
        profile = None if owner is None else await ctx.profiles.get(owner)
        docs = [] if profile is None else [profile]
    else:
        docs = await ctx.profiles.recoverable_born_on(born)
    user_id = match_candidate([_candidate(d) for d in docs], first, last, born)
    if user_id is None:
        raise RecoveryAccountNotFound()
    state, _ = await ctx.users.load(user_id)
    if not state.exists:
        raise RecoveryAccountNotFound()
    if "email" in state.methods:
        raise NotRecoverable()
    token = await ctx.recovery_demands.create(user_id, address)
    hours = int(ctx.recovery_ttl.total_seconds() // 3600)
    try:
        await ctx.mails.recovery_link(address, first, token, hours)
    except Exception as exc:
        await ctx.recovery_demands.delete(token)
        log.warning("recovery_mail_failed", error=str(exc))
        raise MailUnavailable() from exc


async def confirm_recovery(ctx: Context, *, token: str, password: str) -> str:
    check_password(password)
    demand = await ctx.recovery_demands.claim(token)
    if demand is None:
        raise InvalidRecoveryToken(field="token")
    key = email_key(demand.email)
    reserved = False
    try:
        state, _ = await ctx.users.load(demand.user_id)
        if not state.exists:
            raise InvalidRecoveryToken(field="token")
        if "email" in state.methods:
            raise NotRecoverable()
        if not await reserve_login(ctx, key, demand.user_id):
            raise EmailTaken(field="email")
        reserved = True
        password_hash = await ctx.passwords.hash(password)
        profile = await ctx.profiles.get(demand.user_id)
        await ctx.credentials.set_password(demand.user_id, password_hash)
        updated = await ctx.profiles.update(demand.user_id, {"email": demand.email})
        if updated is None:
            raise InvalidRecoveryToken(field="token")
        await ctx.users.execute(demand.user_id, Recover(profile_version=int(updated["version"])))
    except BaseException:
        await ctx.recovery_demands.release(token)
        if reserved:
            await ctx.logins.release(key, demand.user_id)
        raise
    await close_all_sessions(ctx, demand.user_id, reason="account-recovered")
    await ctx.publisher.publish_quietly(demand.user_id)
    try:
        await ctx.mails.recovery_done(demand.email, str((profile or {}).get("first_name") or ""))
    except Exception as exc:
        log.warning("recovery_confirmation_mail_failed", error=str(exc))
    return demand.user_id

"""School SSO (GAR / ENT Médiacentre-like): a trusted IdP's signed assertion logs the student in.

The first assertion for an external id creates the account (no password, no e-mail); later
ones find it through the SSO login key. Names (and the birth date, when the IdP sends it)
follow the IdP: a change is recorded like any profile edit.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from identity.application.accounts import create_account, reserve_login
from identity.application.context import Context
from identity.application.profile import apply_profile_changes
from identity.application.sessions import TokenPair, open_session
from identity.domain.errors import AssertionReplayed, UserIsErased
from identity.domain.login_keys import sso_key
from identity.domain.user import LinkExternalIdentity, Register


@dataclass(frozen=True)
class SsoLogin:
    tokens: TokenPair
    created: bool


async def login_with_assertion(ctx: Context, assertion: str) -> SsoLogin:
    verified = ctx.idps.verify(assertion)
    if not await ctx.replay_guard.first_use(verified.issuer, verified.jti, verified.expires_at):
        raise AssertionReplayed()
    key = sso_key(verified.provider, verified.issuer, verified.external_id)
    known: dict[str, object] = {"first_name": verified.first_name, "last_name": verified.last_name}
    if verified.birth_date is not None:
        known["birth_date"] = verified.birth_date
    user_id = await ctx.logins.owner(key)
    created = False
    if user_id is None:
        new_id = str(uuid.uuid4())
        if await reserve_login(ctx, key, new_id):
            await create_account(
                ctx,
                user_id=new_id,
                keys=[key],
                command=Register(
                    user_id=new_id, method="sso", with_password=False, provider=verified.provider
                ),
                password_hash=None,
                profile=known,
            )
            user_id, created = new_id, True
        else:
            user_id = await ctx.logins.owner(key)
    if user_id is None:
        raise AssertionReplayed("Connexion concurrente ; réessayez depuis votre ENT.")
    state, _ = await ctx.users.load(user_id)
    if not state.exists:
        raise UserIsErased()
    if not created:
        await ctx.users.execute(user_id, LinkExternalIdentity(verified.provider))
        await apply_profile_changes(ctx, user_id, known)
    return SsoLogin(await open_session(ctx, user_id, state.roles), created)

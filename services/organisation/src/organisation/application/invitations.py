"""Invitation use cases: send (or re-send), cancel, list, read from the link, accept.

The e-mail and the code live in the invitations store, never in events; a draft is written
before its `MemberInvited` is appended, so a failed append leaves an invisible draft and never
an e-mail without an event (ADR 0007).
"""

from __future__ import annotations

import hmac
import secrets
import string
import uuid
from datetime import datetime, timedelta
from typing import Any

from orga_shared.observability import current_correlation_id
from organisation.application.aggregates import on_organisation, organisation
from organisation.application.context import Context
from organisation.application.emails import parse_emails
from organisation.domain.access import require_admin
from organisation.domain.commands import (
    AcceptInvitation,
    Actor,
    CancelInvitation,
    InvitationToSend,
    SendInvitations,
)
from organisation.domain.errors import Conflict, DomainError, Gone, NotFound
from organisation.domain.organisation import ROLES, Organisation
from organisation.domain.team import decide

CODE_ALPHABET = string.ascii_uppercase + string.digits
CODE_LENGTH = 10


def new_code() -> str:
    """The link's secret: 10 upper-case letters or digits (the real service's length)."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def _ttl(ctx: Context) -> timedelta | None:
    days = ctx.settings.invitation_ttl_days
    return timedelta(days=days) if days > 0 else None


async def send_invitations(
    ctx: Context, organisation_id: str, actor: Actor, emails_text: str, role: str | None
) -> list[dict[str, Any]]:
    """Per e-mail: re-send the pending invitation if there is one, else create it; then mail."""
    if role is not None and role not in ROLES:
        raise DomainError("INVALID_ROLE", "Le rôle doit être ADMIN ou MEMBER.", "role")
    emails = parse_emails(emails_text)
    require_admin(await organisation(ctx, organisation_id), actor)
    now = ctx.clock()
    planned: list[tuple[InvitationToSend, str, str]] = []
    for email in emails:
        pending = await ctx.invitations.pending_for(organisation_id, email)
        if pending is not None:
            planned.append((InvitationToSend(pending["_id"], True), email, pending["code"]))
            continue
        invitation_id, code = str(uuid.uuid4()), new_code()
        await ctx.invitations.add_draft(invitation_id, organisation_id, email, code, now)
        planned.append((InvitationToSend(invitation_id, False), email, code))
    command = SendInvitations([p[0] for p in planned], role, actor, now, _ttl(ctx))
    outcome = await on_organisation(ctx, organisation_id, lambda s: decide(s, command))
    results = []
    for (item, email, code), event in zip(planned, outcome.events, strict=True):
        expires_at: datetime | None = getattr(event, "expires_at", None)
        sent = await ctx.mailer.send(
            to=email,
            organisation_name=outcome.state.name,
            invitation_id=item.invitation_id,
            code=code,
            expires_at=expires_at,
        )
        results.append(
            {
                "id": item.invitation_id,
                "email": email,
                "resent": item.resend,
                "email_sent": sent,
                "expires_at": expires_at,
            }
        )
    return results


async def _own_invitation(ctx: Context, organisation_id: str, invitation_id: str) -> dict[str, Any]:
    doc = await ctx.invitations.get(invitation_id)
    if doc is None or doc["organisation_id"] != organisation_id or doc["status"] == "draft":
        raise NotFound("INVITATION_NOT_FOUND", "Invitation introuvable.")
    return doc


async def resend_invitation(
    ctx: Context, organisation_id: str, invitation_id: str, actor: Actor
) -> dict[str, Any]:
    doc = await _own_invitation(ctx, organisation_id, invitation_id)
    results = await send_invitations(ctx, organisation_id, actor, doc["email"], doc.get("role"))
    return results[0]


async def cancel_invitation(
    ctx: Context, organisation_id: str, invitation_id: str, actor: Actor
) -> None:
    require_admin(await organisation(ctx, organisation_id), actor)
    await _own_invitation(ctx, organisation_id, invitation_id)
    command = CancelInvitation(invitation_id, actor)
    await on_organisation(ctx, organisation_id, lambda s: decide(s, command))


async def pending_invitations(
    ctx: Context, organisation_id: str, actor: Actor
) -> list[dict[str, Any]]:
    require_admin(await organisation(ctx, organisation_id), actor)
    return [
        {
            "id": d["_id"],
            "email": d["email"],
            "role": d.get("role"),
            "last_sent_at": d.get("last_sent_at"),
            "expires_at": d.get("expires_at"),
        }
        for d in await ctx.invitations.pending(organisation_id)
    ]


async def _checked(
    ctx: Context, invitation_id: str, code: str
) -> tuple[dict[str, Any], Organisation]:
    """The invitation and its organisation, if the code is right and the link still usable."""
    doc = await ctx.invitations.get(invitation_id)
    if (
        doc is None
        or doc["status"] == "draft"
        or not hmac.compare_digest(doc["code"].encode(), code.strip().upper().encode())
    ):
        raise NotFound(
            "INVITATION_NOT_FOUND", "Cette invitation n'existe pas ou son code est incorrect."
        )
    state = await organisation(ctx, doc["organisation_id"])
    invitation = state.invitations.get(invitation_id)
    if invitation is None:
        raise NotFound("INVITATION_NOT_FOUND", "Invitation introuvable.")
    if invitation.status == "cancelled":
        raise Gone("CANCELLED_INVITATION", "Cette invitation a été annulée.")
    if invitation.status == "accepted":
        raise Conflict("ALREADY_ACCEPTED_INVITATION", "Cette invitation a déjà été acceptée.")
    if invitation.expired(ctx.clock()):
        raise Gone(
            "EXPIRED_INVITATION",
            "Cette invitation a expiré. Demandez à un administrateur de vous la renvoyer.",
        )
    return doc, state


async def read_invitation(ctx: Context, invitation_id: str, code: str) -> dict[str, Any]:
    doc, state = await _checked(ctx, invitation_id, code)
    invitation = state.invitations[invitation_id]
    return {
        "id": invitation_id,
        "organisation_id": state.organisation_id,
        "organisation_name": state.name,
        "email": doc["email"],
        "status": invitation.status,
        "expires_at": invitation.expires_at,
    }


async def accept_invitation(
    ctx: Context, invitation_id: str, code: str, user_id: str
) -> dict[str, Any]:
    doc, _ = await _checked(ctx, invitation_id, code)
    command = AcceptInvitation(invitation_id, user_id, str(uuid.uuid4()), ctx.clock())
    outcome = await on_organisation(ctx, doc["organisation_id"], lambda s: decide(s, command))
    if len(outcome.events) == 1:
        raise Conflict(
            "ALREADY_EXISTING_MEMBERSHIP",
            "Vous êtes déjà membre de cette organisation ; l'invitation a été utilisée.",
        )
    member = outcome.state.member(user_id)
    assert member is not None
    return {
        "organisation_id": doc["organisation_id"],
        "organisation_name": outcome.state.name,
        "membership_id": member.membership_id,
        "user_id": user_id,
        "role": member.role,
    }


async def accept_with_new_account(
    ctx: Context,
    invitation_id: str,
    code: str,
    *,
    first_name: str,
    last_name: str,
    password: str,
) -> dict[str, Any]:
    """Create the invitee's account with identity (on the invited e-mail), then accept."""
    doc, _ = await _checked(ctx, invitation_id, code)
    user_id = await ctx.identity.register(
        first_name=first_name,
        last_name=last_name,
        email=doc["email"],
        password=password,
        correlation_id=current_correlation_id(),
    )
    return await accept_invitation(ctx, invitation_id, code, user_id)

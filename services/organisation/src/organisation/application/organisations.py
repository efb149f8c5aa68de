"""Creating organisations (platform admins, CLI, seed) and reading them."""

from __future__ import annotations

import uuid
from typing import Any

from orga_shared.contracts.organisation import Role
from organisation.application.aggregates import on_organisation, organisation
from organisation.application.context import Context
from organisation.application.invitations import send_invitations
from organisation.domain.access import require_member
from organisation.domain.commands import Actor, AddMember, CreateOrganisation
from organisation.domain.organisation import Organisation
from organisation.domain.team import decide


async def create_organisation(
    ctx: Context,
    actor: Actor,
    *,
    name: str,
    type: str,
    external_id: str | None = None,
    is_managing_students: bool = False,
    admin_email: str | None = None,
    organisation_id: str | None = None,
) -> dict[str, Any]:
    """The organisation, and an ADMIN invitation e-mailed to `admin_email` if given (this is
    how the real service hands a new space to its first administrator)."""
    org_id = organisation_id or str(uuid.uuid4())
    command = CreateOrganisation(org_id, name, type, external_id, is_managing_students, actor)
    await on_organisation(ctx, org_id, lambda s: decide(s, command))
    invitations: list[dict[str, Any]] = []
    if admin_email:
        invitations = await send_invitations(ctx, org_id, actor, admin_email, "ADMIN")
    return {**await describe(ctx, org_id), "invitations": invitations}


async def add_member(
    ctx: Context, organisation_id: str, actor: Actor, user_id: str, role: Role
) -> str:
    membership_id = str(uuid.uuid4())
    command = AddMember(user_id, membership_id, role, actor)
    await on_organisation(ctx, organisation_id, lambda s: decide(s, command))
    return membership_id


async def describe(ctx: Context, organisation_id: str) -> dict[str, Any]:
    return as_dict(await organisation(ctx, organisation_id))


async def get_organisation(ctx: Context, organisation_id: str, actor: Actor) -> dict[str, Any]:
    state = await organisation(ctx, organisation_id)
    require_member(state, actor)
    member = state.member(actor.user_id) if actor.user_id else None
    return {**as_dict(state), "my_role": member.role if member else None}


def as_dict(state: Organisation) -> dict[str, Any]:
    return {
        "id": state.organisation_id,
        "name": state.name,
        "type": state.type,
        "external_id": state.external_id,
        "is_managing_students": state.is_managing_students,
        "member_count": len(state.active_members()),
    }


async def my_organisations(ctx: Context, user_id: str) -> list[dict[str, Any]]:
    roles = await ctx.directory.organisations_of(user_id)
    docs = await ctx.organisations.many(roles)
    return [
        {
            "id": d["_id"],
            "name": d["name"],
            "type": d["type"],
            "is_managing_students": d.get("is_managing_students", False),
            "role": roles[d["_id"]],
        }
        for d in docs
    ]


async def all_organisations(ctx: Context) -> list[dict[str, Any]]:
    return [
        {
            "id": d["_id"],
            "name": d["name"],
            "type": d["type"],
            "external_id": d.get("external_id"),
            "is_managing_students": d.get("is_managing_students", False),
        }
        for d in await ctx.organisations.all()
    ]

"""Team use cases: the members list, role changes, removal, leaving (pix-orga.md §6.2)."""

from __future__ import annotations

from typing import Any

from organisation.application.aggregates import on_organisation, organisation
from organisation.application.context import Context
from organisation.domain.access import require_member
from organisation.domain.commands import Actor, ChangeRole, LeaveOrganisation, RemoveMember
from organisation.domain.team import decide


async def members(
    ctx: Context, organisation_id: str, actor: Actor, role: str | None = None
) -> list[dict[str, Any]]:
    state = await organisation(ctx, organisation_id)
    require_member(state, actor)
    listed = [m for m in state.active_members() if role is None or m.role == role]
    listed.sort(key=lambda m: (m.role != "ADMIN", m.membership_id))
    return [
        {
            "id": m.membership_id,
            "user_id": m.user_id,
            "role": m.role,
            "is_me": m.user_id == actor.user_id,
        }
        for m in listed
    ]


async def change_role(
    ctx: Context, organisation_id: str, membership_id: str, role: str, actor: Actor
) -> dict[str, Any]:
    command = ChangeRole(membership_id, role, actor)
    outcome = await on_organisation(ctx, organisation_id, lambda s: decide(s, command))
    member = outcome.state.membership(membership_id)
    assert member is not None
    return {"id": membership_id, "user_id": member.user_id, "role": member.role}


async def remove_member(
    ctx: Context, organisation_id: str, membership_id: str, actor: Actor
) -> None:
    command = RemoveMember(membership_id, actor)
    await on_organisation(ctx, organisation_id, lambda s: decide(s, command))


async def leave(ctx: Context, organisation_id: str, user_id: str) -> None:
    await on_organisation(ctx, organisation_id, lambda s: decide(s, LeaveOrganisation(user_id)))

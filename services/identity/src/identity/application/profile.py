"""Reading and editing one's own profile ("me")."""

from __future__ import annotations

from datetime import date
from typing import Any

from identity.application.context import Context
from identity.domain.errors import UserNotFound
from identity.domain.person import clean_name, parse_birth_date
from identity.domain.user import ChangeProfile

EDITABLE = ("first_name", "last_name", "birth_date")


async def get_me(ctx: Context, user_id: str) -> dict[str, Any]:
    state, _ = await ctx.users.load(user_id)
    profile = await ctx.profiles.get(user_id)
    if not state.exists or profile is None:
        raise UserNotFound()
    return {
        "id": user_id,
        "first_name": profile.get("first_name"),
        "last_name": profile.get("last_name"),
        "email": profile.get("email"),
        "username": profile.get("username"),
        "birth_date": profile.get("birth_date"),
        "login_methods": sorted(state.methods),
        "identity_providers": sorted(state.providers),
        "has_password": state.has_password,
        "roles": sorted(state.roles),
        "pix_orga_terms_of_service_accepted": state.orga_terms_accepted,
    }


def validate_changes(changes: dict[str, Any], today: date) -> dict[str, Any]:
    clean: dict[str, Any] = {}
    for name, value in changes.items():
        if name not in EDITABLE:
            continue
        if name == "birth_date":
            clean[name] = None if value is None else parse_birth_date(value, today=today)
        else:
            clean[name] = clean_name(str(value or ""), name)
    return clean


async def apply_profile_changes(ctx: Context, user_id: str, changes: dict[str, Any]) -> list[str]:
    """Store what really changed, record `UserProfileChanged`, publish; the changed fields."""
    profile = await ctx.profiles.get(user_id)
    if profile is None:
        raise UserNotFound()
    differing = {
        k: v
        for k, v in changes.items()
        if (v.isoformat() if isinstance(v, date) else v) != profile.get(k)
    }
    if not differing:
        return []
    state, _ = await ctx.users.load(user_id)
    if not state.exists:
        raise UserNotFound()
    updated = await ctx.profiles.update(user_id, differing)
    if updated is None:
        raise UserNotFound()
    fields = sorted(differing)
    await ctx.users.execute(
        user_id, ChangeProfile(fields=tuple(fields), profile_version=int(updated["version"]))
    )
    await ctx.publisher.publish_quietly(user_id)
    return fields


async def update_me(ctx: Context, user_id: str, changes: dict[str, Any]) -> dict[str, Any]:
    await apply_profile_changes(ctx, user_id, validate_changes(changes, ctx.clock().date()))
    return await get_me(ctx, user_id)

"""Who may act on an organisation: its members read, its admins manage, platform admins do both."""

from __future__ import annotations

from organisation.domain.commands import Actor
from organisation.domain.errors import admin_only, not_a_member
from organisation.domain.organisation import Organisation


def require_admin(state: Organisation, actor: Actor) -> None:
    """Admins of the organisation and platform admins; others get a 403."""
    if actor.platform_admin:
        return
    member = state.member(actor.user_id) if actor.user_id else None
    if member is None:
        raise not_a_member()
    if member.role != "ADMIN":
        raise admin_only()


def require_member(state: Organisation, actor: Actor) -> None:
    if actor.platform_admin:
        return
    if actor.user_id is None or state.member(actor.user_id) is None:
        raise not_a_member()

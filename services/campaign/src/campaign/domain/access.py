"""Who may manage or delete campaigns (docs/domain/pix-orga.md §1.8)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from campaign.domain.commands import Actor

if TYPE_CHECKING:
    from campaign.domain.campaign import Campaign


def can_manage(state: Campaign, actor: Actor) -> bool:
    """Edit, archive, unarchive: an admin of the organisation or the owner (§1.8)."""
    if actor.platform_admin or actor.role == "ADMIN":
        return True
    return actor.role is not None and actor.user_id == state.owner_id


def can_delete_all(campaigns: list[Campaign], actor: Actor) -> bool:
    """Deleting a selection: an admin, or the owner of every selected campaign (§1.8)."""
    if actor.platform_admin or actor.role == "ADMIN":
        return True
    return actor.role is not None and all(c.owner_id == actor.user_id for c in campaigns)

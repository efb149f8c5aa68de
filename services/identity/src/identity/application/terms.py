"""Acceptance of the Pix Orga terms of use (CGU), required before any Orga page."""

from __future__ import annotations

from identity.application.context import Context
from identity.domain.user import AcceptOrgaTerms


async def accept_orga_terms(ctx: Context, user_id: str) -> bool:
    """True when this call recorded the acceptance, False when it was already recorded."""
    _, events = await ctx.users.execute(user_id, AcceptOrgaTerms())
    return bool(events)

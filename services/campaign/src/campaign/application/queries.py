"""What teachers and students read: a campaign, the list page, a code, the profiles on offer."""

from __future__ import annotations

from dataclasses import dataclass, replace

from campaign.application.campaigns import actor_in
from campaign.application.context import Context
from campaign.application.ports import CampaignRow, ListQuery, Page, Role
from campaign.domain import codes
from campaign.domain.rules import NOT_FOUND, CampaignRejected
from orga_shared.content.profiles import TargetProfile
from orga_shared.http.auth import Principal
from orga_shared.names import fold, matches_search

PAGE_SIZES = (10, 25, 50, 100)


@dataclass(frozen=True)
class Person:
    user_id: str
    first_name: str
    last_name: str

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


@dataclass(frozen=True)
class Listed:
    page: Page
    owners: dict[str, Person]


async def people(ctx: Context, user_ids: list[str]) -> dict[str, Person]:
    names = await ctx.people.names(sorted(set(user_ids)))
    return {uid: Person(uid, *names.get(uid, ("", ""))) for uid in dict.fromkeys(user_ids) if uid}


async def get(ctx: Context, principal: Principal, campaign_id: str) -> tuple[CampaignRow, Person]:
    row = await ctx.views.get(campaign_id)
    if row is None:
        raise CampaignRejected(NOT_FOUND, 404)
    actor = await actor_in(ctx, principal, row.organisation_id)
    if actor.role is None and not actor.platform_admin:
        raise CampaignRejected(NOT_FOUND, 404)
    return row, (await people(ctx, [row.owner_id]))[row.owner_id]


async def list_page(
    ctx: Context,
    principal: Principal,
    query: ListQuery,
    *,
    mine: bool = False,
    owner_name: str | None = None,
) -> Listed:
    """ "Mes campagnes" (`mine`) or all; the owner-name filter is the name search of §7.6."""
    if mine:
        query = replace(query, owner_id=principal.user_id)
    if owner_name and owner_name.strip():
        candidates = await people(ctx, await ctx.views.owners(query.organisation_id))
        owners = tuple(
            uid
            for uid, p in candidates.items()
            if matches_search(owner_name, p.first_name, p.last_name)
        )
        query = replace(query, owner_ids=owners)
    page = await ctx.views.page(query)
    return Listed(page, await people(ctx, [r.owner_id for r in page.rows]))


async def by_code(ctx: Context, typed: str) -> CampaignRow:
    """A student's look-up: case and spaces ignored, a deleted campaign is never revealed."""
    code = codes.normalise(typed)
    row = await ctx.views.by_code(code) if codes.looks_like_a_code(code) else None
    if row is None:
        raise CampaignRejected(NOT_FOUND, 404)
    return row


async def offered_profiles(ctx: Context, organisation_id: str) -> list[TargetProfile]:
    settings = await ctx.settings.get(organisation_id)
    return ctx.catalogue.offered(settings.extra_target_profiles)


async def members(ctx: Context, organisation_id: str) -> list[tuple[Person, Role]]:
    """The owner picker: active members, sorted by full name (§1.4)."""
    roles = await ctx.memberships.members_of(organisation_id)
    found = await people(ctx, list(roles))
    return sorted(
        ((found[uid], role) for uid, role in roles.items()),
        key=lambda pr: (fold(pr[0].full_name), pr[0].user_id),
    )

"""The campaign use cases on in-memory adapters: what they look up, refuse and write."""

from __future__ import annotations

from typing import Any

import pytest

from campaign.application import campaigns, queries
from campaign.application.campaigns import NewCampaign
from campaign.application.ports import ListQuery
from campaign.domain.rules import CampaignRejected
from orga_shared.http.auth import Principal

from .memory import MemoryCodes, MemoryMemberships, MemoryPeople, memory_context

pytestmark = pytest.mark.unit

ORG = "org-1"
ALICE, BOB, CAROL = Principal("alice"), Principal("bob"), Principal("carol")


@pytest.fixture
def ctx() -> Any:
    context = memory_context()
    members = context.memberships
    assert isinstance(members, MemoryMemberships)
    members.roles.update(
        {(ORG, "alice"): "ADMIN", (ORG, "bob"): "MEMBER", (ORG, "carol"): "MEMBER"}
    )
    people = context.people
    assert isinstance(people, MemoryPeople)
    people.known.update(
        {"alice": ("Alice", "Admin"), "bob": ("Bob", "Dupré"), "carol": ("Carol", "Éloi")}
    )
    return context


def form(**changes: Any) -> NewCampaign:
    base: dict[str, Any] = {"name": "Rentrée", "type": "ASSESSMENT", "target_profile_id": "tp-1.1"}
    return NewCampaign(**{**base, **changes})


async def test_creation_freezes_the_target_skills_and_reserves_a_code(ctx: Any) -> None:
    outcome = await campaigns.create(ctx, BOB, ORG, form())
    [event] = outcome.events
    assert event.target.target_profile_id == "tp-1.1"
    assert len(event.target.skills) == len(ctx.catalogue.release.campaign_skills("tp-1.1"))
    assert ctx.codes.taken == {event.code: outcome.state.campaign_id}
    assert outcome.state.owner_id == "bob"


async def test_a_refused_creation_spends_no_code(ctx: Any) -> None:
    with pytest.raises(CampaignRejected):
        await campaigns.create(ctx, BOB, ORG, form(name=""))
    assert ctx.codes.taken == {}


async def test_a_code_another_campaign_drew_is_drawn_again(ctx: Any) -> None:
    codes = ctx.codes
    assert isinstance(codes, MemoryCodes)
    codes.refuse_first = 3
    outcome = await campaigns.create(ctx, BOB, ORG, form())
    assert list(codes.taken.values()) == [outcome.state.campaign_id]


async def test_duplicate_keeps_the_owner_while_a_member_else_the_caller(ctx: Any) -> None:
    source = await campaigns.create(ctx, BOB, ORG, form(owner_id="carol"))
    copy = await campaigns.duplicate(ctx, ALICE, source.state.campaign_id)
    assert copy.state.name == "Copie de Rentrée" and copy.state.owner_id == "carol"
    del ctx.memberships.roles[(ORG, "carol")]
    again = await campaigns.duplicate(ctx, ALICE, source.state.campaign_id)
    assert again.state.owner_id == "alice"


async def test_deleting_a_selection_is_all_or_nothing(ctx: Any) -> None:
    mine = await campaigns.create(ctx, BOB, ORG, form())
    theirs = await campaigns.create(ctx, CAROL, ORG, form())
    ids = [mine.state.campaign_id, theirs.state.campaign_id]
    with pytest.raises(CampaignRejected) as refused:
        await campaigns.delete_many(ctx, BOB, ORG, ids)
    assert refused.value.status == 403
    states = [await ctx.streams.load(c) for c in ids]
    assert all(s.exists for s in states)  # nothing deleted
    assert await campaigns.delete_many(ctx, ALICE, ORG, ids) == 2
    with pytest.raises(CampaignRejected) as gone:
        await campaigns.delete_many(ctx, ALICE, ORG, ids)
    assert gone.value.status == 404


async def test_the_owner_filter_is_the_name_search(ctx: Any) -> None:
    await campaigns.create(ctx, BOB, ORG, form(name="A"))
    await campaigns.create(ctx, CAROL, ORG, form(name="B"))
    listed = await queries.list_page(ctx, ALICE, ListQuery(ORG), owner_name="eloi")
    assert [r.name for r in listed.page.rows] == ["B"]
    assert listed.owners["carol"].full_name == "Carol Éloi"
    mine = await queries.list_page(ctx, BOB, ListQuery(ORG), mine=True)
    assert [r.name for r in mine.page.rows] == ["A"]


async def test_members_for_the_owner_picker_are_sorted_by_name(ctx: Any) -> None:
    found = await queries.members(ctx, ORG)
    assert [p.full_name for p, _ in found] == ["Alice Admin", "Bob Dupré", "Carol Éloi"]

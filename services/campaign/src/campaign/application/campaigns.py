"""Teachers' commands on campaigns: create, edit, duplicate, archive, unarchive, delete.

Each looks up what the rules need (the caller's and the owner's roles, the organisation's
settings, the target profile), lets the pure `decide` judge, appends through `execute`, then
applies the new events to the read models at once, so the teacher reads what they just wrote
(the service's own consumer applies them again, idempotently, after a crash).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace

from campaign.application.context import Context
from campaign.domain import codes
from campaign.domain.access import can_delete_all
from campaign.domain.campaign import Campaign, decide
from campaign.domain.commands import (
    Actor,
    ArchiveCampaign,
    Command,
    CreateCampaign,
    DeleteCampaign,
    UnarchiveCampaign,
    UpdateCampaign,
)
from campaign.domain.rules import NOT_FOUND, CampaignRejected, Problem
from orga_shared.contracts.campaign import CampaignType, ExternalIdType
from orga_shared.eventstore import Outcome
from orga_shared.http.auth import Principal

CODE_ATTEMPTS = 10
COPY_PREFIX = "Copie de "


async def actor_in(ctx: Context, principal: Principal, organisation_id: str) -> Actor:
    role = await ctx.memberships.role_of(principal.user_id, organisation_id)
    return Actor(principal.user_id, role, principal.is_platform_admin)


@dataclass(frozen=True)
class NewCampaign:
    """What the creation form sends (docs/domain/pix-orga.md §1.3, §1.4)."""

    name: str | None
    type: CampaignType | None
    owner_id: str | None = None
    title: str | None = None
    landing_text: str | None = None
    external_id_label: str | None = None
    external_id_type: ExternalIdType | None = None
    target_profile_id: str | None = None
    multiple_sendings: bool = False


async def create(
    ctx: Context, principal: Principal, organisation_id: str, form: NewCampaign
) -> Outcome[Campaign]:
    creator = await actor_in(ctx, principal, organisation_id)
    owner_id = form.owner_id or principal.user_id
    owner_role = await ctx.memberships.role_of(owner_id, organisation_id)
    settings = await ctx.settings.get(organisation_id)
    profile = ctx.catalogue.get(form.target_profile_id) if form.target_profile_id else None
    available = profile is not None and ctx.catalogue.is_offered(
        profile.id, settings.extra_target_profiles
    )
    command = CreateCampaign(
        campaign_id=str(uuid.uuid4()),
        organisation_id=organisation_id,
        code="",
        name=form.name,
        type=form.type,
        creator=creator,
        owner_id=owner_id,
        owner_is_member=owner_role is not None,
        title=form.title,
        landing_text=form.landing_text,
        external_id_label=form.external_id_label,
        external_id_type=form.external_id_type,
        target_profile_id=form.target_profile_id,
        target_profile_available=available,
        target=ctx.catalogue.freeze(profile) if profile is not None and available else None,
        multiple_sendings=form.multiple_sendings,
        multiple_sendings_feature=settings.multiple_sendings_assessment,
    )
    decide(Campaign(), command)  # refuse bad input before a code is spent on it
    command = replace(command, code=await _reserve_code(ctx, command))
    return await _run(ctx, command.campaign_id, command)


async def _reserve_code(ctx: Context, command: CreateCampaign) -> str:
    for _ in range(CODE_ATTEMPTS):
        code = codes.generate()
        if await ctx.codes.reserve(code, command.campaign_id, command.organisation_id):
            return code
    raise RuntimeError(f"no free campaign code after {CODE_ATTEMPTS} draws")


async def _run(ctx: Context, campaign_id: str, command: Command) -> Outcome[Campaign]:
    outcome = await ctx.streams.execute(campaign_id, lambda state: decide(state, command))
    if outcome.commit is not None:
        for envelope, event in zip(outcome.commit.envelopes, outcome.events, strict=True):
            await ctx.views.apply(envelope, event)
    return outcome


async def _existing(ctx: Context, principal: Principal, campaign_id: str) -> tuple[Campaign, Actor]:
    state = await ctx.streams.load(campaign_id)
    if not state.exists:
        raise CampaignRejected(NOT_FOUND, 404)
    actor = await actor_in(ctx, principal, state.organisation_id)
    if actor.role is None and not actor.platform_admin:
        raise CampaignRejected(NOT_FOUND, 404)  # a stranger learns nothing, not even existence
    return state, actor


@dataclass(frozen=True)
class Changes:
    name: str | None = None
    title: str | None = None
    clear_title: bool = False
    landing_text: str | None = None
    clear_landing_text: bool = False
    owner_id: str | None = None


async def update(
    ctx: Context, principal: Principal, campaign_id: str, changes: Changes
) -> Outcome[Campaign]:
    state, actor = await _existing(ctx, principal, campaign_id)
    owner_ok = True
    if changes.owner_id is not None:
        owner_ok = (
            await ctx.memberships.role_of(changes.owner_id, state.organisation_id) is not None
        )
    command = UpdateCampaign(
        actor=actor,
        name=changes.name,
        title=changes.title,
        clear_title=changes.clear_title,
        landing_text=changes.landing_text,
        clear_landing_text=changes.clear_landing_text,
        owner_id=changes.owner_id,
        owner_is_member=owner_ok,
    )
    return await _run(ctx, campaign_id, command)


async def duplicate(
    ctx: Context, principal: Principal, campaign_id: str, name: str | None = None
) -> Outcome[Campaign]:
    """ "Copie de …" with a new code; what the source had is copied (§1.7), the owner stays
    the source's while they are a member, else becomes the caller."""
    source, _ = await _existing(ctx, principal, campaign_id)
    row = await ctx.views.get(campaign_id)
    if row is None:
        raise CampaignRejected(NOT_FOUND, 404)
    owner = source.owner_id
    if await ctx.memberships.role_of(owner, source.organisation_id) is None:
        owner = principal.user_id
    form = NewCampaign(
        name=name or f"{COPY_PREFIX}{source.name}"[:255],
        type=source.type,
        owner_id=owner,
        title=source.title,
        landing_text=source.landing_text,
        external_id_label=row.external_id_label,
        external_id_type=row.external_id_type,
        target_profile_id=row.target_profile_id,
        multiple_sendings=row.multiple_sendings,
    )
    return await create(ctx, principal, source.organisation_id, form)


async def archive(ctx: Context, principal: Principal, campaign_id: str) -> Outcome[Campaign]:
    _, actor = await _existing(ctx, principal, campaign_id)
    return await _run(ctx, campaign_id, ArchiveCampaign(actor))


async def unarchive(ctx: Context, principal: Principal, campaign_id: str) -> Outcome[Campaign]:
    _, actor = await _existing(ctx, principal, campaign_id)
    return await _run(ctx, campaign_id, UnarchiveCampaign(actor))


async def delete_many(
    ctx: Context, principal: Principal, organisation_id: str, campaign_ids: list[str]
) -> int:
    """All or nothing: every campaign must be this organisation's and deletable by the caller."""
    actor = await actor_in(ctx, principal, organisation_id)
    selected = [await ctx.streams.load(c) for c in dict.fromkeys(campaign_ids)]
    strangers = [
        Problem("CAMPAIGN_NOT_FOUND", f"campaign_ids.{i}", "Cette campagne est introuvable.")
        for i, c in enumerate(selected)
        if not c.exists or c.organisation_id != organisation_id
    ]
    if strangers:
        raise CampaignRejected(strangers, 404)
    may_delete = can_delete_all(selected, actor)
    for campaign in selected:
        await _run(ctx, campaign.campaign_id, DeleteCampaign(actor, may_delete=may_delete))
    return len(selected)

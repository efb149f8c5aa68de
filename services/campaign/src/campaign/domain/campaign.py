"""The campaign aggregate: stream `campaign-<id>`, pure `decide` and `evolve`.

Commands (`commands.py`) carry what the application looked up beforehand (is the owner an
active member, is the target profile available to the organisation, does it have the
multiple-sendings feature, the frozen target): `decide` stays pure and checks every rule at
once (docs/domain/pix-orga.md §1.3, §1.6, §1.8); who may do what is `access.py`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from campaign.domain import rules
from campaign.domain.access import can_manage
from campaign.domain.commands import (
    Actor,
    ArchiveCampaign,
    Command,
    CreateCampaign,
    DeleteCampaign,
    UnarchiveCampaign,
    UpdateCampaign,
)
from campaign.domain.rules import CampaignRejected, Problem
from orga_shared.contracts.campaign import (
    CampaignArchived,
    CampaignCreated,
    CampaignDeleted,
    CampaignType,
    CampaignUnarchived,
    CampaignUpdated,
)
from orga_shared.events.envelope import DomainEvent


@dataclass(frozen=True)
class Campaign:
    campaign_id: str = ""
    organisation_id: str = ""
    code: str = ""
    name: str = ""
    type: CampaignType = "ASSESSMENT"
    title: str | None = None
    landing_text: str | None = None
    owner_id: str = ""
    archived: bool = False
    deleted: bool = False

    @property
    def exists(self) -> bool:
        return bool(self.campaign_id) and not self.deleted


def _creation_problems(c: CreateCampaign) -> list[Problem]:
    problems: list[Problem] = []
    name = rules.clean(c.name)
    if c.type is None:
        problems.append(rules.PURPOSE_REQUIRED)
    assessment = c.type == "ASSESSMENT"
    problems += rules.name_problems(name)
    if not c.owner_is_member:
        problems.append(rules.OWNER_NOT_MEMBER)
    problems += rules.title_problems(rules.clean(c.title), assessment)
    problems += rules.landing_problems(c.landing_text)
    label = rules.clean(c.external_id_label)
    if label is not None and c.external_id_type is None:
        problems.append(rules.ID_TYPE_MISSING)
    if label is None and c.external_id_type is not None:
        problems.append(rules.ID_TYPE_WITHOUT_LABEL)
    if label is not None and len(label) > rules.EXTERNAL_ID_LABEL_MAX:
        problems.append(rules.ID_LABEL_TOO_LONG)
    if assessment and c.target_profile_id is None:
        problems.append(rules.PROFILE_REQUIRED)
    if assessment and c.target_profile_id is not None and not c.target_profile_available:
        problems.append(rules.PROFILE_UNAVAILABLE)
    if c.type == "PROFILES_COLLECTION" and c.target_profile_id is not None:
        problems.append(rules.PROFILE_FORBIDDEN)
    if assessment and c.multiple_sendings and not c.multiple_sendings_feature:
        problems.append(rules.MULTIPLE_SENDINGS_FORBIDDEN)
    return problems


def _create(state: Campaign, c: CreateCampaign) -> list[DomainEvent]:
    if state.campaign_id:
        raise CampaignRejected(
            Problem("CAMPAIGN_EXISTS", "campaign_id", "Campagne existante."), 409
        )
    if c.creator.role is None and not c.creator.platform_admin:
        raise CampaignRejected(rules.NOT_MANAGER, 403)
    problems = _creation_problems(c)
    if problems:
        raise CampaignRejected(problems)
    assert c.type is not None
    assessment = c.type == "ASSESSMENT"
    label = rules.clean(c.external_id_label)
    return [
        CampaignCreated(
            campaign_id=c.campaign_id,
            organisation_id=c.organisation_id,
            code=c.code,
            name=rules.clean(c.name) or "",
            type=c.type,
            title=rules.clean(c.title) if assessment else None,
            landing_text=rules.clean(c.landing_text),
            external_id_label=label,
            external_id_type=c.external_id_type if label else None,
            multiple_sendings=c.multiple_sendings,
            creator_id=c.creator.user_id,
            owner_id=c.owner_id,
            target=c.target if assessment else None,
        )
    ]


def _manageable(state: Campaign, actor: Actor) -> None:
    if not state.exists:
        raise CampaignRejected(rules.NOT_FOUND, 404)
    if not can_manage(state, actor):
        raise CampaignRejected(rules.NOT_MANAGER, 403)


def _update(state: Campaign, u: UpdateCampaign) -> list[DomainEvent]:
    _manageable(state, u.actor)
    if state.archived:
        raise CampaignRejected(rules.ARCHIVED, 409)
    problems: list[Problem] = []
    name = rules.clean(u.name) if u.name is not None else None
    if u.name is not None:
        problems += rules.name_problems(name)
    title = rules.clean(u.title)
    problems += rules.title_problems(title, state.type == "ASSESSMENT")
    problems += rules.landing_problems(u.landing_text)
    if u.owner_id is not None and not u.owner_is_member:
        problems.append(rules.OWNER_NOT_MEMBER)
    if problems:
        raise CampaignRejected(problems)
    event = CampaignUpdated(
        campaign_id=state.campaign_id,
        organisation_id=state.organisation_id,
        updated_by=u.actor.user_id,
        name=name if name != state.name else None,
        title=title if title != state.title else None,
        clear_title=u.clear_title and state.title is not None,
        landing_text=rules.clean(u.landing_text)
        if rules.clean(u.landing_text) != state.landing_text
        else None,
        clear_landing_text=u.clear_landing_text and state.landing_text is not None,
        owner_id=u.owner_id if u.owner_id != state.owner_id else None,
    )
    changed = event.model_dump(exclude={"campaign_id", "organisation_id", "updated_by"})
    return [event] if any(v not in (None, False) for v in changed.values()) else []


def decide(state: Campaign, command: Command) -> list[DomainEvent]:
    match command:
        case CreateCampaign():
            return _create(state, command)
        case UpdateCampaign():
            return _update(state, command)
        case ArchiveCampaign(actor=actor):
            _manageable(state, actor)
            if state.archived:
                raise CampaignRejected(rules.ALREADY_ARCHIVED, 409)
            return [CampaignArchived(**_ids(state), archived_by=actor.user_id)]
        case UnarchiveCampaign(actor=actor):
            _manageable(state, actor)
            if not state.archived:
                raise CampaignRejected(rules.NOT_ARCHIVED, 409)
            return [CampaignUnarchived(**_ids(state), unarchived_by=actor.user_id)]
        case DeleteCampaign(actor=actor, may_delete=may_delete):
            if not state.exists:
                raise CampaignRejected(rules.NOT_FOUND, 404)
            if not may_delete:
                raise CampaignRejected(rules.NOT_MANAGER, 403)
            return [CampaignDeleted(**_ids(state), deleted_by=actor.user_id)]
    raise AssertionError(f"unknown command {command!r}")


def _ids(state: Campaign) -> dict[str, str]:
    return {"campaign_id": state.campaign_id, "organisation_id": state.organisation_id}


def evolve(state: Campaign, event: DomainEvent) -> Campaign:
    match event:
        case CampaignCreated():
            return Campaign(
                campaign_id=event.campaign_id,
                organisation_id=event.organisation_id,
                code=event.code,
                name=event.name,
                type=event.type,
                title=event.title,
                landing_text=event.landing_text,
                owner_id=event.owner_id,
            )
        case CampaignUpdated():
            return replace(
                state,
                name=event.name or state.name,
                title=None if event.clear_title else (event.title or state.title),
                landing_text=None
                if event.clear_landing_text
                else (event.landing_text or state.landing_text),
                owner_id=event.owner_id or state.owner_id,
            )
        case CampaignArchived():
            return replace(state, archived=True)
        case CampaignUnarchived():
            return replace(state, archived=False)
        case CampaignDeleted():
            return replace(state, deleted=True)
    return state

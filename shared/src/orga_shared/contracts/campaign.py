"""Published contracts of the campaign service: events on `campaign.events`, keyed by campaign id.

Ids and facts only: the owner and the actors are user ids, never names (docs/design.md §2).
`CampaignCreated` freezes what the campaign assesses (skills with their tube, competence and
difficulty, stages and badges, from the content release of that day), so assessment and
analytics need no other source and a later release changes no running campaign.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, field_validator

from orga_shared.events.envelope import DomainEvent
from orga_shared.events.registry import EVENTS

CampaignType = Literal["ASSESSMENT", "PROFILES_COLLECTION"]
ExternalIdType = Literal["STRING", "EMAIL"]

EVENTS_TOPIC = "campaign.events"


def campaign_stream(campaign_id: str) -> str:
    return f"campaign-{campaign_id}"


class TargetSkill(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    skill_id: str  # the skill's name, e.g. "@web3"
    tube: str
    competence: str
    difficulty: int


class FrozenStage(BaseModel):
    """A stage as a threshold over the campaign's skills (level stages already converted)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    threshold: int
    title: str
    message: str
    is_first_skill: bool = False


class FrozenCappedTube(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    tube: str
    level: int


class FrozenBadgeCriterion(BaseModel):
    """`capped_tubes` are objects, not `[tube, level]` pairs: arrays of arrays are refused by
    the local database (FerretDB 1.24), and an object names its fields. Pairs written before
    are still read (`_pairs`)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    scope: Literal["CampaignParticipation", "CappedTubes"]
    threshold: int
    capped_tubes: tuple[FrozenCappedTube, ...] = ()

    @field_validator("capped_tubes", mode="before")
    @classmethod
    def _pairs(cls, value: Any) -> Any:
        if isinstance(value, list | tuple):
            return tuple(
                {"tube": v[0], "level": v[1]} if isinstance(v, list | tuple) else v for v in value
            )
        return value


class FrozenBadge(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    key: str
    title: str
    message: str
    image_url: str
    is_certifiable: bool = False
    criteria: tuple[FrozenBadgeCriterion, ...]


class FrozenTarget(BaseModel):
    """What an assessment campaign assesses, as frozen at its creation."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    target_profile_id: str
    target_profile_name: str
    content_version: str
    skills: tuple[TargetSkill, ...]
    stages: tuple[FrozenStage, ...] = ()
    badges: tuple[FrozenBadge, ...] = ()


@EVENTS.register
class CampaignCreated(DomainEvent):
    event_type = "CampaignCreated"

    campaign_id: str
    organisation_id: str
    code: str
    name: str
    type: CampaignType
    title: str | None = None
    landing_text: str | None = None
    external_id_label: str | None = None
    external_id_type: ExternalIdType | None = None
    multiple_sendings: bool = False
    creator_id: str
    owner_id: str
    target: FrozenTarget | None = None


@EVENTS.register
class CampaignUpdated(DomainEvent):
    """Only the fields a teacher may edit (docs/domain/pix-orga.md §1.6); absent = unchanged."""

    event_type = "CampaignUpdated"

    campaign_id: str
    organisation_id: str
    updated_by: str
    name: str | None = None
    title: str | None = None
    clear_title: bool = False
    landing_text: str | None = None
    clear_landing_text: bool = False
    owner_id: str | None = None


@EVENTS.register
class CampaignArchived(DomainEvent):
    event_type = "CampaignArchived"

    campaign_id: str
    organisation_id: str
    archived_by: str


@EVENTS.register
class CampaignUnarchived(DomainEvent):
    event_type = "CampaignUnarchived"

    campaign_id: str
    organisation_id: str
    unarchived_by: str


@EVENTS.register
class CampaignDeleted(DomainEvent):
    """Irreversible: every service drops the campaign's participations."""

    event_type = "CampaignDeleted"

    campaign_id: str
    organisation_id: str
    deleted_by: str


__all__ = [
    "EVENTS_TOPIC",
    "CampaignArchived",
    "CampaignCreated",
    "CampaignDeleted",
    "CampaignType",
    "CampaignUnarchived",
    "CampaignUpdated",
    "ExternalIdType",
    "FrozenBadge",
    "FrozenBadgeCriterion",
    "FrozenStage",
    "FrozenTarget",
    "TargetSkill",
    "campaign_stream",
]

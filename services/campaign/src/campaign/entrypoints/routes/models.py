"""Request and response models of the campaign API (the OpenAPI contract clients use)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from orga_shared.contracts.campaign import CampaignType, ExternalIdType


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class CampaignIn(Body):
    """The creation form (docs/domain/pix-orga.md §1.3); lengths are checked by the rules, so
    every broken rule is reported at once with its code."""

    name: str | None = Field(default=None, examples=["Rentrée 6e B"])
    type: CampaignType | None = Field(default=None, examples=["ASSESSMENT"])
    owner_id: str | None = None
    title: str | None = None
    landing_text: str | None = Field(
        default=None, description="Markdown (gras, italique, listes, liens)"
    )
    external_id_label: str | None = None
    external_id_type: ExternalIdType | None = None
    target_profile_id: str | None = Field(default=None, examples=["tp-1.1"])
    multiple_sendings: bool = False


class CampaignPatch(Body):
    """What may change after creation (§1.6); absent = unchanged, `null` title/text = emptied."""

    name: str | None = None
    title: str | None = None
    landing_text: str | None = None
    owner_id: str | None = None


class DuplicateIn(Body):
    name: str | None = None


class DeleteIn(Body):
    campaign_ids: list[str] = Field(min_length=1, max_length=500)


class Owner(BaseModel):
    user_id: str
    first_name: str
    last_name: str
    full_name: str


class CampaignOut(BaseModel):
    campaign_id: str
    organisation_id: str
    code: str
    url: str = Field(description="Le lien direct à communiquer aux participants")
    name: str
    type: CampaignType
    title: str | None
    landing_text: str | None
    landing_html: str | None = Field(description="Le texte d'accueil rendu en HTML assaini")
    external_id_label: str | None
    external_id_type: ExternalIdType | None
    target_profile_id: str | None
    target_profile_name: str | None
    multiple_sendings: bool
    owner: Owner
    created_at: datetime
    archived_at: datetime | None
    status: Literal["ACTIVE", "ARCHIVED"]


class CampaignListItem(BaseModel):
    campaign_id: str
    code: str
    name: str
    type: CampaignType
    owner: Owner
    created_at: datetime
    archived_at: datetime | None
    target_profile_name: str | None


class CampaignList(BaseModel):
    items: list[CampaignListItem]
    page: int
    size: int
    total: int
    has_campaigns: bool = Field(description="L'organisation a-t-elle au moins une campagne ?")


class CampaignToJoin(BaseModel):
    """What a student sees before joining: never the organisation's other data."""

    campaign_id: str
    organisation_id: str
    code: str
    name: str
    type: CampaignType
    title: str | None
    landing_html: str | None
    external_id_label: str | None
    external_id_type: ExternalIdType | None
    archived: bool


class Deleted(BaseModel):
    deleted: int


class StageOut(BaseModel):
    threshold: int | None
    level: int | None
    title: str


class BadgeOut(BaseModel):
    key: str
    title: str


class TargetProfileOut(BaseModel):
    id: str
    name: str
    category: str
    category_label: str
    description: str
    tubes: int
    skills: int
    stages: list[StageOut]
    badges: list[BadgeOut]


class MemberOut(BaseModel):
    user_id: str
    full_name: str
    role: Literal["ADMIN", "MEMBER"]


class OrganisationSettingsIn(Body):
    multiple_sendings_assessment: bool = False
    extra_target_profiles: list[str] = Field(default_factory=list, max_length=200)


class OrganisationSettingsOut(BaseModel):
    organisation_id: str
    multiple_sendings_assessment: bool
    extra_target_profiles: list[str]

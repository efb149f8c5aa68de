"""What a teacher asks of a campaign, with what the application looked up for the rules."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from orga_shared.contracts.campaign import CampaignType, ExternalIdType, FrozenTarget

Role = Literal["ADMIN", "MEMBER"]


@dataclass(frozen=True)
class Actor:
    """Who asks: a user, their role in the campaign's organisation (None: not a member)."""

    user_id: str
    role: Role | None
    platform_admin: bool = False


@dataclass(frozen=True)
class CreateCampaign:
    campaign_id: str
    organisation_id: str
    code: str
    name: str | None
    type: CampaignType | None
    creator: Actor
    owner_id: str
    owner_is_member: bool
    title: str | None = None
    landing_text: str | None = None
    external_id_label: str | None = None
    external_id_type: ExternalIdType | None = None
    target_profile_id: str | None = None
    target_profile_available: bool = False
    target: FrozenTarget | None = None
    multiple_sendings: bool = False
    multiple_sendings_feature: bool = False


@dataclass(frozen=True)
class UpdateCampaign:
    """`None` leaves a field as it is; `clear_*` empties an optional one."""

    actor: Actor
    name: str | None = None
    title: str | None = None
    clear_title: bool = False
    landing_text: str | None = None
    clear_landing_text: bool = False
    owner_id: str | None = None
    owner_is_member: bool = True


@dataclass(frozen=True)
class ArchiveCampaign:
    actor: Actor


@dataclass(frozen=True)
class UnarchiveCampaign:
    actor: Actor


@dataclass(frozen=True)
class DeleteCampaign:
    """`may_delete` was decided over the whole selection (admin, or owner of all of them)."""

    actor: Actor
    may_delete: bool


Command = CreateCampaign | UpdateCampaign | ArchiveCampaign | UnarchiveCampaign | DeleteCampaign

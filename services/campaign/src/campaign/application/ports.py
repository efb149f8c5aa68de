"""What the campaign use cases need from the outside world, as small Protocols.

`bootstrap.py` wires the MongoDB and Kafka adapters; the application tests wire in-memory ones
(`tests/unit/memory.py`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Literal, Protocol

from campaign.domain.campaign import Campaign
from orga_shared.events.envelope import DomainEvent, Envelope
from orga_shared.eventstore import Outcome

Role = Literal["ADMIN", "MEMBER"]


class CampaignStreams(Protocol):
    """The event-sourced campaigns: load, and run one command (load, decide, append, retry)."""

    async def load(self, campaign_id: str) -> Campaign: ...

    async def execute(
        self, campaign_id: str, decide: Callable[[Campaign], list[DomainEvent]]
    ) -> Outcome[Campaign]: ...


class Codes(Protocol):
    async def reserve(self, code: str, campaign_id: str, organisation_id: str) -> bool:
        """True when the code was free and is now this campaign's (a unique insert)."""
        ...


class Memberships(Protocol):
    async def role_of(self, user_id: str, organisation_id: str) -> Role | None: ...

    async def members_of(self, organisation_id: str) -> dict[str, Role]: ...


@dataclass(frozen=True)
class OrganisationSettings:
    """What a platform admin decided for an organisation's campaigns."""

    organisation_id: str
    multiple_sendings_assessment: bool = False
    extra_target_profiles: tuple[str, ...] = ()


class Settings(Protocol):
    async def get(self, organisation_id: str) -> OrganisationSettings: ...

    async def put(self, settings: OrganisationSettings) -> None: ...


@dataclass(frozen=True)
class ListQuery:
    organisation_id: str
    archived: bool = False
    owner_id: str | None = None
    owner_ids: tuple[str, ...] | None = None
    name: str | None = None
    page: int = 1
    size: int = 25


@dataclass(frozen=True)
class CampaignRow:
    campaign_id: str
    organisation_id: str
    code: str
    name: str
    type: str
    owner_id: str
    created_at: datetime
    archived_at: datetime | None
    title: str | None = None
    target_profile_id: str | None = None
    target_profile_name: str | None = None
    multiple_sendings: bool = False
    external_id_label: str | None = None
    external_id_type: str | None = None
    landing_text: str | None = None
    landing_html: str | None = None


@dataclass(frozen=True)
class Page:
    rows: list[CampaignRow]
    total: int
    has_campaigns: bool


class Views(Protocol):
    """The campaigns as read models, kept from the events (the projector's `apply`)."""

    async def apply(self, envelope: Envelope, event: DomainEvent) -> None: ...

    async def get(self, campaign_id: str) -> CampaignRow | None: ...

    async def by_code(self, code: str) -> CampaignRow | None: ...

    async def owners(self, organisation_id: str) -> list[str]: ...

    async def page(self, query: ListQuery) -> Page: ...


class People(Protocol):
    """Names of users (from identity's compacted profile topic), for owners."""

    async def names(self, user_ids: list[str]) -> dict[str, tuple[str, str]]: ...

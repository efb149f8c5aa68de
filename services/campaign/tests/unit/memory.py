"""In-memory adapters implementing the campaign application's Protocols (application/ports.py),
so the use cases are tested fast; the MongoDB and Kafka adapters have integration tests."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from campaign.adapters.streams import EventStoreCampaigns
from campaign.application.catalogue import Catalogue
from campaign.application.context import Context
from campaign.application.ports import CampaignRow, ListQuery, OrganisationSettings, Page, Role
from campaign.domain import landing
from orga_shared.content.loader import load_release
from orga_shared.contracts.campaign import CampaignCreated, CampaignDeleted, CampaignUpdated
from orga_shared.events.envelope import DomainEvent, Envelope
from orga_shared.names import fold
from orga_shared.testing.memory_store import MemoryEventStore


@dataclass
class MemoryCodes:
    taken: dict[str, str] = field(default_factory=dict)
    refuse_first: int = 0

    async def reserve(self, code: str, campaign_id: str, organisation_id: str) -> bool:
        if self.refuse_first > 0:  # pretend another campaign drew it first
            self.refuse_first -= 1
            return False
        if code in self.taken:
            return False
        self.taken[code] = campaign_id
        return True


@dataclass
class MemoryMemberships:
    roles: dict[tuple[str, str], Role] = field(default_factory=dict)

    async def role_of(self, user_id: str, organisation_id: str) -> Role | None:
        return self.roles.get((organisation_id, user_id))

    async def members_of(self, organisation_id: str) -> dict[str, Role]:
        return {u: r for (o, u), r in self.roles.items() if o == organisation_id}


@dataclass
class MemorySettings:
    stored: dict[str, OrganisationSettings] = field(default_factory=dict)

    async def get(self, organisation_id: str) -> OrganisationSettings:
        return self.stored.get(organisation_id, OrganisationSettings(organisation_id))

    async def put(self, settings: OrganisationSettings) -> None:
        self.stored[settings.organisation_id] = settings


@dataclass
class MemoryViews:
    rows: dict[str, CampaignRow] = field(default_factory=dict)
    deleted: set[str] = field(default_factory=set)

    async def apply(self, envelope: Envelope, event: DomainEvent) -> None:
        if isinstance(event, CampaignCreated):
            self.rows[event.campaign_id] = CampaignRow(
                campaign_id=event.campaign_id,
                organisation_id=event.organisation_id,
                code=event.code,
                name=event.name,
                type=event.type,
                owner_id=event.owner_id,
                created_at=envelope.occurred_at,
                archived_at=None,
                title=event.title,
                target_profile_id=event.target.target_profile_id if event.target else None,
                multiple_sendings=event.multiple_sendings,
                external_id_label=event.external_id_label,
                external_id_type=event.external_id_type,
                landing_text=event.landing_text,
                landing_html=landing.render(event.landing_text),
            )
        elif isinstance(event, CampaignUpdated) and event.name:
            self.rows[event.campaign_id] = replace(self.rows[event.campaign_id], name=event.name)
        elif isinstance(event, CampaignDeleted):
            self.deleted.add(event.campaign_id)

    async def get(self, campaign_id: str) -> CampaignRow | None:
        return None if campaign_id in self.deleted else self.rows.get(campaign_id)

    async def by_code(self, code: str) -> CampaignRow | None:
        return next((r for r in self.live() if r.code == code), None)

    def live(self) -> list[CampaignRow]:
        return [r for cid, r in self.rows.items() if cid not in self.deleted]

    async def owners(self, organisation_id: str) -> list[str]:
        return sorted({r.owner_id for r in self.live() if r.organisation_id == organisation_id})

    async def page(self, query: ListQuery) -> Page:
        rows = [
            r
            for r in self.live()
            if r.organisation_id == query.organisation_id
            and (query.owner_id is None or r.owner_id == query.owner_id)
            and (query.owner_ids is None or r.owner_id in query.owner_ids)
            and (not query.name or fold(query.name) in fold(r.name))
        ]
        rows.sort(key=lambda r: r.created_at, reverse=True)
        start = (query.page - 1) * query.size
        has = any(r.organisation_id == query.organisation_id for r in self.live())
        return Page(rows[start : start + query.size], len(rows), has)


@dataclass
class MemoryPeople:
    known: dict[str, tuple[str, str]] = field(default_factory=dict)

    async def names(self, user_ids: list[str]) -> dict[str, tuple[str, str]]:
        return {u: self.known[u] for u in user_ids if u in self.known}


def memory_context() -> Context:
    return Context(
        streams=EventStoreCampaigns(MemoryEventStore("campaign.events", "campaign")),
        codes=MemoryCodes(),
        memberships=MemoryMemberships(),
        settings=MemorySettings(),
        views=MemoryViews(),
        people=MemoryPeople(),
        catalogue=Catalogue(load_release()),
        public_url="http://orga.test",
    )

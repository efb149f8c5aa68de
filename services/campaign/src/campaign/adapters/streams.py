"""Campaign aggregates on the kernel's event store: stream `campaign-<id>`, keyed by campaign id."""

from __future__ import annotations

from collections.abc import Callable

from campaign.domain.campaign import Campaign, evolve
from orga_shared.contracts.campaign import campaign_stream
from orga_shared.events.envelope import DomainEvent
from orga_shared.eventstore import EventLog, Outcome, execute


class EventStoreCampaigns:
    def __init__(self, store: EventLog) -> None:
        self.store = store

    async def load(self, campaign_id: str) -> Campaign:
        state, _ = await self.store.fold(campaign_stream(campaign_id), Campaign(), evolve)
        return state

    async def execute(
        self, campaign_id: str, decide: Callable[[Campaign], list[DomainEvent]]
    ) -> Outcome[Campaign]:
        return await execute(
            self.store, campaign_stream(campaign_id), Campaign(), evolve, decide, key=campaign_id
        )

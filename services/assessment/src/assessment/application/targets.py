"""Per-campaign precomputation: the `TargetIndex` of a campaign is built once per process.

A campaign's target is frozen at its creation (CampaignCreated), so its index (skills by tube,
pix values, playable challenges in the locale) never changes: each answer's work is then bounded
by the target profile's size, not by the content release (adaptive-engine.md §4.2).
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Protocol

from assessment.domain.participant import CampaignFacts, Refused
from assessment.domain.target import DEFAULT_LOCALE, TargetIndex
from orga_shared.content.models import Release


class CampaignLookup(Protocol):
    async def campaign(self, campaign_id: str) -> CampaignFacts | None: ...


class TargetCache:
    def __init__(self, release: Release, *, size: int = 512) -> None:
        self.release = release
        self.size = size
        self._indexes: OrderedDict[str, TargetIndex] = OrderedDict()

    def index(self, campaign: CampaignFacts, locale: str = DEFAULT_LOCALE) -> TargetIndex:
        key = f"{campaign.campaign_id}/{locale}"
        found = self._indexes.get(key)
        if found is not None:
            self._indexes.move_to_end(key)
            return found
        if campaign.target is None:
            raise Refused("NOT_AN_ASSESSMENT", "Cette campagne ne comporte pas de test.", 409)
        built = TargetIndex.build(campaign.target.skills, self.release.skills, locale)
        self._indexes[key] = built
        if len(self._indexes) > self.size:
            self._indexes.popitem(last=False)
        return built

    async def index_of(
        self, campaign_id: str, lookup: CampaignLookup, locale: str = DEFAULT_LOCALE
    ) -> TargetIndex:
        """The index from memory; the campaign is read only the first time."""
        found = self._indexes.get(f"{campaign_id}/{locale}")
        if found is not None:
            return found
        campaign = await lookup.campaign(campaign_id)
        if campaign is None:
            raise Refused("CAMPAIGN_NOT_FOUND", "Cette campagne n'existe pas.", 404)
        return self.index(campaign, locale)

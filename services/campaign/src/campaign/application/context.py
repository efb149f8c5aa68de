"""`Context`: the ports a campaign use case may touch, wired by `bootstrap.Lifecycle`."""

from __future__ import annotations

from dataclasses import dataclass

from campaign.application.catalogue import Catalogue
from campaign.application.ports import CampaignStreams, Codes, Memberships, People, Settings, Views


@dataclass
class Context:
    streams: CampaignStreams
    codes: Codes
    memberships: Memberships
    settings: Settings
    views: Views
    people: People
    catalogue: Catalogue
    public_url: str = "http://127.0.0.1:8106"

"""The events this service publishes on `campaign.events` (contracts live in the kernel)."""

from orga_shared.contracts.campaign import (
    EVENTS_TOPIC,
    CampaignArchived,
    CampaignCreated,
    CampaignDeleted,
    CampaignUnarchived,
    CampaignUpdated,
    campaign_stream,
)

__all__ = [
    "EVENTS_TOPIC",
    "CampaignArchived",
    "CampaignCreated",
    "CampaignDeleted",
    "CampaignUnarchived",
    "CampaignUpdated",
    "campaign_stream",
]

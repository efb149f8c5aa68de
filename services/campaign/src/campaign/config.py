"""Settings of the campaign service; env prefix ORGA_CAMPAIGN_, shared infrastructure ORGA_*."""

from pydantic_settings import SettingsConfigDict

from orga_shared.config import ServiceSettings


class Settings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="ORGA_CAMPAIGN_", extra="ignore")

    service_name: str = "campaign"
    port: int = 8103
    database: str = "orga_campaign"
    public_url: str = (
        "http://127.0.0.1:8100"  # the web UI: campaign links are `<url>/campagnes/<CODE>`
    )
    events_topic: str = "campaign.events"
    organisation_topic: str = "organisation.events"
    user_profiles_topic: str = "identity.user-profiles"

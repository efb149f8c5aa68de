"""Settings of the campaign service; env prefix ORGA_CAMPAIGN_, shared infrastructure ORGA_*."""

from pydantic_settings import SettingsConfigDict

from orga_shared.config import ServiceSettings


class Settings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="ORGA_CAMPAIGN_", extra="ignore")

    service_name: str = "campaign"
    port: int = 8103
    database: str = "orga_campaign"

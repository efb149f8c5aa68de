"""Settings of the analytics service; env prefix ORGA_ANALYTICS_, shared infrastructure ORGA_*."""

from pydantic_settings import SettingsConfigDict

from orga_shared.config import ServiceSettings


class Settings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="ORGA_ANALYTICS_", extra="ignore")

    service_name: str = "analytics"
    port: int = 8105
    database: str = "orga_analytics"

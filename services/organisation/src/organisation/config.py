"""Settings of the organisation service; env prefix ORGA_ORGANISATION_."""

from orga_shared.config import ServiceSettings
from pydantic_settings import SettingsConfigDict


class Settings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="ORGA_ORGANISATION_", extra="ignore")

    service_name: str = "organisation"
    port: int = 8102
    database: str = "orga_organisation"

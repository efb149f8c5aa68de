"""Settings of the identity service; env prefix ORGA_IDENTITY_, shared infrastructure ORGA_*."""

from orga_shared.config import ServiceSettings
from pydantic_settings import SettingsConfigDict


class Settings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="ORGA_IDENTITY_", extra="ignore")

    service_name: str = "identity"
    port: int = 8101
    database: str = "orga_identity"

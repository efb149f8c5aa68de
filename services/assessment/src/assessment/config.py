"""Settings of the assessment service; env prefix ORGA_ASSESSMENT_, shared infrastructure ORGA_*."""

from pydantic_settings import SettingsConfigDict

from orga_shared.config import ServiceSettings


class Settings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="ORGA_ASSESSMENT_", extra="ignore")

    service_name: str = "assessment"
    port: int = 8104
    database: str = "orga_assessment"

"""Settings of the web UI (env prefix `ORGA_WEB_`): where each service's API is."""

from pydantic_settings import SettingsConfigDict

from orga_shared.config import ServiceSettings


class Settings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="ORGA_WEB_", extra="ignore")

    service_name: str = "web"
    port: int = 8100
    identity_url: str = "http://127.0.0.1:8101"
    organisation_url: str = "http://127.0.0.1:8102"
    campaign_url: str = "http://127.0.0.1:8103"
    assessment_url: str = "http://127.0.0.1:8104"
    analytics_url: str = "http://127.0.0.1:8105"

    def upstreams(self) -> dict[str, str]:
        return {
            "identity": self.identity_url,
            "organisation": self.organisation_url,
            "campaign": self.campaign_url,
            "assessment": self.assessment_url,
            "analytics": self.analytics_url,
        }

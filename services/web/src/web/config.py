"""Settings of the web UI (env prefix `ORGA_WEB_`): where each service's API is, and the cookie.

`secret_key` signs the session cookie; every replica must share it (a Kubernetes Secret). Left
unset, a random key is drawn at start: sessions then end when the process restarts (fine on a
laptop, logged as a warning). `public_url` is the address browsers use; when it is HTTPS the
cookie is `Secure`.
"""

from pydantic import Field, SecretStr
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

    public_url: str = "http://127.0.0.1:8100"
    idp_simulator_url: str | None = Field(
        None, description="page of the local ENT simulator (development); unset: no ENT button"
    )
    secret_key: SecretStr | None = Field(None, min_length=32)
    session_max_age_seconds: int = Field(7 * 24 * 3600, ge=60)
    api_timeout_seconds: float = Field(10.0, gt=0)
    assets_dir: str | None = Field(
        None, description="node_modules of services/web (npm ci); unset: the source tree's"
    )

    def upstreams(self) -> dict[str, str]:
        return {
            "identity": self.identity_url,
            "organisation": self.organisation_url,
            "campaign": self.campaign_url,
            "assessment": self.assessment_url,
            "analytics": self.analytics_url,
        }

    @property
    def cookie_secure(self) -> bool:
        return self.public_url.startswith("https://")

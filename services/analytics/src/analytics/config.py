"""Settings of the analytics service; env prefix ORGA_ANALYTICS_, shared infrastructure ORGA_*."""

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from orga_shared.config import ServiceSettings


class Settings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="ORGA_ANALYTICS_", extra="ignore")

    service_name: str = "analytics"
    port: int = 8105
    database: str = "orga_analytics"
    campaign_topic: str = "campaign.events"
    assessment_topic: str = "assessment.events"
    organisation_topic: str = "organisation.events"
    identity_topic: str = "identity.events"
    user_profiles_topic: str = "identity.user-profiles"
    learner_profiles_topic: str = "organisation.learner-profiles"
    participant_ids_topic: str = "assessment.participant-ids"
    projector_batch: int = Field(500, ge=1)
    """Records the live projector applies between two offset commits."""

    @property
    def history_topics(self) -> list[str]:
        """The event topics every generation is built from."""
        return [
            self.campaign_topic,
            self.assessment_topic,
            self.organisation_topic,
            self.identity_topic,
        ]

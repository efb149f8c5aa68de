"""Settings of the assessment service; env prefix ORGA_ASSESSMENT_, shared infrastructure ORGA_*."""

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from orga_shared.config import ServiceSettings
from orga_shared.contracts.assessment import EVENTS_TOPIC, PARTICIPANT_IDS_TOPIC


class Settings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="ORGA_ASSESSMENT_", extra="ignore")

    service_name: str = "assessment"
    port: int = 8104
    database: str = "orga_assessment"
    events_topic: str = EVENTS_TOPIC
    participant_ids_topic: str = PARTICIPANT_IDS_TOPIC
    campaign_topic: str = "campaign.events"
    organisation_topic: str = "organisation.events"
    identity_topic: str = "identity.events"
    max_level: int = Field(7, ge=1, le=8)
    """Highest competence level (adaptive-engine.md §5.3: 5 in the reference's code, 7 in
    production)."""
    clock_file: str | None = None
    """Tests and demos only: the clock runs ahead by the seconds written in this file
    (`orga_shared.clock.OffsetClock`); unset in production."""
    mark_interval_seconds: float = Field(0.05, gt=0)
    """How long a publish mark may wait to be written with others (outbox.MarkBatcher)."""

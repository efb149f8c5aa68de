"""Settings of the organisation service; env prefix ORGA_ORGANISATION_."""

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from orga_shared.config import ServiceSettings
from orga_shared.contracts.organisation import EVENTS_TOPIC, LEARNER_PROFILES_TOPIC

MIB = 1024 * 1024


class Settings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="ORGA_ORGANISATION_", extra="ignore")

    service_name: str = "organisation"
    port: int = 8102
    database: str = "orga_organisation"

    events_topic: str = EVENTS_TOPIC
    profiles_topic: str = LEARNER_PROFILES_TOPIC
    identity_url: str = "http://127.0.0.1:8101"
    public_url: str = "http://127.0.0.1:8100"
    """Base of the links put in invitation e-mails (the web UI's join page)."""

    invitation_ttl_days: float = Field(7.0, ge=0)
    """Invitation links expire this long after the last sending; 0 = never (ADR 0007)."""

    max_siecle_upload_bytes: int = 20 * MIB
    max_csv_upload_bytes: int = 10 * MIB
    max_uncompressed_bytes: int = 100 * MIB
    import_chunk_size: int = Field(500, ge=1, le=1000)

    identity_events_topic: str | None = "identity.events"
    """Read to know how other accounts log in (R31/R32/R33 answers); None disables."""
    repair_consumer: bool = True
    """Re-apply our own events to the local views from Kafka (repairs a crash after append)."""
    profile_relay_interval_seconds: float = Field(2.0, gt=0)

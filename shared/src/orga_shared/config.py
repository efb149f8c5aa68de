"""Settings base: infrastructure settings shared by name, service settings under a prefix.

Shared values (`ORGA_KAFKA_BOOTSTRAP`, `ORGA_MONGO_URL`, ...) are the same for every service;
each service subclass sets `env_prefix` (`ORGA_IDENTITY_`) for its own port, database, etc.
"""

from __future__ import annotations

from typing import Literal

from pydantic import AliasChoices, Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


def _shared(name: str) -> AliasChoices:
    return AliasChoices(f"ORGA_{name}")


class ServiceSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="ORGA_SERVICE_", extra="ignore")

    service_name: str = "orga"
    host: str = "127.0.0.1"
    port: int = 8000
    database: str = "orga"

    kafka_bootstrap: str = Field("127.0.0.1:19092", validation_alias=_shared("KAFKA_BOOTSTRAP"))
    mongo_url: str = Field("mongodb://127.0.0.1:27018/", validation_alias=_shared("MONGO_URL"))
    jwks_url: str = Field(
        "http://127.0.0.1:8101/.well-known/jwks.json", validation_alias=_shared("JWKS_URL")
    )
    jwt_issuer: str = Field("orga-identity", validation_alias=_shared("JWT_ISSUER"))
    jwt_audience: str = Field("orga", validation_alias=_shared("JWT_AUDIENCE"))
    kafka_acks: Literal["all", "1"] = Field("all", validation_alias=_shared("KAFKA_ACKS"))
    """`all` (with idempotence) in every deployment; `1` only to measure what `all` costs."""
    content_dir: str | None = Field(None, validation_alias=_shared("CONTENT_DIR"))
    """The learning-content release to load; by default the one packaged in the kernel."""
    topic_partitions: int = Field(3, ge=1, validation_alias=_shared("TOPIC_PARTITIONS"))
    topic_replication_factor: int = Field(
        1, ge=1, validation_alias=_shared("TOPIC_REPLICATION_FACTOR")
    )
    """Copies of every partition the platform's topics are created with: 1 on the one local
    broker, 3 in production (docs/benchmarks.md, G6)."""
    topic_min_insync_replicas: int = Field(
        1, ge=1, validation_alias=_shared("TOPIC_MIN_INSYNC_REPLICAS")
    )
    """The topics' `min.insync.replicas`: an `acks=all` write is refused unless this many copies
    have it (2 of 3 in production: one broker may be lost without losing or refusing a write)."""
    log_level: str = Field("INFO", validation_alias=_shared("LOG_LEVEL"))
    log_json: bool | None = Field(None, validation_alias=_shared("LOG_JSON"))

    consumer_max_attempts: int = Field(5, ge=1, validation_alias=_shared("CONSUMER_MAX_ATTEMPTS"))
    consumer_backoff_seconds: float = Field(
        0.2, ge=0, validation_alias=_shared("CONSUMER_BACKOFF_SECONDS")
    )
    shutdown_timeout_seconds: float = Field(
        20.0, gt=0, validation_alias=_shared("SHUTDOWN_TIMEOUT_SECONDS")
    )
    outbox_relay_interval_seconds: float = Field(
        2.0, gt=0, validation_alias=_shared("OUTBOX_RELAY_INTERVAL_SECONDS")
    )
    outbox_relay_grace_seconds: float = Field(
        5.0, ge=0, validation_alias=_shared("OUTBOX_RELAY_GRACE_SECONDS")
    )
    database_timeout_ms: int = Field(10000, gt=0, validation_alias=_shared("DATABASE_TIMEOUT_MS"))
    """How long the database client waits for a reachable server (consumers, relays)."""
    request_database_timeout_seconds: float = Field(
        5.0, gt=0, validation_alias=_shared("REQUEST_DATABASE_TIMEOUT_SECONDS")
    )
    """The database's share of one HTTP request: past it the request answers 503
    `DATABASE_UNAVAILABLE` (« réessayez »), well before a caller's own timeout (the web's is
    10 s); consumers keep the longer wait above (docs/adr/0024-http-under-faults.md)."""
    liveness_stall_seconds: float = Field(
        120.0, gt=0, validation_alias=_shared("LIVENESS_STALL_SECONDS")
    )

    @property
    def kafka_bootstrap_servers(self) -> list[str]:
        """`ORGA_KAFKA_BOOTSTRAP` as a list: `host:port[,host:port...]`. FastStream takes a
        string as one address, so a cluster's comma-separated list must be split before it is
        handed over (found by G6, docs/benchmarks.md)."""
        return [a.strip() for a in self.kafka_bootstrap.split(",") if a.strip()]

    @model_validator(mode="after")
    def _replication_is_possible(self) -> ServiceSettings:
        if self.topic_min_insync_replicas > self.topic_replication_factor:
            raise ValueError(
                f"ORGA_TOPIC_MIN_INSYNC_REPLICAS ({self.topic_min_insync_replicas}) exceeds "
                f"ORGA_TOPIC_REPLICATION_FACTOR ({self.topic_replication_factor}): every "
                "acks=all write would be refused"
            )
        return self

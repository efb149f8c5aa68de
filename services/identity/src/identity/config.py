"""Settings of the identity service; env prefix ORGA_IDENTITY_, shared infrastructure ORGA_*.

Key material is configuration: `ORGA_IDENTITY_SIGNING_KEY_FILE` (PEM, Ed25519) signs tokens;
without it a key is generated once under `generated_signing_key_path` so restarts keep tokens
valid. `ORGA_IDENTITY_TRUSTED_IDP_KEYS_FILE` lists the identity providers (GAR-like) whose
signed assertions are accepted. `ORGA_IDENTITY_OPERATOR_TOKEN` opens the operator endpoints
(`/metrics`) to whoever presents it; unset, they are off (ADR 0012).
`ORGA_IDENTITY_IDP_SIMULATOR_ENABLED` serves the local ENT stand-in (`/idp-simulator`, for
development only): its key (`idp_simulator_key_file`) is trusted at start-up, as the
`idp-simulate` command does.
"""

from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import SettingsConfigDict

from orga_shared.config import ServiceSettings


class Settings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="ORGA_IDENTITY_", extra="ignore")

    service_name: str = "identity"
    port: int = 8101
    database: str = "orga_identity"

    events_topic: str = "identity.events"
    profiles_topic: str = "identity.user-profiles"
    profile_relay_interval_seconds: float = Field(2.0, gt=0)

    signing_key_file: Path | None = None
    generated_signing_key_path: Path = Path(".local/identity/signing-key.pem")
    previous_signing_key_file: Path | None = None
    access_token_ttl_seconds: int = Field(900, ge=1)
    refresh_token_ttl_seconds: int = Field(7 * 24 * 3600, ge=60)

    trusted_idp_keys_file: Path = Path(".local/identity/trusted-idps.json")
    sso_audience: str = "orga-identity"
    sso_max_assertion_lifetime_seconds: int = Field(300, ge=1)

    lock_threshold: int = Field(10, ge=1)
    lock_base_seconds: float = Field(120.0, gt=0)
    lock_max_seconds: float = Field(24 * 3600.0, gt=0)

    argon2_time_cost: int = Field(2, ge=1)
    argon2_memory_cost_kib: int = Field(19 * 1024, ge=8)
    argon2_parallelism: int = Field(1, ge=1)
    hash_workers: int | None = Field(None, ge=1)

    operator_token: SecretStr | None = Field(None, min_length=16)

    recovery_ttl_seconds: int = Field(24 * 3600, ge=60)
    web_base_url: str = "http://127.0.0.1:8100"

    password_reset_ttl_seconds: int = Field(3600, ge=60)
    password_reset_max_pending: int = Field(3, ge=1)

    idp_simulator_enabled: bool = False
    idp_simulator_key_file: Path = Path(".local/identity/idp-simulator/private-key.pem")

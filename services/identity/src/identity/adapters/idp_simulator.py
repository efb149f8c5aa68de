"""A local stand-in for the GAR / ENT Médiacentre identity provider, for development and tests.

On first use it generates its Ed25519 key under `.local/` and adds its public key to the trust
file identity reads, so `orga-identity idp-simulate ... --post` works on a fresh machine. It
signs exactly what a real IdP would post: short-lived, single-use, audience-bound assertions.
"""

from __future__ import annotations

import json
import os
import time
import uuid
from datetime import date
from pathlib import Path
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from identity.adapters.keys import load_or_create_private, public_jwk

DEFAULT_ISSUER = "orga-idp-simulator"
DEFAULT_KEY_PATH = Path(".local/identity/idp-simulator/private-key.pem")


def trust(trust_file: Path, issuer: str, key: Ed25519PrivateKey, provider: str = "GAR") -> None:
    """Add (or refresh) this issuer's public key in the trust file, keeping other entries."""
    data: dict[str, Any] = {"identity_providers": []}
    if trust_file.exists():
        data = json.loads(trust_file.read_text())
    entries = [e for e in data.get("identity_providers", []) if e.get("issuer") != issuer]
    jwks = {"keys": [public_jwk(key.public_key())]}
    entries.append({"issuer": issuer, "provider": provider, "jwks": jwks})
    data["identity_providers"] = entries
    trust_file.parent.mkdir(parents=True, exist_ok=True)
    tmp = trust_file.with_name(f".{trust_file.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(data, indent=2) + "\n")
    tmp.replace(trust_file)


class IdpSimulator:
    def __init__(
        self,
        key: Ed25519PrivateKey,
        *,
        issuer: str = DEFAULT_ISSUER,
        audience: str = "orga-identity",
    ) -> None:
        self.key = key
        self.issuer = issuer
        self.audience = audience
        self.kid: str = public_jwk(key.public_key())["kid"]

    @classmethod
    def from_files(
        cls, key_path: Path, trust_file: Path, *, issuer: str = DEFAULT_ISSUER, audience: str
    ) -> IdpSimulator:
        key = load_or_create_private(key_path)
        trust(trust_file, issuer, key)
        return cls(key, issuer=issuer, audience=audience)

    def assertion(
        self,
        *,
        saml_id: str,
        first_name: str,
        last_name: str,
        birth_date: date | str | None = None,
        ttl: int = 120,
        now: float | None = None,
        **extra: Any,
    ) -> str:
        issued = int(now if now is not None else time.time())
        claims: dict[str, Any] = {
            "iss": self.issuer,
            "aud": self.audience,
            "sub": saml_id,
            "given_name": first_name,
            "family_name": last_name,
            "iat": issued,
            "exp": issued + ttl,
            "jti": uuid.uuid4().hex,
        }
        if birth_date is not None:
            claims["birthdate"] = str(birth_date)
        claims.update(extra)
        return jwt.encode(claims, self.key, algorithm="EdDSA", headers={"kid": self.kid})

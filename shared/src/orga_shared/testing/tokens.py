"""Signed test tokens: a real Ed25519 key and JWKS, so services' tests exercise real verification.

Identity signs production tokens the same way (EdDSA, `kid` in the header, JWKS published);
tests of other services install this JWKS on their verifier instead of calling identity.
"""

from __future__ import annotations

import json
import time
import uuid
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from jwt.algorithms import OKPAlgorithm


class TokenFactory:
    def __init__(self, issuer: str = "orga-identity", audience: str = "orga") -> None:
        self.issuer = issuer
        self.audience = audience
        self.kid = f"test-{uuid.uuid4().hex[:8]}"
        self._key = Ed25519PrivateKey.generate()

    def jwks(self) -> dict[str, Any]:
        public = json.loads(OKPAlgorithm.to_jwk(self._key.public_key()))
        public.update({"kid": self.kid, "use": "sig", "alg": "EdDSA"})
        return {"keys": [public]}

    def token(
        self, user_id: str, *, roles: list[str] | None = None, ttl: int = 900, **claims: Any
    ) -> str:
        now = int(time.time())
        payload = {
            "sub": user_id,
            "iss": self.issuer,
            "aud": self.audience,
            "iat": now,
            "exp": now + ttl,
            "roles": roles or [],
            **claims,
        }
        return jwt.encode(payload, self._key, algorithm="EdDSA", headers={"kid": self.kid})

    def headers(self, user_id: str, **kwargs: Any) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token(user_id, **kwargs)}"}

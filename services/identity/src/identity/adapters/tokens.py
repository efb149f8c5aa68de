"""Access tokens: EdDSA JWTs with a `kid`, verified by every service through the JWKS.

The JWKS lists the current key and, during a rotation, the previous one, so tokens signed just
before the switch stay valid until they expire. `iat` is to the millisecond (a NumericDate may
be fractional, RFC 7519 §2): a token issued just after a logout-everywhere is told apart from one
issued just before it (docs/adr/0021-token-revocation.md).
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterable
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from identity.adapters.keys import public_jwk
from identity.application.ports import IssuedToken
from orga_shared.revocation import to_millisecond


class TokenSigner:
    def __init__(
        self,
        key: Ed25519PrivateKey,
        *,
        issuer: str,
        audience: str,
        ttl_seconds: int,
        previous: Iterable[Ed25519PublicKey] = (),
    ) -> None:
        self._key = key
        self.issuer = issuer
        self.audience = audience
        self.ttl_seconds = ttl_seconds
        self.current_jwk = public_jwk(key.public_key())
        self.kid: str = self.current_jwk["kid"]
        others = [public_jwk(p) for p in previous]
        self._jwks = {"keys": [self.current_jwk, *[k for k in others if k["kid"] != self.kid]]}

    def jwks(self) -> dict[str, Any]:
        return {"keys": [dict(k) for k in self._jwks["keys"]]}

    def issue(self, user_id: str, roles: Iterable[str], *, now: float | None = None) -> IssuedToken:
        issued_at = to_millisecond(now if now is not None else time.time())
        claims = {
            "sub": user_id,
            "iss": self.issuer,
            "aud": self.audience,
            "iat": issued_at,
            "exp": int(issued_at) + self.ttl_seconds,
            "jti": uuid.uuid4().hex,
            "roles": sorted(roles),
        }
        token = jwt.encode(claims, self._key, algorithm="EdDSA", headers={"kid": self.kid})
        return IssuedToken(token=token, expires_in=self.ttl_seconds)

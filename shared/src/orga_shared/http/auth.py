"""Token verification against identity's JWKS: every service checks tokens itself
(docs/design.md §1).

Keys are cached by `kid`; an unknown `kid` triggers one refetch (key rotation), at most every
`min_refresh` seconds so a flood of forged tokens cannot hammer identity. A valid token is then
checked against the user's revoked sessions when the service tracks them
(`orga_shared.revocation`, docs/adr/0021-token-revocation.md): 401 `TOKEN_REVOKED`.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from typing import Annotated, Any

import httpx
import jwt
from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from orga_shared.http.errors import ApiError
from orga_shared.revocation import revocations_of

ALGORITHMS = ["EdDSA", "ES256", "RS256"]


@dataclass(frozen=True)
class Principal:
    user_id: str
    roles: frozenset[str] = frozenset()
    claims: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)

    @property
    def is_platform_admin(self) -> bool:
        return "platform-admin" in self.roles


class JwksVerifier:
    def __init__(
        self, jwks_url: str, *, issuer: str, audience: str, min_refresh: float = 30.0
    ) -> None:
        self.jwks_url = jwks_url
        self.issuer = issuer
        self.audience = audience
        self.min_refresh = min_refresh
        self._keys: dict[str, jwt.PyJWK] = {}
        self._fetched_at = 0.0
        self._lock = asyncio.Lock()

    def add_keys(self, jwks: dict[str, Any]) -> None:
        for raw in jwks.get("keys", []):
            if raw.get("kid"):
                self._keys[raw["kid"]] = jwt.PyJWK(raw)

    async def _refresh(self) -> None:
        async with self._lock:
            if time.monotonic() - self._fetched_at < self.min_refresh and self._keys:
                return
            async with httpx.AsyncClient(timeout=5.0) as client:
                response = await client.get(self.jwks_url)
                response.raise_for_status()
            self.add_keys(response.json())
            self._fetched_at = time.monotonic()

    async def _key(self, kid: str) -> jwt.PyJWK:
        if kid not in self._keys:
            try:
                await self._refresh()
            except httpx.HTTPError as exc:
                raise ApiError(
                    503, "AUTH_UNAVAILABLE", "Service d'authentification injoignable."
                ) from exc
        try:
            return self._keys[kid]
        except KeyError:
            raise ApiError(401, "INVALID_TOKEN", "Jeton d'accès invalide.") from None

    async def verify(self, token: str) -> Principal:
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError:
            raise ApiError(401, "INVALID_TOKEN", "Jeton d'accès invalide.") from None
        key = await self._key(str(header.get("kid", "")))
        try:
            claims = jwt.decode(
                token,
                key=key.key,
                algorithms=ALGORITHMS,
                audience=self.audience,
                issuer=self.issuer,
                options={"require": ["exp", "sub", "iat"]},
            )
        except jwt.ExpiredSignatureError:
            raise ApiError(
                401, "TOKEN_EXPIRED", "Votre session a expiré, reconnectez-vous."
            ) from None
        except jwt.PyJWTError:
            raise ApiError(401, "INVALID_TOKEN", "Jeton d'accès invalide.") from None
        roles = claims.get("roles") or []
        return Principal(user_id=str(claims["sub"]), roles=frozenset(roles), claims=claims)


def bearer_token(request: Request) -> str | None:
    value = request.headers.get("authorization", "")
    scheme, _, token = value.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


# Declared once, so OpenAPI shows the scheme on every route that reads a principal.
bearer_scheme = HTTPBearer(
    auto_error=False, bearerFormat="JWT", description="Jeton d'accès émis par identity (EdDSA)."
)


async def optional_principal(
    request: Request,
    _: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer_scheme)],
) -> Principal | None:
    token = bearer_token(request)
    if token is None:
        return None
    verifier: JwksVerifier = request.app.state.verifier
    principal = await verifier.verify(token)
    revocations = revocations_of(getattr(request.app.state, "runtime", None))
    if revocations is not None:
        await revocations.check(principal.user_id, float(principal.claims["iat"]))
    return principal


async def require_principal(
    principal: Annotated[Principal | None, Depends(optional_principal)],
) -> Principal:
    if principal is None:
        raise ApiError(401, "UNAUTHENTICATED", "Authentification requise.")
    return principal


CurrentPrincipal = Annotated[Principal, Depends(require_principal)]
MaybePrincipal = Annotated[Principal | None, Depends(optional_principal)]

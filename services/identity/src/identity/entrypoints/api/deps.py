"""Request-scoped access to the wired use-case context and the caller."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Request

from identity.application.context import Identity
from orga_shared.http.auth import JwksVerifier


def get_identity(request: Request) -> Identity:
    identity: Identity = request.app.state.identity
    return identity


IdentityDep = Annotated[Identity, Depends(get_identity)]


class LocalVerifier(JwksVerifier):
    """Identity verifies its own tokens from the keys it holds: no HTTP call to itself, and an
    unknown `kid` is simply invalid."""

    def __init__(self, jwks: dict[str, Any], *, issuer: str, audience: str) -> None:
        super().__init__("local", issuer=issuer, audience=audience)
        self.add_keys(jwks)

    async def _refresh(self) -> None:
        return None

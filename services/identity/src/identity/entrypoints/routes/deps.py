"""Request-scoped access to the wired use-case context and the caller."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Request

from identity.application.context import Context
from orga_shared.http.auth import JwksVerifier


async def get_context(request: Request) -> Context:
    context: Context = request.app.state.context
    return context


ContextDep = Annotated[Context, Depends(get_context)]


class LocalVerifier(JwksVerifier):
    """Identity verifies its own tokens from the keys it holds: no HTTP call to itself, and an
    unknown `kid` is simply invalid."""

    def __init__(self, jwks: dict[str, Any], *, issuer: str, audience: str) -> None:
        super().__init__("local", issuer=issuer, audience=audience)
        self.add_keys(jwks)

    async def _refresh(self) -> None:
        return None

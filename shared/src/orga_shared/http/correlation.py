"""Pure ASGI middleware: the `X-Correlation-ID` header (or a new id) bound for the request."""

from __future__ import annotations

import structlog
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from orga_shared.observability import CORRELATION_HEADER, new_id

_HEADER = CORRELATION_HEADER.lower().encode()


class CorrelationMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        incoming = dict(scope.get("headers") or []).get(_HEADER, b"").decode("latin-1").strip()
        correlation_id = incoming[:128] or new_id()

        async def send_with_header(message: Message) -> None:
            if message["type"] == "http.response.start":
                message.setdefault("headers", [])
                message["headers"].append((_HEADER, correlation_id.encode("latin-1")))
            await send(message)

        with structlog.contextvars.bound_contextvars(
            correlation_id=correlation_id, causation_id=None
        ):
            await self.app(scope, receive, send_with_header)

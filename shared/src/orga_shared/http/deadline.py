"""Pure ASGI middleware: a request's database operations share one short deadline.

The database client waits up to `database_timeout_ms` (10 s) for a reachable server, which
suits consumers and relays (they retry) but not a pupil waiting on an answer: with the database
down, a request would hang 10 s, and the web app (10 s timeout too) would give up first. Within
an HTTP request PyMongo's client-side operation timeout (`pymongo.timeout`) bounds every
operation to what is left of `request_database_timeout_seconds`; past it PyMongo raises a
timeout error that `orga_shared.http.errors` answers as 503 `DATABASE_UNAVAILABLE`.

Two kinds of route are left without the deadline, being long by nature: one answering a
`StreamingResponse` (a CSV export is read while it is sent, after the handler returns) and one
reading a multipart form (a file import writes as many records as the file has lines).
See docs/adr/0024-http-under-faults.md.
"""

from __future__ import annotations

import pymongo
from fastapi import params
from fastapi.routing import APIRoute
from starlette.responses import StreamingResponse
from starlette.routing import Match
from starlette.types import ASGIApp, Receive, Scope, Send


class DatabaseDeadline:
    def __init__(self, app: ASGIApp, seconds: float) -> None:
        self.app = app
        self.seconds = seconds

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or _long(scope):
            await self.app(scope, receive, send)
            return
        with pymongo.timeout(self.seconds):
            await self.app(scope, receive, send)


def _long(scope: Scope) -> bool:
    """Does the route this request reaches stream its answer or read an uploaded file?"""
    router = getattr(scope.get("app"), "router", None)
    for route in getattr(router, "routes", ()):
        if isinstance(route, APIRoute) and route.matches(scope)[0] is Match.FULL:
            response_class = getattr(route.response_class, "value", route.response_class)
            streams = isinstance(response_class, type) and issubclass(
                response_class, StreamingResponse
            )
            uploads = route.body_field is not None and isinstance(
                route.body_field.field_info, params.Form
            )
            return streams or uploads
    return False

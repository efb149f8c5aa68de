"""Wiring of the web UI: it has no database and no consumers, only the services' HTTP APIs."""

from __future__ import annotations

from dataclasses import dataclass

from web.adapters.api import Api
from web.adapters.upstreams import HttpUpstreams
from web.application.context import Context
from web.config import Settings


@dataclass(frozen=True)
class Lifecycle:
    """The `Context` the pages are served from; `stop` closes the pooled HTTP client."""

    context: Context

    @classmethod
    def build(cls, settings: Settings) -> Lifecycle:
        urls = settings.upstreams()
        api = Api(urls, timeout=settings.api_timeout_seconds)
        return cls(Context(upstreams=HttpUpstreams(urls), api=api, settings=settings))

    async def stop(self) -> None:
        await self.context.api.aclose()

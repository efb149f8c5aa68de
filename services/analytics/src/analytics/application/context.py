"""`Context`: what analytics' reads may touch: the database (the current generation of the
projections, the people collections), the content release (topics' titles and tutorials).
Analytics writes no events."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from pymongo.asynchronous.database import AsyncDatabase

from analytics.adapters.dashboards import Dashboards
from analytics.adapters.people import People
from analytics.application.projection import Generation
from orga_shared.content.models import Release

META = "meta"
GENERATION_TTL = 2.0
"""Readers look at which generation is live at most every 2 seconds (a switch is seen soon)."""


@dataclass
class Context:
    db: AsyncDatabase[dict[str, Any]]
    people: People
    release: Release
    _cached: tuple[float, str] | None = field(default=None, repr=False)

    async def generation(self, name: str | None = None) -> Generation:
        """The live generation, or the one named (an "as of" generation, say)."""
        if name is not None:
            return Generation(self.db, name)
        now = time.monotonic()
        if self._cached is None or now - self._cached[0] > GENERATION_TTL:
            doc = await self.db[META].find_one({"_id": "generation"})
            self._cached = (now, str(doc["current"]) if doc else "g1")
        return Generation(self.db, self._cached[1])

    async def dashboards(self, generation: str | None = None) -> Dashboards:
        return Dashboards(await self.generation(generation), self.people, self.release)

"""`Context`: what analytics' reads may touch: the current generation of the projections
(ADR 16), the people collections, the content release (topics' titles and tutorials).
Analytics writes no events."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pymongo.asynchronous.database import AsyncDatabase

from analytics.adapters.dashboards import Dashboards, RosterCache
from analytics.adapters.generations import CurrentGeneration, Generations
from analytics.adapters.people import People
from analytics.application.projection import Generation
from orga_shared.content.models import Release


@dataclass
class Context:
    db: AsyncDatabase[dict[str, Any]]
    people: People
    release: Release
    generations: Generations
    current: CurrentGeneration
    rosters: RosterCache = field(default_factory=RosterCache)

    async def generation(self, name: str | None = None) -> Generation:
        """The live generation, or the one named (an "as of" generation, say)."""
        return self.generations.generation(name) if name is not None else await self.current()

    async def dashboards(self, generation: str | None = None) -> Dashboards:
        return Dashboards(
            await self.generation(generation), self.people, self.release, self.rosters
        )

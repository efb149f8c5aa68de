"""Per-organisation campaign settings a platform admin sets (features, extra target profiles)."""

from __future__ import annotations

from typing import Any

from pymongo.asynchronous.collection import AsyncCollection
from pymongo.asynchronous.database import AsyncDatabase

from campaign.application.ports import OrganisationSettings
from orga_shared.clock import utcnow


class MongoSettings:
    def __init__(self, db: AsyncDatabase[dict[str, Any]]) -> None:
        self.settings: AsyncCollection[dict[str, Any]] = db["organisation_settings"]

    async def get(self, organisation_id: str) -> OrganisationSettings:
        doc = await self.settings.find_one({"_id": organisation_id})
        if doc is None:
            return OrganisationSettings(organisation_id)
        return OrganisationSettings(
            organisation_id,
            multiple_sendings_assessment=bool(doc.get("multiple_sendings_assessment")),
            extra_target_profiles=tuple(doc.get("extra_target_profiles", ())),
        )

    async def put(self, settings: OrganisationSettings) -> None:
        await self.settings.update_one(
            {"_id": settings.organisation_id},
            {
                "$set": {
                    "multiple_sendings_assessment": settings.multiple_sendings_assessment,
                    "extra_target_profiles": list(settings.extra_target_profiles),
                    "updated_at": utcnow(),
                }
            },
            upsert=True,
        )

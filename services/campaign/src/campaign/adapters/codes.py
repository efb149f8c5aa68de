"""Campaign codes, unique across every organisation: the unique `_id` of `campaign_codes` decides.

Reserving inserts `{_id: code}`; a second campaign drawing the same code gets a duplicate-key
error and draws again. A reservation whose campaign never got written (a crash in between)
only keeps one code out of 7.6 × 10^10 unused. The same document, filled by the projector
(`views.py`), answers a student's look-up in one read by `_id`.
"""

from __future__ import annotations

from typing import Any

from pymongo.asynchronous.collection import AsyncCollection
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from orga_shared.clock import utcnow

COLLECTION = "campaign_codes"


class MongoCodes:
    def __init__(self, db: AsyncDatabase[dict[str, Any]]) -> None:
        self.codes: AsyncCollection[dict[str, Any]] = db[COLLECTION]

    async def reserve(self, code: str, campaign_id: str, organisation_id: str) -> bool:
        try:
            await self.codes.insert_one(
                {
                    "_id": code,
                    "campaign_id": campaign_id,
                    "organisation_id": organisation_id,
                    "reserved_at": utcnow(),
                    "live": False,
                }
            )
        except DuplicateKeyError:
            return False
        return True

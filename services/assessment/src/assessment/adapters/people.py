"""Who holds a learner's place in a campaign, and participants' external ids.

- `campaign_learners`: `_id` = `<campaign>:<learner>` → the user who joined first as that
  learner; the unique `_id` decides between two accounts (pix-orga.md §2.5 rule 11).
- `participant_ids`: the external id typed at the start (personal data, docs/design.md §2),
  published on the compacted `assessment.participant-ids` topic keyed by participation id by a
  `DocumentOutbox`; erasing one publishes a tombstone.
"""

from __future__ import annotations

from typing import Any

from pymongo.asynchronous.collection import AsyncCollection
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from orga_shared.clock import utcnow
from orga_shared.contracts.assessment import ParticipantIds
from orga_shared.messaging.document_outbox import DocumentOutbox

Doc = dict[str, Any]


class MongoReservations:
    def __init__(self, db: AsyncDatabase[Doc]) -> None:
        self.places: AsyncCollection[Doc] = db["campaign_learners"]

    async def reserve(self, campaign_id: str, learner_id: str, user_id: str) -> str:
        key = f"{campaign_id}:{learner_id}"
        try:
            await self.places.insert_one({"_id": key, "user_id": user_id, "at": utcnow()})
            return user_id
        except DuplicateKeyError:
            doc = await self.places.find_one({"_id": key})
            return str(doc["user_id"]) if doc else user_id


def _value(doc: Doc) -> bytes | None:
    if doc.get("erased"):
        return None
    return (
        ParticipantIds(
            participation_id=doc["_id"],
            campaign_id=doc["campaign_id"],
            participant_external_id=doc["participant_external_id"],
            version=doc["version"],
            updated_at=doc["updated_at"],
        )
        .model_dump_json()
        .encode()
    )


class MongoExternalIds:
    def __init__(self, db: AsyncDatabase[Doc], topic: str) -> None:
        self.docs: AsyncCollection[Doc] = db["participant_ids"]
        self.outbox = DocumentOutbox(self.docs, topic, _value)

    async def ensure_indexes(self) -> None:
        await self.outbox.ensure_indexes()

    async def _write(self, participation_id: str, fields: Doc) -> None:
        await self.docs.update_one(
            {"_id": participation_id},
            {
                "$set": {**fields, "published": False, "updated_at": utcnow()},
                "$inc": {"version": 1},
            },
            upsert=True,
        )
        await self.outbox.publish_quietly({"_id": participation_id})

    async def save(self, participation_id: str, campaign_id: str, value: str) -> None:
        await self._write(
            participation_id,
            {"campaign_id": campaign_id, "participant_external_id": value, "erased": False},
        )

    async def copy(self, from_participation: str, to_participation: str) -> None:
        doc = await self.docs.find_one({"_id": from_participation})
        if doc is not None and not doc.get("erased"):
            await self.save(to_participation, doc["campaign_id"], doc["participant_external_id"])

    async def value(self, participation_id: str) -> str | None:
        doc = await self.docs.find_one({"_id": participation_id})
        return None if doc is None or doc.get("erased") else str(doc["participant_external_id"])

    async def erase(self, participation_id: str) -> None:
        if await self.docs.find_one({"_id": participation_id}, projection={"_id": 1}) is None:
            return
        await self._write(participation_id, {"participant_external_id": None, "erased": True})

    async def erase_campaign(self, campaign_id: str) -> None:
        found = self.docs.find({"campaign_id": campaign_id}, projection={"_id": 1})
        for pid in [d["_id"] async for d in found]:
            await self.erase(pid)

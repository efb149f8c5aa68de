"""Competence resets of a learner's profile (adaptive-engine.md §6.6): the `reset` KEs written
over the competence's latest ones, one document per reset, and the published CompetenceReset
(ids only) through the kernel event store on the learner's stream."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pymongo import ASCENDING
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.asynchronous.database import AsyncDatabase

from assessment.domain.knowledge import KnowledgeElement
from orga_shared.clock import utcnow
from orga_shared.contracts.assessment import CompetenceReset
from orga_shared.eventstore.store import EventStore

Doc = dict[str, Any]


def learner_stream(user_id: str) -> str:
    return f"learner-{user_id}"


class MongoResets:
    def __init__(self, db: AsyncDatabase[Doc], store: EventStore) -> None:
        self.docs: AsyncCollection[Doc] = db["competence_resets"]
        self.store = store

    async def ensure_indexes(self) -> None:
        await self.docs.create_index([("user_id", ASCENDING)], name="by_user")

    async def of_user(self, user_id: str) -> list[KnowledgeElement]:
        out: list[KnowledgeElement] = []
        async for doc in self.docs.find({"user_id": user_id}):
            for e in doc["elements"]:
                out.append(KnowledgeElement(**{**e, "earned_pix": float(e["earned_pix"])}))
        return out

    async def record(
        self, user_id: str, competence: str, elements: Sequence[KnowledgeElement]
    ) -> None:
        stream = learner_stream(user_id)
        _, version = await self.store.fold(stream, None, lambda s, e: s)
        await self.store.append(
            stream, version, [CompetenceReset(user_id=user_id, competence=competence)], key=user_id
        )
        await self.docs.insert_one(
            {
                "user_id": user_id,
                "competence": competence,
                "at": utcnow(),
                "elements": [
                    {
                        "skill_id": ke.skill_id,
                        "tube": ke.tube,
                        "competence": ke.competence,
                        "status": ke.status,
                        "source": ke.source,
                        "earned_pix": ke.earned_pix,
                        "created_at": ke.created_at,
                        "answer_id": ke.answer_id,
                        "assessment_id": ke.assessment_id,
                    }
                    for ke in elements
                ],
            }
        )

    async def erase_user(self, user_id: str) -> None:
        await self.docs.delete_many({"user_id": user_id})

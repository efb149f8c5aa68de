"""Publication of the profiles on the compacted `identity.user-profiles` topic, through the
kernel's document outbox: key = user id, the latest version wins, erasure is a tombstone.

Consumers read the `profile_version` header to ignore an older record delivered late.
"""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from aiokafka import AIOKafkaProducer

from identity.adapters.profiles import PERSONAL_FIELDS, Profiles
from orga_shared.messaging.document_outbox import DocumentOutbox


def message_value(doc: dict[str, Any]) -> bytes | None:
    if doc.get("erased"):
        return None
    body = {"user_id": doc["_id"], "version": doc["version"]}
    body.update({f: doc.get(f) for f in PERSONAL_FIELDS})
    body["updated_at"] = doc["updated_at"].isoformat()
    return json.dumps(body, ensure_ascii=False).encode()


def message_headers(doc: dict[str, Any]) -> list[tuple[str, bytes]]:
    return [("profile_version", str(doc["version"]).encode())]


class ProfileTopic:
    """The `ProfilePublisher` port over a `DocumentOutbox` on the profiles collection."""

    def __init__(self, profiles: Profiles, topic: str) -> None:
        self.outbox = DocumentOutbox(
            profiles.collection,
            topic,
            message_value,
            ready={"draft": False},
            headers=message_headers,
        )

    def bind(self, producer: AIOKafkaProducer) -> None:
        self.outbox.bind(producer)

    async def ensure_indexes(self) -> None:
        await self.outbox.ensure_indexes()

    async def publish_quietly(self, user_id: str) -> None:
        await self.outbox.publish_quietly({"_id": user_id})

    async def relay_once(self, grace: timedelta) -> int:
        return await self.outbox.relay_once(grace)

"""Learners' personal data on the compacted topic `organisation.learner-profiles`.

The learner document is the source (`published: false` its outbox flag, `profile_version` its
version); the kernel's document outbox sends it right after an import or an erasure and its
relay sends whatever a crash left behind. An erased learner is sent as a tombstone (null
value), so compaction removes every earlier value and a replay cannot bring the data back.
"""

from __future__ import annotations

from typing import Any

from pymongo.asynchronous.database import AsyncDatabase

from orga_shared.contracts.organisation import LearnerProfile
from orga_shared.messaging.document_outbox import DocumentOutbox
from organisation.adapters.learners import COLLECTION


def profile_value(doc: dict[str, Any]) -> bytes | None:
    if doc.get("tombstone"):
        return None
    profile = LearnerProfile.model_validate(
        {**doc, "learner_id": doc["_id"], "updated_at": doc["updated_at"]}
    )
    return profile.model_dump_json().encode()


def learner_profiles(db: AsyncDatabase[dict[str, Any]], topic: str) -> DocumentOutbox:
    """Pending learners (an import not yet applied) wait: they are not visible yet."""
    return DocumentOutbox(
        db[COLLECTION],
        topic,
        profile_value,
        version_field="profile_version",
        ready={"state": {"$ne": "pending"}},
    )

"""Personal data analytics shows, kept apart from every projection generation: users' names
(`identity.user-profiles`), learners' names, division, group and student number
(`organisation.learner-profiles`), participants' external ids (`assessment.participant-ids`).

Each is a kernel `ProfileProjection` of a compacted topic: latest value wins, a tombstone
(erasure) deletes the document. A replay rebuilds the generations from the event history, which
holds ids only, so it cannot bring an erased person's data back (docs/design.md §2).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pymongo.asynchronous.database import AsyncDatabase

from orga_shared.messaging.profile_projection import ProfileProjection
from orga_shared.names import fold

Doc = dict[str, Any]


def _user(value: Doc) -> Doc:
    first, last = value.get("first_name") or "", value.get("last_name") or ""
    return {"first_name": first, "last_name": last, "sort": fold(f"{last} {first}")}


def _learner(value: Doc) -> Doc:
    first = value.get("first_name") or ""
    last = value.get("preferred_last_name") or value.get("last_name") or ""
    return {
        "organisation_id": value.get("organisation_id"),
        "first_name": first,
        "last_name": last,
        "division": value.get("division"),
        "group": value.get("group"),
        "student_number": value.get("student_number"),
        "sort": fold(f"{last} {first}"),
    }


def _external(value: Doc) -> Doc:
    return {
        "campaign_id": value.get("campaign_id"),
        "participant_external_id": value.get("participant_external_id"),
    }


def _micros(value: Doc) -> int:
    at = datetime.fromisoformat(str(value["updated_at"]).replace("Z", "+00:00"))
    return int(at.timestamp() * 1_000_000)


class People:
    def __init__(
        self,
        db: AsyncDatabase[Doc],
        *,
        user_profiles_topic: str,
        learner_profiles_topic: str,
        participant_ids_topic: str,
    ) -> None:
        self.users = ProfileProjection(db["people.users"], user_profiles_topic, _user)
        self.learners = ProfileProjection(
            db["people.learners"], learner_profiles_topic, _learner, version=_micros
        )
        self.external_ids = ProfileProjection(
            db["people.external_ids"], participant_ids_topic, _external
        )

    @property
    def projections(self) -> list[ProfileProjection]:
        return [self.users, self.learners, self.external_ids]

    async def of(self, participations: list[Doc]) -> dict[str, Doc]:
        """Per participation id: first/last name, division, group, student number, external id
        (three reads by `_id $in`, whatever the number)."""
        users = await self.users.get_many(sorted({p["user_id"] for p in participations}))
        learner_ids = sorted({p["learner_id"] for p in participations if p.get("learner_id")})
        learners = await self.learners.get_many(learner_ids) if learner_ids else {}
        ids = await self.external_ids.get_many([p["_id"] for p in participations])
        out: dict[str, Doc] = {}
        for p in participations:
            person = learners.get(p.get("learner_id") or "") or users.get(p["user_id"]) or {}
            out[p["_id"]] = {
                "first_name": person.get("first_name", ""),
                "last_name": person.get("last_name", ""),
                "sort": person.get("sort", ""),
                "division": person.get("division"),
                "group": person.get("group"),
                "student_number": person.get("student_number"),
                "participant_external_id": (ids.get(p["_id"]) or {}).get("participant_external_id"),
            }
        return out

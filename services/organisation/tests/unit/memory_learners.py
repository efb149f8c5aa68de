"""In-memory learners (personal data and status view on the same documents, as in the learners
collection), the import lock and the profile topic; see `memory.py`."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta
from typing import Any

from orga_shared.clock import utcnow
from organisation.adapters.learners import (
    LIVE,
    PERSONAL_FIELDS,
    imported_fields,
    new_learner_fields,
)
from organisation.adapters.profiles import profile_value
from organisation.domain.learners import LearnerRecord

Doc = dict[str, Any]


class MemoryLearners:
    """Personal data and the status view on the same documents, as in the learners collection."""

    def __init__(self) -> None:
        self.docs: dict[str, Doc] = {}

    def of(self, organisation_id: str, *states: str) -> list[Doc]:
        return [
            d
            for d in self.docs.values()
            if d["organisation_id"] == organisation_id and (not states or d["state"] in states)
        ]

    async def ids_by_key(self, organisation_id: str) -> dict[str, str]:
        return {d["key"]: d["_id"] for d in self.of(organisation_id, *LIVE)}

    async def write_profiles(
        self,
        organisation_id: str,
        import_id: str,
        records: Sequence[LearnerRecord],
        ids: Sequence[str],
    ) -> None:
        now = utcnow()
        for record, learner_id in zip(records, ids, strict=True):
            new = {"_id": learner_id, "profile_version": 0, **new_learner_fields(now)}
            doc = self.docs.setdefault(learner_id, new)
            doc.update(imported_fields(record, organisation_id, import_id, now))
            doc["profile_version"] += 1

    async def get(self, learner_id: str) -> Doc | None:
        return self.docs.get(learner_id)

    async def page(
        self,
        organisation_id: str,
        *,
        divisions: Iterable[str] = (),
        groups: Iterable[str] = (),
        certificability: Iterable[str] = (),
    ) -> list[Doc]:
        found = self.of(organisation_id, "active")
        for name, values in (
            ("division", list(divisions)),
            ("group", list(groups)),
            ("certificability", list(certificability)),
        ):
            if values:
                found = [d for d in found if d.get(name) in values]
        return sorted(found, key=lambda d: (d["sort_name"], d["_id"]))

    async def distinct_values(self, organisation_id: str, field: str) -> list[str]:
        return sorted({d[field] for d in self.of(organisation_id, "active") if d.get(field)})

    async def candidates(self, organisation_id: str, birthdate: date) -> list[Doc]:
        return [
            d for d in self.of(organisation_id, "active") if d["birthdate"] == birthdate.isoformat()
        ]

    async def linked_to(self, user_id: str) -> list[Doc]:
        return [d for d in self.docs.values() if d["user_id"] == user_id and d["state"] in LIVE]

    async def same_ine_elsewhere(self, national_student_id: str, organisation_id: str) -> list[Doc]:
        return [
            d
            for d in self.docs.values()
            if d.get("national_student_id") == national_student_id
            and d["organisation_id"] != organisation_id
            and d["state"] in LIVE
        ]

    async def with_ine(self, organisation_id: str, national_student_id: str) -> list[Doc]:
        return [
            d
            for d in self.of(organisation_id, "active")
            if d.get("national_student_id") == national_student_id
        ]

    def _guarded(self, learner_id: str, version: int) -> Doc | None:
        doc = self.docs.get(learner_id)
        return doc if doc is not None and doc["status_version"] < version else None

    async def set_state(self, ids: Sequence[str], state: str, version: int) -> None:
        for learner_id in ids:
            if (doc := self._guarded(learner_id, version)) is not None:
                doc.update(state=state, status_version=version)
                if state in ("deleted", "erased"):
                    doc["key"] = f"~{state}~{learner_id}"

    async def set_user(self, learner_id: str, user_id: str, version: int) -> None:
        if (doc := self._guarded(learner_id, version)) is not None:
            doc.update(user_id=user_id, status_version=version)

    async def erase(self, learner_id: str, version: int) -> None:
        doc = self.docs.get(learner_id)
        if doc is None or doc["state"] == "erased":
            return
        doc.update(dict.fromkeys(PERSONAL_FIELDS), sort_name="", tombstone=True, published=False)
        doc.update(state="erased", status_version=version, key=f"~erased~{learner_id}")
        doc["profile_version"] += 1


class MemoryProfiles:
    """The profile topic: what was published, latest per learner (None is a tombstone)."""

    def __init__(self, learners: MemoryLearners) -> None:
        self.learners = learners
        self.topic: dict[str, bytes | None] = {}

    async def publish_quietly(self, where: dict[str, Any] | None = None) -> None:
        for doc in list(self.learners.docs.values()):
            if doc["published"] or doc["state"] == "pending":
                continue
            if any(doc.get(k) != v for k, v in (where or {}).items()):
                continue
            self.topic[doc["_id"]] = profile_value(doc)
            doc["published"] = True


class MemoryLocks:
    def __init__(self) -> None:
        self.held: dict[str, tuple[str, datetime]] = {}

    async def lock(self, organisation_id: str, import_id: str, ttl_seconds: float) -> bool:
        holder = self.held.get(organisation_id)
        if holder is not None and holder[1] > utcnow():
            return False
        self.held[organisation_id] = (import_id, utcnow() + timedelta(seconds=ttl_seconds))
        return True

    async def unlock(self, organisation_id: str, import_id: str) -> None:
        if self.held.get(organisation_id, ("",))[0] == import_id:
            del self.held[organisation_id]

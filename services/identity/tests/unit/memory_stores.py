"""In-memory stand-ins for identity's collections (accounts, login keys, credentials, profiles
and their topic, the login throttle), implementing the Protocols of `identity.application.ports`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from identity.adapters.users import Users, stream_id
from identity.application.ports import Profile
from identity.domain.lockout import Slot, Window
from orga_shared.testing.memory_store import MemoryEventStore

PERSONAL = ("first_name", "last_name", "email", "username", "birth_date")


@dataclass
class Clock:
    now: datetime = datetime(2026, 9, 1, 8, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


class MemoryUsers(Users):
    """The real `Users` adapter on the kernel's in-memory event store."""

    def __init__(self) -> None:
        self.memory = MemoryEventStore("identity.events", "identity")
        super().__init__(self.memory)

    def types(self, user_id: str) -> list[str]:
        return [type(e).__name__ for _, e in self.memory.streams.get(stream_id(user_id), [])]


@dataclass
class MemoryLoginKeys:
    clock: Clock
    keys: dict[str, tuple[str, datetime]] = field(default_factory=dict)

    async def reserve(self, key: str, user_id: str) -> bool:
        owner, _ = self.keys.setdefault(key, (user_id, self.clock()))
        return owner == user_id

    async def owner(self, key: str) -> str | None:
        return self.keys[key][0] if key in self.keys else None

    async def reserved_at(self, key: str) -> datetime | None:
        return self.keys[key][1] if key in self.keys else None

    async def release(self, key: str, user_id: str) -> None:
        if key in self.keys and self.keys[key][0] == user_id:
            del self.keys[key]

    async def keys_of(self, user_id: str) -> list[str]:
        return [k for k, (owner, _) in self.keys.items() if owner == user_id]


@dataclass
class MemoryCredentials:
    hashes: dict[str, str] = field(default_factory=dict)

    async def set_password(self, user_id: str, password_hash: str) -> None:
        self.hashes[user_id] = password_hash

    async def password_hash(self, user_id: str) -> str | None:
        return self.hashes.get(user_id)

    async def delete(self, user_id: str) -> None:
        self.hashes.pop(user_id, None)


def _stored(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


@dataclass
class MemoryProfiles:
    clock: Clock
    docs: dict[str, Profile] = field(default_factory=dict)

    async def create(self, user_id: str, *, draft: bool = False, **fields: Any) -> Profile:
        doc = {"_id": user_id, **{f: _stored(fields.get(f)) for f in PERSONAL}}
        doc |= {"version": 1, "published": draft, "draft": draft, "erased": False}
        self.docs[user_id] = doc | {"updated_at": self.clock()}
        return dict(self.docs[user_id])

    async def activate(self, user_id: str) -> None:
        doc = self.docs.get(user_id)
        if doc is not None and doc["draft"]:
            doc |= {"draft": False, "published": False, "updated_at": self.clock()}

    async def drafts_before(self, cutoff: datetime, limit: int = 100) -> list[str]:
        old = [d["_id"] for d in self.docs.values() if d["draft"] and d["updated_at"] <= cutoff]
        return old[:limit]

    async def delete_draft(self, user_id: str) -> None:
        if self.docs.get(user_id, {}).get("draft"):
            del self.docs[user_id]

    async def get(self, user_id: str) -> Profile | None:
        doc = self.docs.get(user_id)
        return None if doc is None or doc["erased"] or doc["draft"] else dict(doc)

    async def update(self, user_id: str, changes: dict[str, Any]) -> Profile | None:
        if await self.get(user_id) is None:
            return None
        doc = self.docs[user_id]
        doc |= {k: _stored(v) for k, v in changes.items()}
        doc |= {"published": False, "updated_at": self.clock(), "version": doc["version"] + 1}
        return dict(doc)

    async def erase(self, user_id: str) -> None:
        doc = self.docs.get(user_id)
        if doc is not None:
            doc |= dict.fromkeys(PERSONAL) | {"erased": True, "draft": False, "published": False}
            doc["version"] += 1

    async def recoverable_born_on(self, birth_date: date, limit: int = 5000) -> list[Profile]:
        born = birth_date.isoformat()
        return [
            dict(d)
            for d in self.docs.values()
            if d["birth_date"] == born and d["email"] is None and not d["erased"] and not d["draft"]
        ][:limit]


@dataclass
class MemoryProfileTopic:
    """The compacted topic as a list of `(user id, value)`; None is a tombstone."""

    profiles: MemoryProfiles
    records: list[tuple[str, Profile | None]] = field(default_factory=list)

    async def publish_quietly(self, user_id: str) -> None:
        doc = self.profiles.docs.get(user_id)
        if doc is None or doc["published"] or doc["draft"]:
            return
        self.records.append((user_id, None if doc["erased"] else dict(doc)))
        doc["published"] = True

    def latest(self, user_id: str) -> Profile | None:
        return [value for key, value in self.records if key == user_id][-1]


@dataclass
class MemoryThrottle:
    windows: dict[str, Window] = field(default_factory=dict)
    attempts: dict[tuple[str, int, int], Slot] = field(default_factory=dict)

    async def current(self, user_id: str) -> Window:
        return self.windows.get(user_id, Window())

    async def slots(self, user_id: str, window: int) -> list[Slot]:
        return [s for (u, w, _), s in self.attempts.items() if (u, w) == (user_id, window)]

    async def take(self, user_id: str, window: int, slot: int, now: datetime) -> bool:
        if (user_id, window, slot) in self.attempts:
            return False
        self.attempts[(user_id, window, slot)] = Slot(slot, now, None)
        return True

    async def mark_failed(self, user_id: str, window: int, slot: int) -> None:
        taken = self.attempts[(user_id, window, slot)]
        self.attempts[(user_id, window, slot)] = Slot(taken.number, taken.started_at, True)

    async def free(self, user_id: str, window: int, slot: int) -> None:
        self.attempts.pop((user_id, window, slot), None)

    async def open(self, user_id: str, window: Window, now: datetime) -> bool:
        if user_id in self.windows and self.windows[user_id].number >= window.number:
            return False
        self.windows[user_id] = window
        for key in [k for k in self.attempts if k[0] == user_id and k[1] < window.number]:
            del self.attempts[key]
        return True

    async def clear(self, user_id: str) -> None:
        self.windows.pop(user_id, None)
        for key in [k for k in self.attempts if k[0] == user_id]:
            del self.attempts[key]

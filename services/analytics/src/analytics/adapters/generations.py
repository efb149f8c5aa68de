"""Generation bookkeeping: which set of projection collections readers use, and the others.

`meta` (outside every generation) holds `{_id: "generation", current: "g3"}` and one state
document per generation (`{_id: "generation:g4", state: "building"}`): `live` (the current
one), `building` (a replay in progress), `as-of` (built up to an instant, never current),
`retired` (switched away from, about to be dropped). ADR 0016.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from pymongo.asynchronous.collection import AsyncCollection
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from analytics.application.projection import Generation
from orga_shared.clock import utcnow

Doc = dict[str, Any]
CURRENT = "generation"
FIRST = "g1"
NAME = re.compile(r"^(g(?P<n>\d+)|asof-\d{8}T\d{4}Z)$")
STATES = ("live", "building", "as-of", "retired")


@dataclass(frozen=True)
class GenerationInfo:
    name: str
    state: str
    """One of `STATES`, or `orphan`: collections with no state document (a write that came
    after a drop, or a replay whose bookkeeping was lost)."""
    collections: int
    until: datetime | None = None


def check_name(name: str) -> str:
    if not NAME.match(name):
        raise ValueError(f"not a generation name: {name!r} (g<n> or asof-YYYYMMDDTHHMMZ)")
    return name


class Generations:
    def __init__(self, db: AsyncDatabase[Doc]) -> None:
        self.db = db
        self.meta: AsyncCollection[Doc] = db["meta"]

    def generation(self, name: str) -> Generation:
        return Generation(self.db, check_name(name))

    async def current(self) -> str:
        """The live generation's name; `g1` is made live the first time anyone asks."""
        doc = await self.meta.find_one({"_id": CURRENT})
        if doc is not None:
            return str(doc["current"])
        try:
            await self.meta.update_one(
                {"_id": CURRENT}, {"$setOnInsert": {"current": FIRST}}, upsert=True
            )
        except DuplicateKeyError:
            pass  # another process created it first
        doc = await self.meta.find_one({"_id": CURRENT})
        assert doc is not None
        name = str(doc["current"])
        if name == FIRST:
            await self._set_state(FIRST, "live")
        return name

    async def next_name(self) -> str:
        """`g<n+1>` where n is the highest generation number known (state or collections)."""
        numbers = [0]
        for info in await self.list():
            match = NAME.match(info.name)
            if match and match.group("n"):
                numbers.append(int(match.group("n")))
        return f"g{max(numbers) + 1}"

    async def begin(self, name: str, *, until: datetime | None = None) -> Generation:
        """Record that `name` is being built (state `building`, or `as-of` with its instant)."""
        state = "as-of" if until is not None else "building"
        await self._set_state(check_name(name), state, until=until)
        return self.generation(name)

    async def switch(self, name: str) -> str | None:
        """Make `name` current; returns the previous current name (now `retired`)."""
        check_name(name)
        if name.startswith("asof-"):
            raise ValueError("an as-of generation is never made current")
        previous = await self.current()
        await self.meta.update_one(
            {"_id": CURRENT},
            {"$set": {"current": name, "previous": previous, "switched_at": utcnow()}},
        )
        await self._set_state(name, "live")
        if previous != name:
            await self._set_state(previous, "retired")
            return previous
        return None

    async def drop(self, name: str) -> int:
        """Drop every collection of `name` and its state; never the current generation."""
        check_name(name)
        if name == await self.current():
            raise ValueError(f"{name} is the current generation: switch first")
        dropped = 0
        for collection in await self.generation(name).collections():
            await self.db.drop_collection(collection)
            dropped += 1
        await self.meta.delete_one({"_id": f"{CURRENT}:{name}"})
        return dropped

    async def state(self, name: str) -> str | None:
        doc = await self.meta.find_one({"_id": f"{CURRENT}:{name}"})
        return None if doc is None else str(doc["state"])

    async def list(self) -> list[GenerationInfo]:
        """Generations present (a state document or collections), by name."""
        counts: dict[str, int] = {}
        for collection in await self.db.list_collection_names():
            prefix = collection.split(".", 1)[0]
            if "." in collection and NAME.match(prefix):
                counts[prefix] = counts.get(prefix, 0) + 1
        states: dict[str, Doc] = {}
        async for doc in self.meta.find({"kind": "generation"}):
            states[str(doc["name"])] = doc
        names = sorted(set(counts) | set(states), key=_order)
        return [
            GenerationInfo(
                name=n,
                state=str(states[n]["state"]) if n in states else "orphan",
                collections=counts.get(n, 0),
                until=states.get(n, {}).get("until"),
            )
            for n in names
        ]

    @staticmethod
    def as_of_name(instant: datetime) -> str:
        """`asof-YYYYMMDDTHHMMZ` of an aware instant, in UTC, to the minute."""
        if instant.tzinfo is None:
            raise ValueError("the instant needs a time zone (…Z or +hh:mm)")
        return "asof-" + instant.astimezone(UTC).strftime("%Y%m%dT%H%MZ")

    async def _set_state(self, name: str, state: str, *, until: datetime | None = None) -> None:
        fields: Doc = {"kind": "generation", "name": name, "state": state, "at": utcnow()}
        if until is not None:
            fields["until"] = until
        await self.meta.update_one({"_id": f"{CURRENT}:{name}"}, {"$set": fields}, upsert=True)


def _order(name: str) -> tuple[int, int, str]:
    match = NAME.match(name)
    if match and match.group("n"):
        return (0, int(match.group("n")), name)
    return (1, 0, name)


class CurrentGeneration:
    """What readers call: the current `Generation`, its name cached for `ttl` seconds (a
    switch reaches every reader within that delay; ADR 0016)."""

    def __init__(self, generations: Generations, ttl: float = 2.0) -> None:
        self.generations = generations
        self.ttl = ttl
        self._name: str | None = None
        self._read_at = 0.0

    async def __call__(self) -> Generation:
        now = time.monotonic()
        if self._name is None or now - self._read_at > self.ttl:
            self._name = await self.generations.current()
            self._read_at = now
        return self.generations.generation(self._name)

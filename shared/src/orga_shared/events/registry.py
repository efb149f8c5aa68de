"""Registry of event types and versions; the single choke point where old versions are upcast.

Every version of every event stays registered so `make schemas` can publish its JSON Schema,
and so history written years ago is still readable: `decode` walks the chain of small
`vN -> vN+1` upcasters, then validates against the latest model.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any, TypeVar

from orga_shared.events.envelope import DomainEvent, Envelope

E = TypeVar("E", bound=type[DomainEvent])
Upcaster = Callable[[dict[str, Any]], dict[str, Any]]


class UnknownEventType(LookupError):
    """An envelope names a type or version this process does not know."""


class EventRegistry:
    def __init__(self) -> None:
        self._models: dict[tuple[str, int], type[DomainEvent]] = {}
        self._latest: dict[str, int] = {}
        self._upcasters: dict[tuple[str, int], Upcaster] = {}

    def register(self, model: E) -> E:
        """Class decorator; registering the same class twice is harmless (module reloads)."""
        key = (model.event_type, model.schema_version)
        known = self._models.get(key)
        if known is not None and known is not model and known.__qualname__ != model.__qualname__:
            raise ValueError(f"{key} already registered by {known.__qualname__}")
        self._models[key] = model
        self._latest[model.event_type] = max(self._latest.get(model.event_type, 0), key[1])
        return model

    def upcaster(self, event_type: str, from_version: int) -> Callable[[Upcaster], Upcaster]:
        """Decorator for a function turning a `from_version` payload into `from_version + 1`."""

        def decorate(fn: Upcaster) -> Upcaster:
            self._upcasters[(event_type, from_version)] = fn
            return fn

        return decorate

    def latest_version(self, event_type: str) -> int:
        try:
            return self._latest[event_type]
        except KeyError:
            raise UnknownEventType(event_type) from None

    def model(self, event_type: str, version: int | None = None) -> type[DomainEvent]:
        v = self.latest_version(event_type) if version is None else version
        try:
            return self._models[(event_type, v)]
        except KeyError:
            raise UnknownEventType(f"{event_type} v{v}") from None

    def upcast(self, event_type: str, version: int, payload: dict[str, Any]) -> dict[str, Any]:
        latest = self.latest_version(event_type)
        if version > latest:
            raise UnknownEventType(f"{event_type} v{version} is newer than v{latest}")
        for v in range(version, latest):
            try:
                payload = self._upcasters[(event_type, v)](dict(payload))
            except KeyError:
                raise UnknownEventType(f"no upcaster {event_type} v{v} -> v{v + 1}") from None
        return payload

    def decode(self, envelope: Envelope) -> DomainEvent:
        """Typed payload of the latest version, whatever version the envelope carries."""
        payload = self.upcast(envelope.event_type, envelope.schema_version, envelope.payload)
        return self.model(envelope.event_type).model_validate(payload)

    def __iter__(self) -> Iterator[type[DomainEvent]]:
        return iter(sorted(self._models.values(), key=lambda m: (m.event_type, m.schema_version)))

    def check(self) -> list[str]:
        """Gaps in upcaster chains, as messages (empty when every old version is readable)."""
        problems = []
        for (event_type, version), _ in sorted(self._models.items()):
            for v in range(version, self._latest[event_type]):
                if (event_type, v) not in self._upcasters:
                    problems.append(f"{event_type}: missing upcaster v{v} -> v{v + 1}")
        return sorted(set(problems))


EVENTS = EventRegistry()
"""The process-wide registry; each service's `domain/events.py` registers into it on import."""

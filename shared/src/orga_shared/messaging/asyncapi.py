"""A service's AsyncAPI document, with the payload schemas FastStream cannot see.

FastStream documents a subscriber from its handler's signature. Ours takes the raw message
(`EventSubscription.attach`: undecodable bytes must reach the dead-letter topic unchanged, so
nothing parses or validates a body before `process`), hence FastStream knows no payload. This
module fills them in, in the document only:

- each subscription's message is the envelope (`orga_shared.events.Envelope`) with, as one of
  its variants, each version of each event type it consumes (`event_types`, resolved through the
  registry; without a filter, the types produced on its topics);
- the service's own topic (`runtime.store.topic`) gets a `send` operation whose message is the
  envelope with each event type the service produces, at the version it writes (the latest).

What a service produces is `runtime.publishes` when given, else the events its contracts module
(`orga_shared.contracts.<service>`, docs/architecture.md) registers.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from faststream.specification import AsyncAPI

from orga_shared.events.envelope import DomainEvent, Envelope
from orga_shared.events.registry import EventRegistry, UnknownEventType

if TYPE_CHECKING:
    from orga_shared.messaging.consumer import EventSubscription
    from orga_shared.runtime import ServiceRuntime

REF = "#/components/schemas/{model}"


def asyncapi_document(
    runtime: ServiceRuntime, *, title: str, description: str = ""
) -> dict[str, Any]:
    """The AsyncAPI 3 document of `runtime`'s consumers and publication, as JSON data."""
    spec = AsyncAPI(runtime.broker, title=title, version="0.1.0", description=description)
    doc: dict[str, Any] = spec.to_specification().to_jsonable()
    schemas = doc.setdefault("components", {}).setdefault("schemas", {})
    for sub in runtime.subscriptions:
        _describe_subscription(doc, schemas, sub)
    if runtime.store is not None:
        _describe_publication(doc, schemas, runtime.store.topic, produced(runtime))
    return doc


def produced_by(registry: EventRegistry, service: str) -> list[type[DomainEvent]]:
    """The events `service`'s contracts module registers, every version."""
    module = f"orga_shared.contracts.{service}"
    return [m for m in registry if m.__module__ == module]


def produced(runtime: ServiceRuntime) -> list[type[DomainEvent]]:
    """What `runtime` writes on its topic: the latest version of each event type it produces."""
    registry = runtime.registry
    if runtime.publishes is not None:
        types = list(runtime.publishes)
    else:
        types = [m.event_type for m in produced_by(registry, runtime.settings.service_name)]
    models = []
    for event_type in dict.fromkeys(types):
        try:
            models.append(registry.model(event_type))
        except UnknownEventType:
            continue  # a type the registry lost: nothing to describe
    return models


def consumed(sub: EventSubscription) -> list[type[DomainEvent]]:
    """What `sub` decodes: every registered version of the event types it keeps."""
    registry = sub.registry
    if sub.event_types is not None:
        wanted = set(sub.event_types)
    else:
        services = {topic.split(".", 1)[0] for topic in sub.topics}
        wanted = {m.event_type for s in services for m in produced_by(registry, s)}
    return [m for m in registry if m.event_type in wanted]


def envelope_variants(
    models: Iterable[type[DomainEvent]], schemas: dict[str, Any]
) -> dict[str, Any]:
    """`oneOf` the envelopes of `models`, each with its `event_type`, version and payload;
    the payload schemas (and the envelope's) are added to `schemas`."""
    envelope = Envelope.model_json_schema(ref_template=REF)
    schemas.setdefault("Envelope", envelope)
    variants = []
    for model in models:
        name = f"{model.event_type}.v{model.schema_version}"
        payload = model.model_json_schema(ref_template=REF)
        for sub_name, sub_schema in payload.pop("$defs", {}).items():
            schemas.setdefault(sub_name, sub_schema)
        payload["title"] = name
        schemas[name] = payload
        variants.append(
            {
                "title": f"Envelope of {name}",
                "allOf": [{"$ref": REF.format(model="Envelope")}],
                "properties": {
                    "event_type": {"const": model.event_type},
                    "schema_version": {"const": model.schema_version},
                    "payload": {"$ref": REF.format(model=name)},
                },
            }
        )
    if not variants:
        return {"$ref": REF.format(model="Envelope")}
    return {"oneOf": variants}


def _describe_subscription(
    doc: dict[str, Any], schemas: dict[str, Any], sub: EventSubscription
) -> None:
    channel = doc.get("channels", {}).get(sub.title)
    if channel is None:
        return
    for ref in channel.get("messages", {}).values():
        message = _resolve(doc, ref)
        target = message.get("payload", {}).get("$ref", "").rsplit("/", 1)[-1]
        schema = envelope_variants(consumed(sub), schemas)
        schema["title"] = f"{sub.name}: envelopes consumed"
        if target:
            schemas[target] = schema
        else:
            message["payload"] = schema


def _describe_publication(
    doc: dict[str, Any], schemas: dict[str, Any], topic: str, models: list[type[DomainEvent]]
) -> None:
    key = f"publish:{topic}"
    payload = envelope_variants(models, schemas)
    payload["title"] = f"{topic}: envelopes published"
    schemas[f"{key}:Payload"] = payload
    doc.setdefault("components", {}).setdefault("messages", {})[f"{key}:Message"] = {
        "title": f"{key}:Message",
        "contentType": "application/json",
        "correlationId": {"location": "$message.payload#/correlation_id"},
        "payload": {"$ref": REF.format(model=f"{key}:Payload")},
    }
    doc.setdefault("channels", {})[key] = {
        "address": topic,
        "servers": [{"$ref": f"#/servers/{name}"} for name in doc.get("servers", {})],
        "messages": {"Envelope": {"$ref": f"#/components/messages/{key}:Message"}},
        "bindings": {"kafka": {"topic": topic, "bindingVersion": "0.4.0"}},
    }
    doc.setdefault("operations", {})[key] = {
        "action": "send",
        "channel": {"$ref": f"#/channels/{key}"},
        "messages": [{"$ref": f"#/channels/{key}/messages/Envelope"}],
    }


def _resolve(doc: dict[str, Any], ref: dict[str, Any]) -> dict[str, Any]:
    node: Any = doc
    for part in str(ref.get("$ref", "#")).lstrip("#/").split("/"):
        if part:
            node = node[part]
    return node if isinstance(node, dict) else {}

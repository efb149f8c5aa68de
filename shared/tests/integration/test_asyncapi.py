"""`/asyncapi.json` carries the payload schemas: each subscription's envelope with the event types
it consumes, and the service's publication with those it produces (FastStream alone sees none)."""

from typing import Any

import httpx
import pytest

import orga_shared.contracts  # noqa: F401  (registers every published contract)
from orga_shared.config import ServiceSettings
from orga_shared.events import DomainEvent, Envelope
from orga_shared.http.app import create_app
from orga_shared.messaging.asyncapi import consumed, produced
from orga_shared.runtime import ServiceRuntime
from orga_shared.testing.sample_events import registry

pytestmark = pytest.mark.integration


async def ignore(envelope: Envelope, event: DomainEvent) -> None:
    return None


def settings_for(infra: Any, service_name: str) -> ServiceSettings:
    return ServiceSettings.model_validate(
        {
            "service_name": service_name,
            "database": "asyncapi_unused",
            "ORGA_KAFKA_BOOTSTRAP": infra.kafka_bootstrap,
            "ORGA_MONGO_URL": infra.mongo_url,
        }
    )


def resolve(doc: dict[str, Any], ref: str) -> Any:
    node: Any = doc
    for part in ref.removeprefix("#/").split("/"):
        node = node[part]
    return node


def variants(doc: dict[str, Any], channel: str) -> dict[tuple[str, int], dict[str, Any]]:
    """The envelopes a channel carries, by (event type, version), with their payload schema."""
    (message_ref,) = doc["channels"][channel]["messages"].values()
    message = resolve(doc, message_ref["$ref"])
    schema = resolve(doc, message["payload"]["$ref"])
    out = {}
    for variant in schema["oneOf"]:
        props = variant["properties"]
        assert variant["allOf"] == [{"$ref": "#/components/schemas/Envelope"}]
        key = (props["event_type"]["const"], props["schema_version"]["const"])
        out[key] = resolve(doc, props["payload"]["$ref"])
    return out


async def test_subscriptions_and_publication_carry_their_payload_schemas(infra) -> None:
    runtime = ServiceRuntime(
        settings_for(infra, "kernel-test"),
        topic="kernel-test.events",
        registry=registry,
        publishes=["test.CounterIncremented"],
    )
    runtime.subscribe(
        name="counters",
        topics=["counters.events"],
        handler=ignore,
        event_types=["test.CounterIncremented"],
    )
    app = create_app(runtime.settings, runtime, title="kernel test")
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as c:
        doc = (await c.get("/asyncapi.json")).json()
    await runtime.client.close()

    received = variants(doc, "counters:counters.events")
    assert set(received) == {("test.CounterIncremented", 1), ("test.CounterIncremented", 2)}
    assert set(received["test.CounterIncremented", 2]["properties"]) == {
        "counter_id",
        "by",
        "reason",
    }
    assert set(received["test.CounterIncremented", 1]["required"]) == {"counter_id", "by"}
    assert doc["operations"]["counters:counters.events"]["action"] == "receive"
    envelope = doc["components"]["schemas"]["Envelope"]
    assert {"event_id", "correlation_id", "payload"} <= set(envelope["properties"])

    sent = variants(doc, "publish:kernel-test.events")
    assert list(sent) == [("test.CounterIncremented", 2)]
    operation = doc["operations"]["publish:kernel-test.events"]
    assert operation["action"] == "send"
    assert doc["channels"]["publish:kernel-test.events"]["address"] == "kernel-test.events"
    assert "AlwaysFails" not in str(doc)


def test_by_default_a_service_produces_its_contracts_and_consumes_its_topics_producers(
    infra,
) -> None:
    runtime = ServiceRuntime(settings_for(infra, "organisation"), topic="organisation.events")
    sub = runtime.subscribe(name="accounts", topics=["identity.events"], handler=ignore)
    published = {m.event_type for m in produced(runtime)}
    assert "OrganisationCreated" in published and "UserRegistered" not in published
    received = {m.event_type for m in consumed(sub)}
    assert "UserRegistered" in received and "OrganisationCreated" not in received

"""The service's own consumers: view repair from its topic, account kinds and erasures from
identity."""

from __future__ import annotations

import uuid

import pytest
from aiokafka import AIOKafkaProducer

from orga_shared.contracts.identity import UserErased, UserRegistered
from orga_shared.events import Envelope
from orga_shared.events.envelope import DomainEvent
from orga_shared.testing.fixtures import eventually, read_topic
from organisation.demo import Pupil, siecle_xml
from organisation.domain.events import MembershipCreated

pytestmark = pytest.mark.integration


async def publish(org, topic: str, event: DomainEvent, times: int = 1) -> None:
    """An identity event on `topic`, as identity publishes it (keyed by the user id)."""
    user_id = getattr(event, "user_id")  # noqa: B009 - every identity event has one
    envelope = Envelope(
        event_type=event.event_type,
        schema_version=1,
        stream_id=f"user-{user_id}",
        stream_version=1,
        producer="identity",
        correlation_id="test",
        payload=event.model_dump(mode="json"),
    )
    producer = AIOKafkaProducer(bootstrap_servers=org.infra.kafka_bootstrap)
    await producer.start()
    try:
        for _ in range(times):
            await producer.send_and_wait(topic, envelope.to_json_bytes(), key=user_id.encode())
    finally:
        await producer.stop()


async def test_views_are_repaired_from_kafka_after_a_crash(start_org):
    org = await start_org(repair_consumer=True)
    org_id = await org.create_org(admin="alice")
    # a crash between the append and the inline view update: only the commit exists
    stream = f"organisation-{org_id}"
    _, version = await org.ctx.store.fold(stream, None, lambda s, e: s)
    event = MembershipCreated(
        organisation_id=org_id, membership_id=str(uuid.uuid4()), user_id="bob", role="MEMBER"
    )
    await org.ctx.store.append(stream, version, [event])
    bob = org.auth("bob")

    async def repaired() -> bool:
        r = await org.client.get("/me/organisations", headers=bob)
        return [o["id"] for o in r.json()["data"]] == [org_id]

    assert await eventually(repaired, timeout=60)


async def test_account_kind_from_identity_events_gives_the_r32_answer(start_org, new_topic):
    identity_topic = await new_topic("identity.events")
    org = await start_org(identity_events_topic=identity_topic)
    org_id = await org.create_org(admin="admin-1")
    r = await org.client.post(
        f"/organisations/{org_id}/learners/import-siecle",
        content=siecle_xml("0751234A", [Pupil("1111111111A", "Martin", "Léa", "14/03/2009")]),
        headers=org.auth("admin-1"),
    )
    assert r.status_code == 200
    first = {"first_name": "Léa", "last_name": "Martin", "birthdate": "2009-03-14"}
    url = f"/organisations/{org_id}/learners/reconcile"
    assert (await org.client.post(url, json=first, headers=org.auth("lea-gar"))).status_code == 200

    await publish(org, identity_topic, UserRegistered(user_id="lea-gar", method="username"))

    async def known() -> bool:
        return await org.db["account_kinds"].find_one({"_id": "lea-gar"}) is not None

    assert await eventually(known, timeout=60)
    r = await org.client.post(url, json=first, headers=org.auth("someone-else"))
    assert r.status_code == 409
    assert r.json()["short_code"] == "R32"
    assert "identifiant" in r.json()["message"]


async def test_an_erased_account_takes_its_learner_records_with_it(start_org, new_topic):
    """`UserErased`: the learner linked to the account loses every personal field, its
    profile is tombstoned, `LearnerErased` (ids only) is appended; other pupils stay."""
    identity_topic = await new_topic("identity.events")
    org = await start_org(identity_events_topic=identity_topic)
    org_id = await org.create_org(admin="admin-1")
    pupils = [
        Pupil("1111111111A", "Quastelbaum", "Zéphirine", "14/03/2009"),
        Pupil("2222222222B", "Bernard", "Hugo", "02/11/2009"),
    ]
    r = await org.client.post(
        f"/organisations/{org_id}/learners/import-siecle",
        content=siecle_xml("0751234A", pupils),
        headers=org.auth("admin-1"),
    )
    assert r.status_code == 200
    mine = {"first_name": "Zéphirine", "last_name": "Quastelbaum", "birthdate": "2009-03-14"}
    url = f"/organisations/{org_id}/learners/reconcile"
    linked = await org.client.post(url, json=mine, headers=org.auth("u-erased"))
    assert linked.status_code == 200
    learner_id = linked.json()["id"]

    # a redelivery changes nothing
    await publish(org, identity_topic, UserErased(user_id="u-erased"), times=2)

    async def erased() -> bool:
        doc = await org.db["learners"].find_one({"_id": learner_id})
        return doc is not None and doc.get("state") == "erased"

    assert await eventually(erased, timeout=60)
    doc = await org.db["learners"].find_one({"_id": learner_id})
    assert "Quastelbaum" not in str(doc) and "phirine" not in str(doc), doc
    assert [e.event_type for e in await org.events()].count("LearnerErased") == 1
    records = await read_topic(org.infra.kafka_bootstrap, org.settings.profiles_topic, 3)
    assert [r.value for r in records if r.key == learner_id.encode()][-1] is None
    listed = await org.client.get(f"/organisations/{org_id}/learners", headers=org.auth("admin-1"))
    assert [d["last_name"] for d in listed.json()["data"]] == ["Bernard"]

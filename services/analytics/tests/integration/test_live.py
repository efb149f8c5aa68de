"""The live class view on the real database: each participant's answers, progression and last
answer as the projection keeps them (every record delivered twice), who is stuck, and nothing of
a result not sent."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import pymongo
import pytest
from pymongo import AsyncMongoClient

from analytics.adapters.dashboards import Dashboards
from analytics.adapters.live import live
from analytics.adapters.people import People
from analytics.adapters.projections import CampaignsProjection, ParticipationsProjection
from analytics.application.projection import Generation, Record
from analytics.entrypoints.routes.models import LiveView
from orga_shared.content.loader import load_release
from orga_shared.contracts.assessment import (
    AnswerRecorded,
    AssessmentCompleted,
    ParticipationDeleted,
    ParticipationStarted,
)
from orga_shared.contracts.campaign import CampaignCreated
from orga_shared.events.envelope import Envelope

from .feed import NOW, Feed

pytestmark = pytest.mark.integration
TOPIC = "assessment.events"


@pytest.fixture
async def world(infra) -> Any:
    name = f"test_analytics_live_{uuid.uuid4().hex[:8]}"
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(infra.mongo_url, tz_aware=True)
    db = client[name]
    gen = Generation(db, "g1")
    for p in (CampaignsProjection(), ParticipationsProjection()):
        await p.ensure_indexes(gen)
    people = People(
        db, user_profiles_topic="u", learner_profiles_topic="l", participant_ids_topic="i"
    )
    yield Feed(gen, deliveries=2), Dashboards(gen, people, load_release()), people
    await client.close()
    pymongo.MongoClient(infra.mongo_url).drop_database(name)


class Class:
    def __init__(self, feed: Feed, campaign_id: str) -> None:
        self.feed, self.cid = feed, campaign_id
        self.answers: dict[str, int] = {}

    def stream(self, user: str) -> str:
        return f"participant-{self.cid}-{user}"

    async def start(self, user: str, minutes_ago: float, **kw: Any) -> str:
        pid = str(uuid.uuid4())
        await self.feed.send(
            TOPIC,
            self.stream(user),
            0,
            ParticipationStarted(
                participation_id=pid,
                campaign_id=self.cid,
                organisation_id="org",
                user_id=user,
                campaign_type="ASSESSMENT",
                attempt=kw.get("attempt", 1),
                status="STARTED",
                replaces=kw.get("replaces"),
                started_at=NOW - timedelta(minutes=minutes_ago),
            ),
            at=NOW - timedelta(minutes=minutes_ago),
        )
        self.answers[pid] = 0
        return pid

    async def answer(self, user: str, pid: str, minutes_ago: float, progression: float) -> None:
        self.answers[pid] += 1
        await self.feed.send(
            TOPIC,
            self.stream(user),
            0,
            AnswerRecorded(
                participation_id=pid,
                campaign_id=self.cid,
                organisation_id="org",
                user_id=user,
                answer_number=self.answers[pid],
                progression=progression,
            ),
            at=NOW - timedelta(minutes=minutes_ago),
        )

    async def complete(self, user: str, pid: str) -> None:
        await self.feed.send(
            TOPIC,
            self.stream(user),
            0,
            AssessmentCompleted(
                participation_id=pid,
                campaign_id=self.cid,
                organisation_id="org",
                user_id=user,
                answer_count=self.answers[pid],
            ),
        )


async def test_the_live_view_shows_progress_and_who_is_stuck(world) -> None:
    feed, dash, people = world
    cid = str(uuid.uuid4())
    await feed.send(
        "campaign.events",
        f"campaign-{cid}",
        0,
        CampaignCreated(
            campaign_id=cid,
            organisation_id="org",
            code="LIVE12345",
            name="En direct",
            type="ASSESSMENT",
            creator_id="t",
            owner_id="t",
        ),
    )
    for user, first, last in (
        ("u1", "Zoé", "Abel"),
        ("u2", "Léo", "Martin"),
        ("u3", "Ana", "Zidane"),
        ("u4", "Tom", "Berger"),
        ("u5", "Eva", "Colin"),
    ):
        body = f'{{"version": 1, "first_name": "{first}", "last_name": "{last}"}}'
        await people.users.apply(user, body.encode())
    klass = Class(feed, cid)
    # u1: started 20 min ago, last answer 8 min ago (stuck after 5)
    p1 = await klass.start("u1", 20)
    await klass.answer("u1", p1, 12, 0.1)
    await klass.answer("u1", p1, 8, 0.2)
    # u2: answering right now
    p2 = await klass.start("u2", 3)
    await klass.answer("u2", p2, 0.5, 0.15)
    # u3: done, waiting to send: never stuck, progression full
    p3 = await klass.start("u3", 30)
    await klass.answer("u3", p3, 25, 0.5)
    await klass.complete("u3", p3)
    # u4: started 6 min ago, no answer yet (stuck since the start)
    await klass.start("u4", 6)
    # u5: a deleted participation is not shown
    p5 = await klass.start("u5", 2)
    await feed.send(
        TOPIC,
        klass.stream("u5"),
        0,
        ParticipationDeleted(
            participation_id=p5,
            campaign_id=cid,
            organisation_id="org",
            user_id="u5",
            deleted_by="t",
            status="STARTED",
        ),
    )

    campaign = await dash.campaign("org", cid)
    view = await live(dash, campaign, stuck_after_minutes=5, now=NOW)
    LiveView.model_validate(view)
    rows = {r["last_name"]: r for r in view["items"]}
    assert [r["last_name"] for r in view["items"]] == ["Abel", "Berger", "Martin", "Zidane"]
    assert (view["total"], view["started"], view["stuck"]) == (4, 3, 2)
    abel = rows["Abel"]
    assert abel["answer_count"] == 2 and abel["progression"] == 0.2
    assert abel["last_answer_at"] == NOW - timedelta(minutes=8)
    assert abel["stuck_minutes"] == 8 and abel["first_name"] == "Zoé"
    assert rows["Berger"]["answer_count"] == 0 and rows["Berger"]["last_answer_at"] is None
    assert rows["Berger"]["stuck_minutes"] == 6
    assert rows["Martin"]["stuck_minutes"] is None and rows["Martin"]["answer_count"] == 1
    zidane = rows["Zidane"]
    assert zidane["status"] == "TO_SHARE" and zidane["progression"] == 1.0
    assert zidane["stuck_minutes"] is None
    # progress only: nothing of a result
    assert set(abel) == set(LiveView.model_fields["items"].annotation.__args__[0].model_fields)

    # the threshold comes from the caller; 0 shows everyone in progress at once
    view = await live(dash, campaign, stuck_after_minutes=0, now=NOW)
    assert view["stuck"] == 3 and {r["last_name"]: r["stuck_minutes"] for r in view["items"]} == {
        "Abel": 8,
        "Berger": 6,
        "Martin": 0,
        "Zidane": None,
    }

    # a retry replaces the old participation in the view; its answers start again from zero
    p1b = await klass.start("u1", 1, attempt=2, replaces=p1)
    view = await live(dash, campaign, stuck_after_minutes=5, now=NOW)
    abel = next(r for r in view["items"] if r["last_name"] == "Abel")
    assert abel["participation_id"] == p1b and abel["answer_count"] == 0
    assert abel["stuck_minutes"] is None and view["total"] == 4


async def test_an_answer_delivered_late_does_not_move_the_last_answer_back(world) -> None:
    feed, dash, _ = world
    cid = str(uuid.uuid4())
    await feed.send(
        "campaign.events",
        f"campaign-{cid}",
        0,
        CampaignCreated(
            campaign_id=cid,
            organisation_id="org",
            code="LIVE67890",
            name="En direct",
            type="ASSESSMENT",
            creator_id="t",
            owner_id="t",
        ),
    )
    klass = Class(feed, cid)
    pid = await klass.start("u1", 10)
    await klass.answer("u1", pid, 9, 0.1)
    await klass.answer("u1", pid, 2, 0.3)
    # the first answer's record again (a redelivery after a rebalance): an older stream version
    first = AnswerRecorded(
        participation_id=pid,
        campaign_id=cid,
        organisation_id="org",
        user_id="u1",
        answer_number=1,
        progression=0.1,
    )
    env = Envelope(
        event_type=first.event_type,
        schema_version=first.schema_version,
        stream_id=klass.stream("u1"),
        stream_version=2,
        occurred_at=NOW - timedelta(minutes=9),
        producer="test",
        correlation_id="c",
        payload=first.model_dump(mode="json"),
    )
    projection = ParticipationsProjection()
    await projection.apply(feed.gen, Record(env, first, TOPIC, 0, 1))
    await projection.flush(feed.gen)
    doc = await feed.gen.col("participations").find_one({"_id": pid})
    assert doc is not None and doc["last_answer_at"] == NOW - timedelta(minutes=2)
    assert doc["answer_count"] == 2 and doc["progression"] == 0.3
    view = await live(dash, await dash.campaign("org", cid), stuck_after_minutes=5, now=NOW)
    [row] = view["items"]
    assert row["answer_count"] == 2 and row["stuck_minutes"] is None

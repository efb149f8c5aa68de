"""Analytics' projections on the real database, fed records as the projector delivers them
(each one twice: a redelivery changes nothing), and the numbers a teacher sees, computed by hand."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

import pymongo
import pytest
from pymongo import AsyncMongoClient

from analytics.adapters.dashboards import Dashboards
from analytics.adapters.people import People
from analytics.adapters.projections import CampaignsProjection, ParticipationsProjection
from analytics.application.projection import Generation
from orga_shared.content.loader import load_release
from orga_shared.contracts.assessment import (
    AnswerRecorded,
    AssessmentCompleted,
    GroupCount,
    ParticipationDeleted,
    ParticipationStarted,
    ResultsShared,
    SharedStage,
    SkillResult,
)
from orga_shared.contracts.campaign import (
    CampaignCreated,
    FrozenBadge,
    FrozenBadgeCriterion,
    FrozenStage,
    FrozenTarget,
    TargetSkill,
)
from orga_shared.contracts.identity import UserErased

from .feed import NOW, Feed

pytestmark = pytest.mark.integration

SKILLS = (
    TargetSkill(skill_id="@tA1", tube="tA", competence="1.1", difficulty=1),
    TargetSkill(skill_id="@tA2", tube="tA", competence="1.1", difficulty=2),
    TargetSkill(skill_id="@tA3", tube="tA", competence="1.1", difficulty=3),
    TargetSkill(skill_id="@tB2", tube="tB", competence="1.2", difficulty=2),
    TargetSkill(skill_id="@tB4", tube="tB", competence="1.2", difficulty=4),
    TargetSkill(skill_id="@tC1", tube="tC", competence="2.1", difficulty=1),
    TargetSkill(skill_id="@tC5", tube="tC", competence="2.1", difficulty=5),
)
TARGET = FrozenTarget(
    target_profile_id="tp-crafted",
    target_profile_name="Parcours construit à la main",
    content_version="test",
    skills=SKILLS,
    stages=(
        FrozenStage(threshold=0, title="Départ", message=""),
        FrozenStage(threshold=50, title="Milieu", message=""),
        FrozenStage(threshold=80, title="Sommet", message=""),
    ),
    badges=(
        FrozenBadge(
            key="TOP",
            title="Au sommet",
            message="",
            image_url="https://images.example/top.svg",
            criteria=(FrozenBadgeCriterion(scope="CampaignParticipation", threshold=50),),
        ),
    ),
)


def shared(
    pid: str, campaign_id: str, user: str, validated: set[str], at: datetime
) -> ResultsShared:
    skills = tuple(
        SkillResult(
            skill_id=s.skill_id,
            tube=s.tube,
            competence=s.competence,
            difficulty=s.difficulty,
            status="validated" if s.skill_id in validated else "invalidated",
        )
        for s in SKILLS
    )
    rate = round(len(validated) / len(SKILLS), 2)
    groups: dict[str, list[int]] = {}
    for s in skills:
        g = groups.setdefault(s.competence, [0, 0])
        g[0] += s.status == "validated"
        g[1] += 1
    reached = 1 + (rate * 100 >= 50) + (rate * 100 >= 80)
    return ResultsShared(
        participation_id=pid,
        campaign_id=campaign_id,
        organisation_id="org",
        user_id=user,
        shared_at=at,
        skills=skills,
        validated_skills_count=len(validated),
        mastery_rate=rate,
        pix_score=len(validated) * 2,
        competences=tuple(GroupCount(id=c, validated=v, total=t) for c, (v, t) in groups.items()),
        tubes=(),
        stage=SharedStage(threshold=0, title="x", reached=reached, total=3),
        badges=("TOP",) if rate >= 0.5 else (),
    )


@pytest.fixture
async def world(infra) -> Any:
    name = f"test_analytics_{uuid.uuid4().hex[:8]}"
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(infra.mongo_url, tz_aware=True)
    db = client[name]
    gen = Generation(db, "g1")
    for p in (CampaignsProjection(), ParticipationsProjection()):
        await p.ensure_indexes(gen)
    people = People(
        db,
        user_profiles_topic="u",
        learner_profiles_topic="l",
        participant_ids_topic="i",
    )
    yield Feed(gen, deliveries=2), Dashboards(gen, people, load_release()), people
    await client.close()
    pymongo.MongoClient(infra.mongo_url).drop_database(name)


async def start(
    feed: Feed, campaign_id: str, user: str, partition: int, at: datetime, **kw: Any
) -> str:
    pid = str(uuid.uuid4())
    await feed.send(
        "assessment.events",
        f"participant-{campaign_id}-{user}",
        partition,
        ParticipationStarted(
            participation_id=pid,
            campaign_id=campaign_id,
            organisation_id="org",
            user_id=user,
            campaign_type="ASSESSMENT",
            attempt=kw.get("attempt", 1),
            status="STARTED",
            replaces=kw.get("replaces"),
            started_at=at,
        ),
    )
    return pid


async def create_campaign(feed: Feed, code: str) -> str:
    cid = str(uuid.uuid4())
    await feed.send(
        "campaign.events",
        f"campaign-{cid}",
        0,
        CampaignCreated(
            campaign_id=cid,
            organisation_id="org",
            code=code,
            name="Rentrée",
            type="ASSESSMENT",
            creator_id="t",
            owner_id="t",
            target=TARGET,
        ),
    )
    return cid


async def complete_and_share(
    feed: Feed, cid: str, user: str, pid: str, part: int, validated: set[str], at: datetime
) -> None:
    stream = f"participant-{cid}-{user}"
    completed = AssessmentCompleted(
        participation_id=pid, campaign_id=cid, organisation_id="org", user_id=user, answer_count=7
    )
    await feed.send("assessment.events", stream, part, completed)
    await feed.send("assessment.events", stream, part, shared(pid, cid, user, validated, at))


async def test_counts_results_and_the_recommendation_order_computed_by_hand(world) -> None:
    feed, dash, people = world
    cid = await create_campaign(feed, "ABC123DEF")
    for user, first, last in (
        ("u1", "Zoé", "Abel"),
        ("u2", "Léo", "Martin"),
        ("u3", "Ana", "Zidane"),
    ):
        body = f'{{"version": 1, "first_name": "{first}", "last_name": "{last}"}}'
        await people.users.apply(user, body.encode())
    day1, day2 = NOW, NOW + timedelta(days=2)
    p1 = await start(feed, cid, "u1", 0, day1)
    p2 = await start(feed, cid, "u2", 1, day1)
    p3 = await start(feed, cid, "u3", 2, day2)
    stream = f"participant-{cid}-"
    await feed.send(
        "assessment.events",
        stream + "u3",
        2,
        AnswerRecorded(
            participation_id=p3,
            campaign_id=cid,
            organisation_id="org",
            user_id="u3",
            answer_number=1,
            progression=0.286,
        ),
    )
    for user, pid, part, validated in (
        ("u1", p1, 0, {"@tA1", "@tA2", "@tA3", "@tB2"}),
        ("u2", p2, 1, {"@tA1", "@tC1"}),
    ):
        await complete_and_share(feed, cid, user, pid, part, validated, day2)

    campaign = await dash.campaign("org", cid)
    activity = await dash.activity(campaign)
    assert activity["total"] == 3 and activity["shared"] == 2
    assert {s["status"]: s["count"] for s in activity["statuses"]} == {
        "STARTED": 1,
        "TO_SHARE": 0,
        "SHARED": 2,
    }
    assert activity["started"] == [
        {"day": "2026-11-20", "count": 2},
        {"day": "2026-11-22", "count": 3},
    ]
    assert activity["shared_series"] == [
        {"day": "2026-11-20", "count": 0},
        {"day": "2026-11-22", "count": 2},
    ]

    results = await dash.results(campaign)
    # u1: 4/7 = 0.57, u2: 2/7 = 0.29
    assert results["average_result"] == pytest.approx((0.57 + 0.29) / 2)
    buckets = {d["label"]: d["count"] for d in results["distribution"]}
    assert (
        buckets["51 % - 60 %"] == 1 and buckets["21 % - 30 %"] == 1 and sum(buckets.values()) == 2
    )
    assert [s["count"] for s in results["stages"]] == [1, 1, 0]
    assert results["badges"][0]["count"] == 1 and results["badges"][0]["percentage"] == 50

    analysis = await dash.analysis(campaign)
    # by hand (§3.4, max skill level 5):
    # tA: difficulty 30/5*3 = 18; u1 = 40 + 18 + 20 + 10 = 88; u2 = 13.33 + 18 + 6.67 + 5 = 43
    # tB: difficulty 24; u1 = 20 + 24 + 10 + 5 = 59; u2 = 24
    # tC: difficulty 30; u1 = 30; u2 = 8 + 30 + 10 + 2 = 50
    topics = [(t["tube"], t["average_score"], t["label"]) for t in analysis["topics"]]
    assert topics == [
        ("tC", 40.0, "Fortement recommandé"),
        ("tB", 41.5, "Fortement recommandé"),
        ("tA", 65.5, "Recommandé"),
    ]
    competences = {c["competence"]: c for c in analysis["competences"]}
    assert competences["1.1"]["validated_percentage"] == round((3 + 1) / 2 * 100 / 3)

    rows = await dash.participants(
        campaign, status=None, divisions=[], groups=[], search=None, page=1, size=25
    )
    assert [r["last_name"] for r in rows["items"]] == ["Abel", "Martin", "Zidane"]
    page = await dash.participation(campaign, p3)
    assert page["progression"] == 0.286 and page["mastery_rate"] is None

    # a retry: the old sending stays the learner's result until the new one is sent
    p1b = await start(feed, cid, "u1", 0, day2, attempt=2, replaces=p1)
    activity = await dash.activity(campaign)
    assert {s["status"]: s["count"] for s in activity["statuses"]}["SHARED"] == 1
    assert (await dash.results(campaign))["results"] == 2
    await feed.send(
        "assessment.events",
        stream + "u1",
        0,
        AssessmentCompleted(
            participation_id=p1b,
            campaign_id=cid,
            organisation_id="org",
            user_id="u1",
            answer_count=3,
        ),
    )
    await feed.send(
        "assessment.events",
        stream + "u1",
        0,
        shared(p1b, cid, "u1", {"@tA1", "@tA2", "@tA3", "@tB2", "@tB4", "@tC1"}, day2),
    )
    results = await dash.results(campaign)
    assert results["results"] == 2
    assert results["average_result"] == pytest.approx((0.86 + 0.29) / 2)
    rows = await dash.result_rows(campaign, search=None, page=1, size=50)
    abel = next(r for r in rows["items"] if r["last_name"] == "Abel")
    assert abel["shared_count"] == 2 and abel["evolution"] == "increase"

    # a teacher deletes u2's participations: they leave every count
    await feed.send(
        "assessment.events",
        stream + "u2",
        1,
        ParticipationDeleted(
            participation_id=p2,
            campaign_id=cid,
            organisation_id="org",
            user_id="u2",
            deleted_by="t",
            status="SHARED",
        ),
    )
    activity = await dash.activity(campaign)
    assert activity["total"] == 2
    results = await dash.results(campaign)
    assert results["results"] == 1 and results["average_result"] == pytest.approx(0.86)
    # u3 is erased (identity's UserErased): still counted, anonymously, but in no list (ADR 22)
    await feed.send("identity.events", "user-u3", 0, UserErased(user_id="u3"))
    activity = await dash.activity(campaign)
    assert activity["total"] == 2
    rows = await dash.participants(
        campaign, status=None, divisions=[], groups=[], search=None, page=1, size=25
    )
    assert [r["last_name"] for r in rows["items"]] == ["Abel"]
    listed = await dash.campaign_list(
        "org", owner_id=None, archived=False, name="rent", owner_name=None, page=1, size=10
    )
    [row] = listed["items"]
    assert row["participations_count"] == 2 and row["shared_participations_count"] == 1


async def test_an_erased_user_met_before_their_participation_counts_but_is_never_listed(
    world,
) -> None:
    """A replay may read identity's `UserErased` before the erased user's participation events
    (another topic): the figures are the ones the live run showed, the lists hold no row."""
    feed, dash, people = world
    cid = await create_campaign(feed, "ERA123SED")
    await people.users.apply("u1", b'{"version": 1, "first_name": "Zoe", "last_name": "Abel"}')
    await feed.send("identity.events", "user-u9", 0, UserErased(user_id="u9"))
    for user, part, validated in (("u1", 0, {"@tA1", "@tA2"}), ("u9", 1, {"@tA1", "@tC1"})):
        pid = await start(feed, cid, user, part, NOW)
        await complete_and_share(feed, cid, user, pid, part, validated, NOW)

    campaign = await dash.campaign("org", cid)
    activity = await dash.activity(campaign)
    assert (activity["total"], activity["shared"]) == (2, 2)
    results = await dash.results(campaign)
    assert results["results"] == 2 and results["average_result"] == pytest.approx(0.29)
    rows = await dash.participants(
        campaign, status=None, divisions=[], groups=[], search=None, page=1, size=25
    )
    assert [r["last_name"] for r in rows["items"]] == ["Abel"]
    every, _ = await dash.roster(cid)
    assert {p["user_id"] for p in every} == {"u1"}

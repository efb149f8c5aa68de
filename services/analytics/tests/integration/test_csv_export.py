"""Campaign CSV exports through the app, on the real database: records fed to the projections as
the projector delivers them, names in the people collections as the compacted topics bring them,
and the file compared cell by cell (raw, quotes included) with a file written by hand
(`expected/`), for an SCO assessment campaign and a SUP profiles collection."""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import httpx
import pymongo
import pytest
from pymongo import AsyncMongoClient

from analytics.adapters.people import People
from analytics.adapters.projections import CampaignsProjection, ParticipationsProjection
from analytics.application.projection import Generation
from analytics.config import Settings
from analytics.entrypoints.http import create_app
from orga_shared.contracts.assessment import (
    AnswerRecorded,
    AssessmentCompleted,
    CompetenceLevel,
    GroupCount,
    ParticipationDeleted,
    ParticipationStarted,
    ProfileShared,
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
from orga_shared.contracts.organisation import MembershipCreated, OrganisationCreated
from orga_shared.events.envelope import Envelope
from orga_shared.membership import MembershipProjection
from orga_shared.testing.infra import Infra
from orga_shared.testing.tokens import TokenFactory

from .feed import NOW, Feed

pytestmark = pytest.mark.integration

EXPECTED = Path(__file__).parent / "expected"
SKILLS = (
    TargetSkill(skill_id="@tA1", tube="tA", competence="1.1", difficulty=1),
    TargetSkill(skill_id="@tA2", tube="tA", competence="1.1", difficulty=2),
    TargetSkill(skill_id="@tA3", tube="tA", competence="1.1", difficulty=3),
    TargetSkill(skill_id="@tC1", tube="tC", competence="2.1", difficulty=1),
    TargetSkill(skill_id="@tC5", tube="tC", competence="2.1", difficulty=5),
    TargetSkill(skill_id="@tB2", tube="tB", competence="1.2", difficulty=2),
    TargetSkill(skill_id="@tB4", tube="tB", competence="1.2", difficulty=4),
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
        FrozenBadge(
            key="EQ",
            title="=Curieux",
            message="",
            image_url="https://images.example/eq.svg",
            criteria=(FrozenBadgeCriterion(scope="CampaignParticipation", threshold=20),),
        ),
    ),
)


@dataclass
class World:
    feed: Feed
    people: People
    client: httpx.AsyncClient
    tokens: TokenFactory
    memberships: MembershipProjection

    async def organisation(self, oid: str, name: str, kind: str) -> None:
        await self.feed.send(
            "organisation.events",
            f"organisation-{oid}",
            0,
            OrganisationCreated(
                organisation_id=oid,
                name=name,
                type=kind,  # type: ignore[arg-type]
                is_managing_students=True,
            ),
        )

    async def member(self, oid: str, user_id: str) -> None:
        """As `organisation.events` brings it: the kernel's projection of memberships."""
        event = MembershipCreated(
            organisation_id=oid, membership_id=f"m-{user_id}", user_id=user_id, role="MEMBER"
        )
        env = Envelope(
            event_type=event.event_type,
            schema_version=event.schema_version,
            stream_id=f"organisation-{oid}",
            stream_version=1,
            producer="organisation",
            correlation_id="c",
            payload=event.model_dump(mode="json"),
        )
        await self.memberships.handle(env, event)

    async def learner(self, lid: str, oid: str, first: str, last: str, **more: str) -> None:
        body = {
            "learner_id": lid,
            "organisation_id": oid,
            "first_name": first,
            "last_name": last,
            "updated_at": NOW.isoformat(),
            **more,
        }
        await self.people.learners.apply(lid, json.dumps(body).encode())

    async def user(self, uid: str, first: str, last: str) -> None:
        body = {"user_id": uid, "version": 1, "first_name": first, "last_name": last}
        await self.people.users.apply(uid, json.dumps(body).encode())

    async def external_id(self, pid: str, cid: str, value: str) -> None:
        body = {"version": 1, "campaign_id": cid, "participant_external_id": value}
        await self.people.external_ids.apply(pid, json.dumps(body).encode())

    async def export(self, oid: str, cid: str, user_id: str = "teacher") -> httpx.Response:
        return await self.client.get(
            f"/organisations/{oid}/campaigns/{cid}/export.csv",
            headers=self.tokens.headers(user_id),
        )


@pytest.fixture
async def world(infra: Infra) -> AsyncIterator[World]:
    """The app in-process (its routes and dependencies; no consumer is started: the test writes
    what the consumers would have written) on a fresh database."""
    name = f"test_analytics_csv_{uuid.uuid4().hex[:8]}"
    settings = Settings.model_validate(
        {
            "database": name,
            "ORGA_KAFKA_BOOTSTRAP": infra.kafka_bootstrap,
            "ORGA_MONGO_URL": infra.mongo_url,
        }
    )
    app = create_app(settings)
    tokens = TokenFactory()
    app.state.verifier.add_keys(tokens.jwks())
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(infra.mongo_url, tz_aware=True)
    db = client[name]
    gen = Generation(db, "g1")
    for p in (CampaignsProjection(), ParticipationsProjection()):
        await p.ensure_indexes(gen)
    people = People(
        db,
        user_profiles_topic=settings.user_profiles_topic,
        learner_profiles_topic=settings.learner_profiles_topic,
        participant_ids_topic=settings.participant_ids_topic,
    )
    try:
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://t"
        ) as http:
            yield World(Feed(gen), people, http, tokens, MembershipProjection(db))
    finally:
        await client.close()
        await app.state.runtime.client.close()
        pymongo.MongoClient(infra.mongo_url).drop_database(name)


def results(
    pid: str,
    cid: str,
    oid: str,
    user: str,
    validated: set[str],
    at: datetime,
    badges: tuple[str, ...],
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
    return ResultsShared(
        participation_id=pid,
        campaign_id=cid,
        organisation_id=oid,
        user_id=user,
        shared_at=at,
        skills=skills,
        validated_skills_count=len(validated),
        mastery_rate=rate,
        pix_score=len(validated) * 2,
        competences=tuple(GroupCount(id=c, validated=v, total=t) for c, (v, t) in groups.items()),
        tubes=(),
        stage=SharedStage(
            threshold=0, title="x", reached=1 + (rate >= 0.5) + (rate >= 0.8), total=3
        ),
        badges=badges,
    )


async def start(w: World, pid: str, cid: str, oid: str, user: str, at: datetime, **kw: Any) -> None:
    kind = kw.pop("campaign_type", "ASSESSMENT")
    await w.feed.send(
        "assessment.events",
        f"participant-{cid}-{user}",
        0,
        ParticipationStarted(
            participation_id=pid,
            campaign_id=cid,
            organisation_id=oid,
            user_id=user,
            campaign_type=kind,
            status="STARTED" if kind == "ASSESSMENT" else "TO_SHARE",
            started_at=at,
            **{"attempt": 1, **kw},
        ),
    )


async def complete(w: World, pid: str, cid: str, oid: str, user: str) -> None:
    await w.feed.send(
        "assessment.events",
        f"participant-{cid}-{user}",
        0,
        AssessmentCompleted(
            participation_id=pid, campaign_id=cid, organisation_id=oid, user_id=user, answer_count=7
        ),
    )


_CELL = re.compile(r'"(?:[^"]|"")*"|[^;"\n]*')


def raw_cells(text: str) -> list[list[str]]:
    """Lines and cells exactly as written (quotes kept): `;` inside quotes is not a separator."""
    rows: list[list[str]] = []
    for line in text.split("\n")[:-1]:
        cells, i = [], 0
        while True:
            m = _CELL.match(line, i)
            assert m is not None
            cells.append(m.group())
            i = m.end()
            if i >= len(line):
                break
            assert line[i] == ";", f"unexpected {line[i]!r} at {i} in {line!r}"
            i += 1
        rows.append(cells)
    return rows


def compare(actual: str, expected_file: str) -> None:
    expected = (EXPECTED / expected_file).read_text(encoding="utf-8")
    assert actual.endswith("\n") and "\r" not in actual
    got, want = raw_cells(actual), raw_cells(expected)
    header = want[0]
    differences = [
        f"line {i + 1}, column {j + 1} ({header[j] if j < len(header) else '?'}): "
        f"{g!r} != expected {e!r}"
        for i, (gr, er) in enumerate(zip(got, want, strict=False))
        for j, (g, e) in enumerate(zip(gr, er, strict=False))
        if g != e
    ]
    widths = [(i + 1, len(gr), len(er)) for i, (gr, er) in enumerate(zip(got, want, strict=False))]
    assert not differences, "\n".join(differences)
    assert all(a == b for _, a, b in widths), f"cell counts differ: {widths}"
    assert len(got) == len(want), f"{len(got)} lines, expected {len(want)}"


def check_headers(r: httpx.Response, name: str, cid: str) -> None:
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == "text/csv;charset=utf-8"
    assert r.headers["content-encoding"] == "identity"
    disposition = r.headers["content-disposition"]
    found = re.fullmatch(r'attachment; filename="([ -~]+)"; filename\*=UTF-8\'\'(\S+)', disposition)
    assert found, disposition
    stamp = r"\d{4}-\d{2}-\d{2}-\d{4}"  # now, in Paris
    assert re.fullmatch(rf"Resultats-{re.escape(name)}-{cid}-{stamp}\.csv", unquote(found[2]))
    ascii_name = re.escape(re.sub(r'[^ -~]|["\\]', "_", name))
    assert re.fullmatch(rf"Resultats-{ascii_name}-{cid}-{stamp}\.csv", found[1])
    assert r.content.startswith("\ufeff".encode())


async def test_sco_assessment_export_cell_by_cell(world: World) -> None:
    w, oid, cid = world, "org-sco", "camp-sco"
    await w.organisation(oid, 'Collège "Jean Moulin"; Lyon', "SCO")
    await w.member(oid, "teacher")
    await w.feed.send(
        "campaign.events",
        f"campaign-{cid}",
        0,
        CampaignCreated(
            campaign_id=cid,
            organisation_id=oid,
            code="ABC123DEF",
            name="Rentrée 5e",
            type="ASSESSMENT",
            external_id_label="Numéro INE",
            creator_id="teacher",
            owner_id="teacher",
            target=TARGET,
        ),
    )
    await w.learner("l-abel", oid, "Zoé", "Abel", division="5A")
    await w.learner("l-martin", oid, "Léo", "Martin", division="5B")
    await w.learner("l-zidane", oid, "Ana", "Zidane", division="5A")
    await w.learner("l-bernard", oid, "Jules", "Bernard", division="5B")
    await w.user("u-dupont", "Élise", "Dupont")  # no learner: the account's names
    h = timedelta(hours=1)

    # Abel: two sendings (a retry after the first one was sent)
    await start(w, "p-abel-1", cid, oid, "u-abel", NOW, learner_id="l-abel")
    await complete(w, "p-abel-1", cid, oid, "u-abel")
    await w.feed.send(
        "assessment.events",
        f"participant-{cid}-u-abel",
        0,
        results(
            "p-abel-1", cid, oid, "u-abel", {"@tA1", "@tA2", "@tA3", "@tB2"}, NOW + h, ("TOP",)
        ),
    )
    later = NOW + timedelta(days=5)
    await start(
        w, "p-abel-2", cid, oid, "u-abel", later, learner_id="l-abel", attempt=2,
        replaces="p-abel-1",
    )  # fmt: skip
    await complete(w, "p-abel-2", cid, oid, "u-abel")
    six = {"@tA1", "@tA2", "@tA3", "@tB2", "@tB4", "@tC1"}
    await w.feed.send(
        "assessment.events",
        f"participant-{cid}-u-abel",
        0,
        results("p-abel-2", cid, oid, "u-abel", six, later + 2 * h, ("TOP", "EQ")),
    )
    # Martin: started, 2 of 7 skills tested
    await start(w, "p-martin", cid, oid, "u-martin", NOW + 2 * h, learner_id="l-martin")
    await w.feed.send(
        "assessment.events",
        f"participant-{cid}-u-martin",
        0,
        AnswerRecorded(
            participation_id="p-martin",
            campaign_id=cid,
            organisation_id=oid,
            user_id="u-martin",
            answer_number=2,
            progression=2 / 7,
        ),
    )
    # Zidane: completed, not sent
    await start(w, "p-zidane", cid, oid, "u-zidane", NOW + 3 * h, learner_id="l-zidane")
    await complete(w, "p-zidane", cid, oid, "u-zidane")
    # Dupont: sent, in summer time
    summer = datetime(2026, 7, 1, 22, 30, tzinfo=UTC)
    await start(w, "p-dupont", cid, oid, "u-dupont", summer)
    await complete(w, "p-dupont", cid, oid, "u-dupont")
    await w.feed.send(
        "assessment.events",
        f"participant-{cid}-u-dupont",
        0,
        results("p-dupont", cid, oid, "u-dupont", {"@tA1", "@tC1"}, summer + h, ("EQ",)),
    )
    # Bernard: deleted by the teacher, not exported
    await start(w, "p-bernard", cid, oid, "u-bernard", NOW, learner_id="l-bernard")
    await w.feed.send(
        "assessment.events",
        f"participant-{cid}-u-bernard",
        0,
        ParticipationDeleted(
            participation_id="p-bernard",
            campaign_id=cid,
            organisation_id=oid,
            user_id="u-bernard",
            deleted_by="teacher",
            status="STARTED",
        ),
    )
    for pid, value in (
        ("p-abel-1", "123456789AB"),
        ("p-abel-2", "123456789AB"),
        ("p-martin", "2026-0042"),
        ("p-dupont", "=cmd|calc"),
    ):
        await w.external_id(pid, cid, value)

    r = await w.export(oid, cid)
    check_headers(r, "Rentrée 5e", cid)
    compare(r.content.decode("utf-8").removeprefix("\ufeff"), "assessment_sco.csv")

    assert (await w.export(oid, cid, "stranger")).status_code == 403
    await w.member("org-other", "other")
    assert (await w.export("org-other", cid, "other")).status_code == 404

    # the learner page's list: Abel's two attempts, newest first, a result only once sent;
    # Zidane's completed but unsent one has no result
    def learner(lid: str, user_id: str = "teacher") -> Any:
        return w.client.get(
            f"/organisations/{oid}/learners/{lid}/participations",
            headers=w.tokens.headers(user_id),
        )

    abel = (await learner("l-abel")).json()
    assert [(p["attempt"], p["status"], p["improved"]) for p in abel] == [
        (2, "SHARED", False),
        (1, "SHARED", True),
    ]
    assert all(p["campaign_name"] == "Rentrée 5e" for p in abel)
    assert abel[0]["mastery_rate"] is not None
    zidane = (await learner("l-zidane")).json()
    assert [(p["status"], p["mastery_rate"]) for p in zidane] == [("TO_SHARE", None)]
    assert (await learner("l-abel", "stranger")).status_code == 403


async def test_sup_profiles_collection_export_cell_by_cell(world: World) -> None:
    w, oid, cid = world, "org-sup", "camp-sup"
    await w.organisation(oid, "Université de Lyon", "SUP")
    await w.member(oid, "teacher")
    await w.feed.send(
        "campaign.events",
        f"campaign-{cid}",
        0,
        CampaignCreated(
            campaign_id=cid,
            organisation_id=oid,
            code="PRO456XYZ",
            name='Profils "L1"',
            type="PROFILES_COLLECTION",
            creator_id="teacher",
            owner_id="teacher",
        ),
    )
    await w.learner("l-durand", oid, "Paul", "Durand", group="G1", student_number="12345")
    await w.learner("l-petit", oid, "Anne", "Petit", group="+G2", student_number="A-77")
    await w.learner("l-blanc", oid, "Marc", "Blanc")  # no group, no student number
    kind = {"campaign_type": "PROFILES_COLLECTION"}
    await start(w, "p-durand", cid, oid, "u-durand", NOW, learner_id="l-durand", **kind)
    await w.feed.send(
        "assessment.events",
        f"participant-{cid}-u-durand",
        0,
        ProfileShared(
            participation_id="p-durand",
            campaign_id=cid,
            organisation_id=oid,
            user_id="u-durand",
            shared_at=NOW + timedelta(minutes=30),
            competences=(
                CompetenceLevel(competence="1.1", pix=24, level=3),
                CompetenceLevel(competence="1.2", pix=8, level=1),
                CompetenceLevel(competence="2.1", pix=40, level=5),
                CompetenceLevel(competence="3.4", pix=9, level=1),
                CompetenceLevel(competence="5.2", pix=12, level=1),
            ),
            pix_score=93,
            certifiable_competences=5,
            is_certifiable=True,
        ),
    )
    await start(
        w, "p-petit", cid, oid, "u-petit", NOW + timedelta(hours=1), learner_id="l-petit", **kind
    )
    await start(
        w, "p-blanc", cid, oid, "u-blanc", NOW + timedelta(hours=2), learner_id="l-blanc", **kind
    )
    await w.feed.send(
        "assessment.events",
        f"participant-{cid}-u-blanc",
        0,
        ProfileShared(
            participation_id="p-blanc",
            campaign_id=cid,
            organisation_id=oid,
            user_id="u-blanc",
            shared_at=NOW + timedelta(hours=3),
            competences=(CompetenceLevel(competence="4.1", pix=7, level=0),),
            pix_score=7,
            certifiable_competences=0,
            is_certifiable=False,
        ),
    )

    r = await w.export(oid, cid)
    check_headers(r, 'Profils "L1"', cid)
    compare(r.content.decode("utf-8").removeprefix("\ufeff"), "profiles_sup.csv")

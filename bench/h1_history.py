"""H1 — history: the answer path's reads must not grow with the answers already stored.

Answer latency (p50) with `BENCH_H1_LARGE` (1,000,000) answers already in the service's database
÷ the same with `BENCH_H1_SMALL` (10,000). met: ratio ≤ 1.3.

The history is written directly (`insert_many`), in the store's own format: each stored answer
is one commit built by `assessment.adapters.store.commit_document` from the events an answer
writes (`AnswerEvaluated` and `ChallengeAsked`, sealed; `AnswerRecorded`, published), on
`BENCH_H1_ANSWERS_PER_STREAM` answers per participant stream, marked published (as after the
relay). Each stream also gets its snapshot: a copy of a real one the service wrote for a student
who answered `BENCH_H1_TEMPLATE_ANSWERS` (10) times, with the stream's own `_id`, user and
participation ids, so the snapshot collection grows with the history as well (the copies are
smaller than a 40-answer stream's own snapshot would be: a snapshot grows with its answers, and
25,000 of 40 KB would take the local database longer to write than the whole run).

The large database is filled once; the small one afresh each round (the measured answers add
to it, and must stay small beside its 10,000). Per round, back to back and in alternating order,
a fresh service on each database (same release, a new campaign each time) is loaded by wrk with
`BENCH_H1_CONNECTIONS` students (closed loop; one by default, so the latency is the answer's
own and not a queue's: four already saturate the service on the local database).
"""

from __future__ import annotations

import asyncio
import copy
import os
import random
import re
import time
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import bson
import httpx
from pymongo import AsyncMongoClient

from bench.assessment import Assessment, _drop_database, assessment_service, record_database
from bench.g1_answer_throughput import announce, answers_wrk, describe
from bench.harness import (
    Round,
    Settings,
    arun,
    env_int,
    ratio_result,
    run_token,
    write_result,
)
from bench.wrk import ensure_wrk
from bench.wrkload import WrkRun

SMALL = env_int("BENCH_H1_SMALL", 10_000)
LARGE = env_int("BENCH_H1_LARGE", 1_000_000)
GOAL = f"answer p50 with {LARGE:,} stored answers ÷ with {SMALL:,} ≤ 1.3"
PER_STREAM = env_int("BENCH_H1_ANSWERS_PER_STREAM", 40)
CONNECTIONS = env_int("BENCH_H1_CONNECTIONS", 1)
TEMPLATE_ANSWERS = env_int("BENCH_H1_TEMPLATE_ANSWERS", 10)
REUSE = os.environ.get("BENCH_H1_LARGE_DATABASE", "")
"""A database an earlier run filled with `BENCH_H1_LARGE` answers: used as is, never dropped
(filling 1,000,000 takes the local database ~25 minutes and ~7 GB)."""
CHUNK = 2_000


def _answer_events(
    rng: random.Random,
    campaign_id: str,
    organisation_id: str,
    user_id: str,
    participation_id: str,
    assessment_id: str,
    number: int,
    skills: list[Any],
    at: datetime,
) -> list[Any]:
    """The three events an answer writes (assessment.domain.participant's answer decision)."""
    from assessment.domain.sealed import AnswerEvaluated, ChallengeAsked, SealedKnowledge
    from orga_shared.contracts.assessment import AnswerRecorded

    skill = rng.choice(skills)
    following = rng.choice(skills)
    ok = rng.random() < 0.5
    answer_id = f"h1-{uuid.UUID(int=rng.getrandbits(128))}"
    knowledge = tuple(
        SealedKnowledge(
            skill_id=s.skill_id,
            tube=s.tube,
            competence=s.competence,
            status="validated" if ok else "invalidated",
            source="direct" if i == 0 else "inferred",
            earned_pix=1.5 if ok else 0.0,
            created_at=at,
            answer_id=answer_id,
            assessment_id=assessment_id,
        )
        for i, s in enumerate([skill, *rng.sample(skills, rng.randint(0, 2))])
    )
    return [
        AnswerEvaluated(
            participation_id=participation_id,
            answer_id=answer_id,
            challenge_id=f"ch-{skill.skill_id[1:]}-a",
            skill_id=skill.skill_id,
            value="1",
            result="ok" if ok else "ko",
            at=at,
            knowledge=knowledge,
        ),
        AnswerRecorded(
            participation_id=participation_id,
            campaign_id=campaign_id,
            organisation_id=organisation_id,
            user_id=user_id,
            answer_number=number,
            progression=min(1.0, round(number / len(skills), 3)),
        ),
        ChallengeAsked(
            participation_id=participation_id,
            challenge_id=f"ch-{following.skill_id[1:]}-a",
            skill_id=following.skill_id,
        ),
    ]


def shaped_value(challenge: dict[str, Any]) -> str:
    """A value of the shape the challenge's type expects (as bench/lua/students.lua does)."""
    kind = str(challenge.get("type", ""))
    if kind.startswith("QROCM"):
        fields = re.findall(r"\$\{(\w+)", str(challenge.get("proposals", "")))
        return "\n".join(f"{f}: alpha" for f in fields)
    return {"QCM": "1,2", "QROC": "alpha"}.get(kind, "1")


async def _template_snapshot(service: Assessment, settings: Settings) -> dict[str, Any]:
    """A real snapshot: one student joins and answers `TEMPLATE_ANSWERS` times, and the
    snapshot the service wrote for that stream is read back."""
    from assessment.domain.participant import participant_stream

    user = f"{service.students.prefix}-{service.students.issued}"
    token = service.students.tokens(1)[0]
    headers = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(base_url=service.url, timeout=30.0) as client:
        joined = await client.post(
            "/participations", json={"code": service.seeded.code}, headers=headers
        )
        joined.raise_for_status()
        challenge = joined.json()["challenge"]
        for _ in range(TEMPLATE_ANSWERS):
            if challenge is None:
                break
            answered = await client.post(
                f"/campaigns/{service.seeded.campaign_id}/participation/answers",
                json={"challenge_id": challenge["id"], "value": shaped_value(challenge)},
                headers={**headers, "Idempotency-Key": str(uuid.uuid4())},
            )
            answered.raise_for_status()
            challenge = answered.json()["challenge"]
    client_db: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(
        settings.mongo_url, tz_aware=True
    )
    try:
        stream = participant_stream(service.seeded.campaign_id, user)
        doc = await client_db[service.database]["participants"].find_one({"_id": stream})
    finally:
        await client_db.close()
    if doc is None:
        raise LookupError(f"the service wrote no snapshot for {stream}")
    return doc


def _snapshot_copy(
    template: dict[str, Any], stream: str, user_id: str, participation_id: str, version: int
) -> dict[str, Any]:
    doc = copy.deepcopy(template)
    doc.update(
        _id=stream,
        version=version,
        user_id=user_id,
        participation_ids=[participation_id],
        updated_at=datetime.now(UTC),
    )
    return doc


async def prefill(service: Assessment, settings: Settings, answers: int) -> dict[str, Any]:
    """`answers` answer commits (and one snapshot per stream) into the service's database."""
    from assessment.adapters.store import commit_document
    from assessment.domain.participant import participant_stream
    from bench.assessment import campaign_target, synthetic_release

    started = time.perf_counter()
    template = await _template_snapshot(service, settings)
    skills = list(campaign_target(synthetic_release()).skills)
    rng = random.Random(1)
    campaign_id = service.seeded.campaign_id
    organisation_id = service.seeded.organisation_id
    topic = service.topics["events"]
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(settings.mongo_url, tz_aware=True)
    db = client[service.database]
    commits: list[dict[str, Any]] = []
    snapshots: list[dict[str, Any]] = []
    written = streams = 0
    base = datetime.now(UTC) - timedelta(days=30)
    pending: asyncio.Task[Any] | None = None

    async def flush(collection: str, docs: list[dict[str, Any]]) -> None:
        """Insert while the next chunk is built (the database and Python on their own core)."""
        nonlocal pending
        if pending is not None:
            await pending
        pending = asyncio.create_task(db[collection].insert_many(docs, ordered=False))

    try:
        while written < answers:
            user_id = f"bench-history-{streams}"
            participation_id = str(uuid.UUID(int=rng.getrandbits(128)))
            assessment_id = str(uuid.UUID(int=rng.getrandbits(128)))
            stream = participant_stream(campaign_id, user_id)
            count = min(PER_STREAM, answers - written)
            version = 0
            for number in range(1, count + 1):
                at = base + timedelta(seconds=written)
                events = _answer_events(
                    rng,
                    campaign_id,
                    organisation_id,
                    user_id,
                    participation_id,
                    assessment_id,
                    number,
                    skills,
                    at,
                )
                doc, _ = commit_document(
                    stream,
                    version,
                    events,
                    topic=topic,
                    key=stream,
                    producer="assessment",
                    now=at,
                )
                doc["published"] = True  # history: the relay sent it long ago
                commits.append(doc)
                version = doc["last_version"]
                written += 1
            snapshots.append(_snapshot_copy(template, stream, user_id, participation_id, version))
            streams += 1
            if len(commits) >= CHUNK:
                await flush("commits", commits)
                commits = []
            if len(snapshots) >= CHUNK // 10:
                await flush("participants", snapshots)
                snapshots = []
        if commits:
            await flush("commits", commits)
        if snapshots:
            await flush("participants", snapshots)
        if pending is not None:
            await pending
    finally:
        await client.close()
    seconds = time.perf_counter() - started
    print(f"  prefilled {written:,} answers on {streams:,} streams in {seconds:.0f} s", flush=True)
    return {
        "answers": written,
        "streams": streams,
        "seconds": round(seconds, 1),
        "snapshot_copied_bytes": len(bson.encode(template)),
        "snapshot_copied_version": template["version"],
    }


async def measure_on(
    settings: Settings, database: str, label: str, details: dict[str, Any]
) -> WrkRun:
    async with assessment_service(settings, label=label, database=database, drop=False) as svc:
        details.update(describe(svc))
        return await answers_wrk(svc, settings, connections=CONNECTIONS)


async def measure(settings: Settings) -> None:
    if await ensure_wrk() is None:
        raise RuntimeError("wrk is needed (apt-get install wrk)")
    await record_database(settings)
    token = run_token()
    large = REUSE or f"bench_h1_large_{token}"
    made: list[str] = [] if REUSE else [large]
    rounds: list[Round] = []
    details: dict[str, Any] = {}
    fills: dict[str, Any] = {}
    stored = {"large": LARGE, "small": SMALL}  # prefilled, then what the measured runs add
    try:
        if REUSE:
            fills["large"] = {"answers": LARGE, "reused": REUSE}
        else:
            async with assessment_service(
                settings, label="h1fill", database=large, drop=False
            ) as svc:
                fills["large"] = await prefill(svc, settings, LARGE)
        for r in range(settings.rounds):
            print(f"round {r + 1}/{settings.rounds}", flush=True)
            small = f"bench_h1_small_{token}_{r}"
            made.append(small)
            async with assessment_service(
                settings, label="h1fill", database=small, drop=False
            ) as svc:
                fills[f"small_round_{r + 1}"] = await prefill(svc, settings, SMALL)
            stored["small"] = SMALL
            runs: dict[str, WrkRun] = {}
            before: dict[str, int] = {}
            for side in ("small", "large") if r % 2 == 0 else ("large", "small"):
                before[side] = stored[side]
                runs[side] = await measure_on(
                    settings, small if side == "small" else large, f"h1{side}", details
                )
                stored[side] += runs[side].ok  # answers in the window (the warm-up's add more)
                announce(f"~{before[side]:,} answers stored", runs[side])
            await _drop_database(settings.mongo_url, small)
            made.remove(small)
            rounds.append(
                Round(
                    runs["large"].p(50),
                    runs["small"].p(50),
                    {
                        side: {**runs[side].summary(), "answers_stored_before": before[side]}
                        for side in ("large", "small")
                    },
                )
            )
    finally:
        for name in made:
            await _drop_database(settings.mongo_url, name)
    result = ratio_result(
        "H1",
        rounds,
        unit=f"ms (answer p50 with {LARGE:,} answers stored; baseline: with {SMALL:,})",
        goal=GOAL,
        met=lambda ratio, typical: ratio <= 1.3,
        details={
            **details,
            "generator": "wrk + bench/lua/students.lua, one connection per thread",
            "connections": CONNECTIONS,
            "answers_per_stream": PER_STREAM,
            "prefill": fills,
            "warmup_s": settings.warmup,
            "duration_s": settings.duration,
        },
    )
    print(f"  -> {write_result(result)}")


def run() -> None:
    arun(measure(Settings()))

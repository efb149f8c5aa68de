"""G8: the CSV export of a 100,000-participation assessment campaign (docs/benchmarks.md).

Once per run, two fresh databases are prefilled directly (`insert_many`) with what the
projections and the people followers would hold: the organisation (SCO, managing students), the
campaign (8 competences × 4 skills over 5 areas, 4 stages, 2 badges, an external id label), its
participations (80 % shared, 10 % started, 10 % completed not sent; a tenth with a second
sending), a learner, a user and an external id per participation, names in random order. One
database has `BENCH_G8_SMALL` (10,000) participations, the other `BENCH_G8_ROWS` (100,000).

Per round, for each size, a fresh uvicorn process (one worker, `bench/csv_app.py`) serves the real
route; one httpx client streams `GET .../export.csv` and records the time to the first byte and
to the last; the server reports its peak resident memory (VmHWM) afterwards. The baseline is a
bare `csv.writer` (`;`, default quoting) writing the very rows of the export (the cell values the
layout produces, materialised beforehand, 10,000 at a time) to an in-memory text buffer, encoded.

- ratio = export rows/s at 100k ÷ csv.writer rows/s (goal ≥ 0.5);
- memory = peak RSS after the 100k export ÷ after the 10k export (goal ≤ 1.2);
- first byte at 100k (goal ≤ 1 s).
Details also say where the time goes: the export's own serialisation of the same rows without
the database (rows/s), and a raw cursor read of the 100k participation documents (docs/s).
"""

from __future__ import annotations

import csv
import io
import json
import random
import statistics
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from pymongo import AsyncMongoClient

from analytics.adapters.csv_export import BATCH_SIZE, RUN_SIZE, assessment_layout, sort_key
from analytics.adapters.projections import CampaignsProjection, ParticipationsProjection
from analytics.application.projection import Generation
from analytics.domain.csv_format import line
from analytics.domain.scores import key
from bench.harness import (
    Result,
    Round,
    Settings,
    arun,
    detect_database,
    env_int,
    median_of_ratios,
    unique_name,
    write_result,
)
from bench.server import uvicorn_server
from orga_shared.content.loader import load_release
from orga_shared.contracts.campaign import (
    FrozenBadge,
    FrozenBadgeCriterion,
    FrozenStage,
    FrozenTarget,
    TargetSkill,
)
from orga_shared.membership import MembershipProjection, membership_key
from orga_shared.names import fold
from orga_shared.packing import pack
from orga_shared.testing.tokens import TokenFactory

GOAL = "export rows/s ÷ bare csv.writer ≥ 0.5; peak RSS 100k ÷ 10k ≤ 1.2; first byte ≤ 1 s"
Doc = dict[str, Any]
ORG, CAMPAIGN, TEACHER = "org-g8", "campaign-g8", "teacher-g8"
COMPETENCES = ("1.1", "1.2", "1.3", "2.1", "3.1", "3.4", "4.1", "5.1")
FIRST = ("Zoé", "Léo", "Ana", "Jules", "Élise", "Hugo", "Inès", "Paul", "Chloé", "Noé")
LAST = ("Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy")
START = datetime(2026, 9, 1, 7, 0, tzinfo=UTC)


def target() -> FrozenTarget:
    skills = tuple(
        TargetSkill(
            skill_id=f"@s{c.replace('.', '')}_{i}", tube=f"t{c}", competence=c, difficulty=i
        )
        for c in COMPETENCES
        for i in range(1, 5)
    )
    return FrozenTarget(
        target_profile_id="tp-g8",
        target_profile_name="Parcours G8",
        content_version="bench",
        skills=skills,
        stages=tuple(
            FrozenStage(threshold=t, title=f"Palier {t}", message="") for t in (0, 30, 60, 90)
        ),
        badges=tuple(
            FrozenBadge(
                key=k,
                title=f"Badge {k}",
                message="",
                image_url="https://images.example/b.svg",
                criteria=(FrozenBadgeCriterion(scope="CampaignParticipation", threshold=50),),
            )
            for k in ("A", "B")
        ),
    )


def participation(i: int, rng: random.Random, skills: tuple[TargetSkill, ...]) -> Doc:
    created = START + timedelta(minutes=i)
    roll = rng.random()
    status = "SHARED" if roll < 0.8 else ("STARTED" if roll < 0.9 else "TO_SHARE")
    doc: Doc = {
        "_id": f"p-{i:07d}",
        "campaign_id": CAMPAIGN,
        "organisation_id": ORG,
        "user_id": f"u-{i:07d}",
        "learner_id": f"l-{i:07d}",
        "stream": f"{CAMPAIGN}:u-{i:07d}",
        "campaign_type": "ASSESSMENT",
        "attempt": 1,
        "status": status,
        "created_at": created,
        "shared_at": None,
        "improved": False,
        "deleted": False,
        "answer_count": rng.randint(1, 32),
        "progression": round(rng.random(), 4) if status == "STARTED" else 1.0,
        "completed": status != "STARTED",
        "v": 5,
    }
    if status == "SHARED":
        validated = {s.skill_id for s in skills if rng.random() < 0.6}
        per: dict[str, list[int]] = {}
        for s in skills:
            g = per.setdefault(s.competence, [0, 0])
            g[0] += s.skill_id in validated
            g[1] += 1
        rate = round(len(validated) / len(skills), 2)
        doc.update(
            shared_at=created + timedelta(minutes=40),
            mastery_rate=rate,
            validated_skills=len(validated),
            pix_score=2 * len(validated),
            stage_reached=1 + sum(rate * 100 >= t for t in (30, 60, 90)),
            stage_total=4,
            badges=[b for b in ("A", "B") if rate >= 0.5 and rng.random() < 0.7],
            details=pack(  # as analytics' projection packs them
                {
                    "competences": [
                        {"id": c, "validated": v, "total": t} for c, (v, t) in per.items()
                    ],
                    "tubes": [
                        {"id": f"t{c}", "validated": v, "total": t} for c, (v, t) in per.items()
                    ],
                    "skills": {
                        s.skill_id: "validated" if s.skill_id in validated else "invalidated"
                        for s in skills
                    },
                    "tube_scores": {key(f"t{c}"): 50.0 for c in per},
                }
            ),
        )
    return doc


def people_docs(p: Doc, rng: random.Random) -> tuple[Doc, Doc, Doc]:
    first, last = rng.choice(FIRST), f"{rng.choice(LAST)}-{rng.randint(0, 9999):04d}"
    learner = {
        "_id": p["learner_id"],
        "organisation_id": ORG,
        "first_name": first,
        "last_name": last,
        "division": f"5{rng.choice('ABCDE')}",
        "group": None,
        "student_number": None,
        "sort": fold(f"{last} {first}"),
        "version": 1,
    }
    user = {
        "_id": p["user_id"],
        "first_name": first,
        "last_name": last,
        "sort": fold(f"{last} {first}"),
        "version": 1,
    }
    external = {
        "_id": p["_id"],
        "campaign_id": CAMPAIGN,
        "participant_external_id": f"INE{rng.randint(0, 10**9):010d}",
        "version": 1,
    }
    return learner, user, external


def documents(n: int, seed: int = 8) -> tuple[list[Doc], list[Doc], list[Doc], list[Doc]]:
    rng = random.Random(seed)
    skills = target().skills
    parts, learners, users, externals = [], [], [], []
    for i in range(n):
        p = participation(i, rng, skills)
        learner, user, external = people_docs(p, rng)
        parts.append(p)
        learners.append(learner)
        users.append(user)
        externals.append(external)
        if i % 10 == 0 and p["status"] == "SHARED":  # a second sending of the same learner
            again = participation(n + i, rng, skills)
            again.update(
                user_id=p["user_id"], learner_id=p["learner_id"], stream=p["stream"], attempt=2
            )
            p["improved"] = True
            parts.append(again)
            externals.append({**external, "_id": again["_id"]})
    return parts, learners, users, externals


async def prefill(client: AsyncMongoClient[Doc], name: str, n: int) -> tuple[int, float]:
    """A database holding one campaign of `n` learners; (participations, seconds)."""
    db = client[name]
    gen = Generation(db, "g1")
    for projection in (CampaignsProjection(), ParticipationsProjection()):
        await projection.ensure_indexes(gen)
    await MembershipProjection(db).ensure_indexes()
    started = time.perf_counter()
    await gen.col("organisations").insert_one(
        {"_id": ORG, "name": "Collège G8", "type": "SCO", "is_managing_students": True, "v": 1}
    )
    await gen.col("campaigns").insert_one(
        {
            "_id": CAMPAIGN,
            "organisation_id": ORG,
            "code": "GHUIT1234",
            "name": "Campagne G8",
            "type": "ASSESSMENT",
            "external_id_label": "INE",
            "owner_id": TEACHER,
            "creator_id": TEACHER,
            "target": target().model_dump(mode="json"),
            "created_at": START,
            "archived_at": None,
            "deleted": False,
            "v": 1,
        }
    )
    await db["memberships"].insert_one(
        {
            "_id": membership_key(ORG, TEACHER),
            "organisation_id": ORG,
            "user_id": TEACHER,
            "role": "MEMBER",
            "active": True,
            "version": 1,
        }
    )
    parts, learners, users, externals = documents(n)
    for collection, docs in (
        (gen.col("participations"), parts),
        (db["people.learners"], learners),
        (db["people.users"], users),
        (db["people.external_ids"], externals),
    ):
        for i in range(0, len(docs), 5_000):
            await collection.insert_many(docs[i : i + 5_000], ordered=False)
    return len(parts), time.perf_counter() - started


def export_rows(parts: list[Doc], learners: list[Doc], externals: list[Doc]) -> list[list[Any]]:
    """The cell values of the export's rows (as the layout builds them), in its order."""
    campaign = {
        "_id": CAMPAIGN,
        "code": "GHUIT1234",
        "name": "Campagne G8",
        "external_id_label": "INE",
        "target": target().model_dump(mode="json"),
    }
    organisation = {"name": "Collège G8", "type": "SCO", "is_managing_students": True}
    layout = assessment_layout(campaign, organisation, load_release())
    by_learner = {d["_id"]: d for d in learners}
    by_id = {d["_id"]: d for d in externals}
    rows = []
    for p in parts:
        who = {**by_learner[p["learner_id"]], **by_id[p["_id"]]}
        rows.append((sort_key(p, who), layout.row(p, who)))
    rows.sort(key=lambda r: r[0])
    return [r for _, r in rows]


def writer_rate(rows: list[list[Any]]) -> tuple[float, float]:
    """(bare csv.writer rows/s, the export's own serialisation rows/s), same rows."""
    buffer = io.StringIO()
    started = time.perf_counter()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\n")
    writer.writerows(rows)
    buffer.getvalue().encode()
    bare = len(rows) / (time.perf_counter() - started)
    started = time.perf_counter()
    b"".join(line(r).encode() for r in rows)
    ours = len(rows) / (time.perf_counter() - started)
    return bare, ours


async def stream_export(base: str, tokens: TokenFactory) -> Doc:
    url = f"{base}/organisations/{ORG}/campaigns/{CAMPAIGN}/export.csv"
    async with httpx.AsyncClient(timeout=600) as client:
        before = (await client.get(f"{base}/bench/memory")).json()
        headers = tokens.headers(TEACHER)
        started = time.perf_counter()
        first = None
        size = lines = 0
        async with client.stream("GET", url, headers=headers) as response:
            assert response.status_code == 200, await response.aread()
            async for chunk in response.aiter_raw():
                if first is None:
                    first = time.perf_counter() - started
                size += len(chunk)
                lines += chunk.count(b"\n")
        seconds = time.perf_counter() - started
        after = (await client.get(f"{base}/bench/memory")).json()
    return {
        "rows": lines - 1,
        "bytes": size,
        "seconds": round(seconds, 3),
        "first_byte_s": round(first or seconds, 4),
        "rss_before_kib": before["VmRSS"],
        "peak_rss_kib": after["VmHWM"],
    }


async def measure(settings: Settings) -> None:
    rounds = settings.rounds
    big, small = env_int("BENCH_G8_ROWS", 100_000), env_int("BENCH_G8_SMALL", 10_000)
    client: AsyncMongoClient[Doc] = AsyncMongoClient(settings.mongo_url, tz_aware=True)
    database = await detect_database(client)
    tokens = TokenFactory()
    names = {n: unique_name(f"g8_{n}") for n in (small, big)}
    details: Doc = {"sizes": {"small": small, "big": big}, "database": database}
    try:
        for n, name in names.items():
            count, seconds = await prefill(client, name, n)
            print(f"G8 prefill {n} learners: {count} participations in {seconds:.1f} s", flush=True)
            details[f"participations_{n}"] = count
        parts, learners, _, externals = documents(big)
        parts = [p for p in parts if not p.get("deleted")]
        rows = export_rows(parts, learners, externals)
        del parts, learners, externals
        started = time.perf_counter()
        collection = client[names[small]]["g1.participations"]  # the small one: FerretDB is slow
        read = [d async for d in collection.find({}, batch_size=1000)]
        details[f"raw_cursor_docs_per_s_at_{small}"] = round(
            len(read) / (time.perf_counter() - started)
        )
        del read
        results: list[Round] = []
        memory: list[float] = []
        first_bytes: list[float] = []
        for r in range(rounds):
            bare, ours = writer_rate(rows)
            runs: dict[int, Doc] = {}
            for n, name in names.items():
                env = {
                    "BENCH_G8_JWKS": json.dumps(tokens.jwks()),
                    "ORGA_ANALYTICS_DATABASE": name,
                    "ORGA_MONGO_URL": settings.mongo_url,
                }
                async with uvicorn_server(
                    "bench.csv_app:app", env=env, ready_path="/bench/memory"
                ) as b:
                    runs[n] = await stream_export(b, tokens)
            rate = runs[big]["rows"] / runs[big]["seconds"]
            ram = runs[big]["peak_rss_kib"] / runs[small]["peak_rss_kib"]
            memory.append(ram)
            first_bytes.append(runs[big]["first_byte_s"])
            results.append(
                Round(
                    rate,
                    bare,
                    {
                        "serialisation_rows_per_s": round(ours),
                        "peak_rss_ratio": round(ram, 3),
                        "export_small": runs[small],
                        "export_big": runs[big],
                    },
                )
            )
            print(
                f"G8 round {r + 1}: export {rate:,.0f} rows/s, csv.writer {bare:,.0f} rows/s "
                f"(ratio {rate / bare:.3f}); serialisation alone {ours:,.0f} rows/s; peak RSS "
                f"{runs[big]['peak_rss_kib'] / 1024:.0f} MiB vs "
                f"{runs[small]['peak_rss_kib'] / 1024:.0f} MiB ({ram:.2f}); "
                f"first byte {runs[big]['first_byte_s'] * 1000:.0f} ms",
                flush=True,
            )
        ratio, typical = median_of_ratios(results)
        ram, first = statistics.median(memory), statistics.median(first_bytes)
        details.update(
            peak_rss_ratio=round(ram, 3),
            first_byte_s=first,
            run_size=RUN_SIZE,
            batch_size=BATCH_SIZE,
        )
        result = Result(
            id="G8",
            value=typical.value,
            baseline=typical.baseline,
            ratio=ratio,
            unit="rows/s",
            goal=GOAL,
            met=ratio >= 0.5 and ram <= 1.2 and first <= 1.0,
            details=details,
            rounds=[
                {"value": x.value, "baseline": x.baseline, "ratio": x.ratio, **x.details}
                for x in results
            ],
        )
        print(f"G8: wrote {write_result(result)}")
    finally:
        for name in names.values():
            await client.drop_database(name)
        await client.close()


def run() -> None:
    arun(measure(Settings()))


if __name__ == "__main__":
    run()

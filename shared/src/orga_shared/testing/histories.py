"""A realistic history of one campaign, as assessment and campaign publish it, for the tests and
benchmarks that replay it through analytics' projections (same seed, same history)."""

from __future__ import annotations

import asyncio
import random
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

from orga_shared.content.freeze import freeze_target
from orga_shared.content.loader import load_release
from orga_shared.contracts.assessment import (
    AnswerRecorded,
    AssessmentCompleted,
    GroupCount,
    ParticipationStarted,
    ResultsShared,
    SharedStage,
    SkillResult,
)
from orga_shared.contracts.campaign import CampaignCreated
from orga_shared.events.envelope import DomainEvent, Envelope
from orga_shared.messaging.producer import make_producer

PRODUCER = "history"


def history(n: int, seed: int = 7, answers: int = 30) -> Iterator[tuple[bytes, bytes]]:
    """(key, value) of about `n` real envelopes, as assessment and campaign publish them: one
    campaign, then participants (keyed by user) who start, answer `answers` times (interleaved
    with others), complete and send. Same seed, same history."""
    rng = random.Random(seed)
    release = load_release()
    target = freeze_target(release, release.profiles["tp-1.1"])
    campaign_id = str(uuid.UUID(int=rng.getrandbits(128)))
    base = datetime(2026, 9, 1, tzinfo=UTC)
    versions: dict[str, int] = {}

    def envelope(stream: str, event: DomainEvent) -> bytes:
        versions[stream] = versions.get(stream, 0) + 1
        return Envelope(
            event_id=str(uuid.UUID(int=rng.getrandbits(128))),
            event_type=event.event_type,
            schema_version=event.schema_version,
            stream_id=stream,
            stream_version=versions[stream],
            producer=PRODUCER,
            correlation_id=str(uuid.UUID(int=rng.getrandbits(128))),
            payload=event.model_dump(mode="json"),
        ).to_json_bytes()

    created = CampaignCreated(
        campaign_id=campaign_id,
        organisation_id="org-bench",
        code="BENCHRPLY",
        name="Campagne rejouée",
        type="ASSESSMENT",
        creator_id="teacher",
        owner_id="teacher",
        target=target,
    )
    yield campaign_id.encode(), envelope(f"campaign-{campaign_id}", created)
    sent, active = 1, list[list[Any]]()
    learner = 0
    while sent < n:
        if len(active) < 50:
            learner += 1
            active.append([f"user-{learner}", str(uuid.UUID(int=rng.getrandbits(128))), 0])
        slot = rng.randrange(len(active))
        user, pid, done = active[slot]
        stream = f"participant-{campaign_id}-{user}"
        ids = {
            "participation_id": pid,
            "campaign_id": campaign_id,
            "organisation_id": "org-bench",
            "user_id": user,
        }
        at = base + timedelta(minutes=learner)
        events: list[DomainEvent]
        if done == 0:
            events = [
                ParticipationStarted(
                    **ids, campaign_type="ASSESSMENT", attempt=1, status="STARTED", started_at=at
                )
            ]
        elif done <= answers:
            events = [AnswerRecorded(**ids, answer_number=done, progression=done / (answers + 1))]
        else:
            validated = {s.skill_id for s in target.skills if rng.random() < 0.5}
            skills = tuple(
                SkillResult(
                    skill_id=s.skill_id,
                    tube=s.tube,
                    competence=s.competence,
                    difficulty=s.difficulty,
                    status="validated" if s.skill_id in validated else "invalidated",
                )
                for s in target.skills
            )
            per: dict[str, list[int]] = {}
            for s in skills:
                c = per.setdefault(s.competence, [0, 0])
                c[0] += s.status == "validated"
                c[1] += 1
            events = [
                AssessmentCompleted(**ids, answer_count=answers),
                ResultsShared(
                    **ids,
                    shared_at=at + timedelta(minutes=20),
                    skills=skills,
                    validated_skills_count=len(validated),
                    mastery_rate=round(len(validated) / len(skills), 2),
                    pix_score=len(validated),
                    competences=tuple(
                        GroupCount(id=k, validated=v, total=t) for k, (v, t) in per.items()
                    ),
                    tubes=(),
                    stage=SharedStage(threshold=0, title="Départ", reached=1, total=1),
                ),
            ]
            active.pop(slot)
        for event in events:
            yield user.encode(), envelope(stream, event)
            sent += 1
        if done <= answers:
            active[slot][2] = done + 1 if active and active[slot][0] == user else done


async def produce_history(bootstrap: str, topic: str, n: int, seed: int = 7) -> None:
    producer = make_producer(bootstrap, "history")
    await producer.start()
    try:
        pending = []
        for key, value in history(n, seed):
            pending.append(await producer.send(topic, value=value, key=key))
            if len(pending) >= 20_000:
                await asyncio.gather(*pending)
                pending = []
        await asyncio.gather(*pending)
    finally:
        await producer.stop()

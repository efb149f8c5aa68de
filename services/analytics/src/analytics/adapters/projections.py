"""Analytics' projections: documents pre-computed from events, exact after any redelivery
(docs/adr/0017-analytics-projections.md).

Collections of a generation (`Generation.col`):
- `campaigns`: a campaign's facts (name, code, type, owner, target, archive) and `organisations`
  (name, type, managing students), version-guarded by the stream version.
- `participations`: one document per participation (status, dates, progression and answers
  with the time of the last one — what the live view reads —, improved /
  deleted, and once shared the frozen results of `ResultsShared` / `ProfileShared`, their
  per-competence, per-topic and per-skill details packed in `details`), guarded by the
  participant stream's version.
- `roster`: the same participations without their details (what the lists read).
- `participants`: one per participant stream (a learner in a campaign): its *contribution* to the
  campaign's counters (current status, start and send days, latest shared result) and the stream
  version applied last.
- `counters`: per campaign **and per topic-partition** (`<campaign>|<topic>:<partition>`): sums
  of the contributions (participants by status, results, mastery buckets, stages, badges,
  competences, topics' relevance scores). A campaign's participants are keyed by user, so they
  spread over every partition; one document per partition has one writer, and a read sums them.
- `days`: per campaign, partition and day (Europe/Paris): started and sent counts.

Exactly once: for an event, the counters (and days) are written first with `$inc` of
(new contribution − old contribution), guarded by the record's offset (`offset < o`), then the
participation documents (version-guarded), then the participant document with the new
contribution. A crash in between leaves the participant document old, so a redelivery computes the
same delta, which the offset guard then skips where it was already applied.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from pymongo import ASCENDING
from pymongo.errors import DuplicateKeyError

from analytics.application.projection import Generation, Record
from analytics.domain.scores import key, mastery_bucket, tube_score
from orga_shared.contracts.assessment import (
    AnswerRecorded,
    AssessmentCompleted,
    ImprovementStarted,
    ParticipationDeleted,
    ParticipationEvent,
    ParticipationStarted,
    ProfileShared,
    ResultsShared,
    SkillResult,
)
from orga_shared.contracts.campaign import (
    CampaignArchived,
    CampaignCreated,
    CampaignDeleted,
    CampaignUnarchived,
    CampaignUpdated,
)
from orga_shared.contracts.identity import UserErased
from orga_shared.contracts.organisation import OrganisationCreated
from orga_shared.packing import pack, unpack

Doc = dict[str, Any]
PARIS = ZoneInfo("Europe/Paris")


def details(participation: Doc) -> Doc:
    """A sent participation's details (per competence, topic and skill; per competence levels
    of a profile), packed in one value: the lists never read them (`orga_shared.packing`)."""
    raw = participation.get("details")
    return unpack(raw) if raw else {}


def day_of(at: datetime | None) -> str | None:
    return None if at is None else at.astimezone(PARIS).date().isoformat()


async def guarded_set(col: Any, _id: str, version: int, fields: Doc) -> None:
    """`$set` on one document unless it already holds this version or a newer one."""
    try:
        await col.update_one(
            {"_id": _id, "v": {"$lt": version}}, {"$set": {**fields, "v": version}}, upsert=True
        )
    except DuplicateKeyError:
        pass  # a newer version is there


class CampaignsProjection:
    event_types = frozenset(
        {
            "CampaignCreated",
            "CampaignUpdated",
            "CampaignArchived",
            "CampaignUnarchived",
            "CampaignDeleted",
            "OrganisationCreated",
        }
    )

    async def ensure_indexes(self, gen: Generation) -> None:
        await gen.col("campaigns").create_index(
            [("organisation_id", ASCENDING), ("deleted", ASCENDING)], name="by_organisation"
        )

    async def apply(self, gen: Generation, record: Record) -> None:
        event, env = record.event, record.envelope
        campaigns, v = gen.col("campaigns"), env.stream_version
        match event:
            case CampaignCreated():
                await guarded_set(
                    campaigns,
                    event.campaign_id,
                    v,
                    {
                        "organisation_id": event.organisation_id,
                        "code": event.code,
                        "name": event.name,
                        "type": event.type,
                        "title": event.title,
                        "external_id_label": event.external_id_label,
                        "external_id_type": event.external_id_type,
                        "multiple_sendings": event.multiple_sendings,
                        "owner_id": event.owner_id,
                        "creator_id": event.creator_id,
                        "target": event.target.model_dump(mode="json") if event.target else None,
                        "created_at": env.occurred_at,
                        "archived_at": None,
                        "deleted": False,
                    },
                )
            case CampaignUpdated():
                changed: Doc = {
                    f: getattr(event, f)
                    for f in ("name", "title", "owner_id")
                    if getattr(event, f) is not None
                }
                if event.clear_title:
                    changed["title"] = None
                await guarded_set(campaigns, event.campaign_id, v, changed)
            case CampaignArchived():
                await guarded_set(campaigns, event.campaign_id, v, {"archived_at": env.occurred_at})
            case CampaignUnarchived():
                await guarded_set(campaigns, event.campaign_id, v, {"archived_at": None})
            case CampaignDeleted():
                await guarded_set(campaigns, event.campaign_id, v, {"deleted": True})
            case OrganisationCreated():
                await guarded_set(
                    gen.col("organisations"),
                    event.organisation_id,
                    v,
                    {
                        "name": event.name,
                        "type": event.type,
                        "is_managing_students": event.is_managing_students,
                    },
                )


def _flatten(prefix: str, values: Mapping[str, float]) -> dict[str, float]:
    return {f"{prefix}.{key(k)}": x for k, x in values.items()}


def contribution_numbers(c: Doc) -> dict[str, float]:
    """A participant's contribution as the counter fields it adds to."""
    out: dict[str, float] = {}
    if c.get("participants"):
        out["participants"] = 1
    if c.get("status"):
        out[f"status.{c['status']}"] = 1
    r = c.get("result")
    if r:
        out["results"] = 1
        out["mastery_sum"] = r.get("mastery", 0.0)
        out["validated_sum"] = r.get("validated", 0)
        out["pix_sum"] = r.get("pix", 0)
        out[f"buckets.{r['bucket']}"] = 1 if r.get("bucket") else 0
        if r.get("stage"):
            out[f"stages.{r['stage']}"] = 1
        if r.get("certifiable"):
            out["certifiable"] = 1
        out.update(_flatten("badges", {b: 1 for b in r.get("badges", [])}))
        out.update(_flatten("competences", r.get("competences", {})))
        out.update(_flatten("tubes", r.get("tubes", {})))
    return {k: v for k, v in out.items() if v}


def delta(old: Doc, new: Doc) -> dict[str, float]:
    a, b = contribution_numbers(old), contribution_numbers(new)
    changed = {k: b.get(k, 0) - a.get(k, 0) for k in set(a) | set(b)}
    return {k: v for k, v in changed.items() if v}


def day_delta(old: Doc, new: Doc) -> dict[tuple[str, str], int]:
    out: dict[tuple[str, str], int] = {}
    for field in ("started_day", "shared_day"):
        kind = field.split("_")[0]
        if old.get(field) != new.get(field):
            if old.get(field):
                out[(old[field], kind)] = out.get((old[field], kind), 0) - 1
            if new.get(field):
                out[(new[field], kind)] = out.get((new[field], kind), 0) + 1
    return {k: v for k, v in out.items() if v}


def shared_result(event: ResultsShared) -> Doc:
    """What one sending adds to the campaign's results (latest sending per learner). The event
    lists every target skill with its tube and difficulty, so nothing else is needed (a campaign
    event may arrive later than the assessment events of another topic)."""
    validated = {s.skill_id for s in event.skills if s.status == "validated"}
    max_level = max((s.difficulty for s in event.skills), default=0)
    by_tube: dict[str, list[SkillResult]] = {}
    for s in event.skills:
        by_tube.setdefault(s.tube, []).append(s)
    return {
        "mastery": event.mastery_rate,
        "validated": event.validated_skills_count,
        "pix": event.pix_score,
        "bucket": mastery_bucket(event.mastery_rate),
        "stage": event.stage.reached if event.stage else None,
        "badges": list(event.badges),
        "competences": {key(c.id): c.validated for c in event.competences},
        "tubes": {
            key(t): tube_score(skills, validated, max_level) for t, skills in by_tube.items()
        },
    }


ROSTER_FIELDS = frozenset(
    {
        "campaign_id",
        "organisation_id",
        "stream",
        "user_id",
        "learner_id",
        "campaign_type",
        "attempt",
        "status",
        "created_at",
        "shared_at",
        "improved",
        "deleted",
        "completed",
        "mastery_rate",
        "pix_score",
        "is_certifiable",
        "certifiable_competences",
        "badges",
        "stage_reached",
        "stage_total",
    }
)
"""What the lists read (participants, results per learner, learners, places): the
participation without its per-skill, per-competence and per-topic details, so a list of a
20,000-participation campaign reads small documents."""


class ParticipationsProjection:
    event_types = frozenset(
        {
            "UserErased",
            "ParticipationStarted",
            "AnswerRecorded",
            "AssessmentCompleted",
            "ImprovementStarted",
            "ResultsShared",
            "ProfileShared",
            "ParticipationDeleted",
        }
    )

    async def ensure_indexes(self, gen: Generation) -> None:
        participations = gen.col("participations")
        await participations.create_index([("campaign_id", ASCENDING)], name="by_campaign")
        await participations.create_index([("stream", ASCENDING)], name="by_stream")
        await participations.create_index(
            [("organisation_id", ASCENDING), ("learner_id", ASCENDING)], name="by_learner"
        )
        roster = gen.col("roster")
        await roster.create_index([("campaign_id", ASCENDING)], name="by_campaign")
        await roster.create_index([("organisation_id", ASCENDING)], name="by_organisation")
        await roster.create_index(
            [("organisation_id", ASCENDING), ("learner_id", ASCENDING)], name="by_learner"
        )
        await roster.create_index([("stream", ASCENDING)], name="by_stream")
        await gen.col("counters").create_index([("campaign_id", ASCENDING)], name="by_campaign")
        await gen.col("counters").create_index(
            [("organisation_id", ASCENDING)], name="by_organisation"
        )
        await gen.col("participants").create_index([("user_id", ASCENDING)], name="by_user")
        await gen.col("days").create_index([("campaign_id", ASCENDING)], name="by_campaign")

    def __init__(self) -> None:
        self._answers: dict[tuple[str, str], tuple[int, Doc]] = {}
        """Answers not yet written, per (generation, participation): the latest one only."""

    async def flush(self, gen: Generation) -> None:
        """Write the answers held back: one write per participation, not per answer (the bulk
        of the history). The projector calls it at the end of every batch, before committing
        the batch's offsets; any other event of the projection flushes first, so they stay in
        order."""
        pending = [(pid, v, f) for (g, pid), (v, f) in self._answers.items() if g == gen.name]
        for pid, _, _ in pending:
            del self._answers[(gen.name, pid)]
        for pid, v, fields in pending:
            await guarded_set(gen.col("participations"), pid, v, fields)

    def discard(self) -> None:
        """A failed batch is read again: what it held back is forgotten."""
        self._answers.clear()

    async def apply(self, gen: Generation, record: Record) -> None:
        event, env = record.event, record.envelope
        v = env.stream_version
        if isinstance(event, AnswerRecorded):
            slot = (gen.name, event.participation_id)
            held = self._answers.get(slot)
            if held is None or held[0] < v:
                fields = {
                    "answer_count": event.answer_number,
                    "progression": event.progression,
                    "last_answer_at": env.occurred_at,
                }
                self._answers[slot] = (v, fields)
            return
        await self.flush(gen)
        if isinstance(event, UserErased):
            await self._erase(gen, record, event.user_id)
            return
        if not isinstance(event, ParticipationEvent):
            return
        stream = f"{event.campaign_id}:{event.user_id}"
        participants = gen.col("participants")
        doc = await participants.find_one({"_id": stream}) or {}
        if doc.get("v", 0) >= v:
            return  # applied whole already
        # an erased user's participations still count, anonymously, but are never listed
        # (docs/adr/0022-erasure-and-compaction.md): whether the erasure came first (a replay
        # meets it on another topic) or later, the counts and the lists end up the same
        erased = bool(doc.get("erased")) or bool(
            await gen.col("erased_users").find_one({"_id": event.user_id})
        )
        old: Doc = doc.get("contribution", {})
        new = dict(old)
        writes: list[tuple[str, Doc]] = []  # participation documents to set
        match event:
            case ParticipationStarted():
                started = day_of(event.started_at)
                new = {
                    "participants": 1,
                    "status": event.status,
                    "started_day": started,
                    "shared_day": None,
                    "result": old.get("result"),
                }
                if event.replaces:
                    writes.append((event.replaces, {"improved": True}))
                writes.append(
                    (
                        event.participation_id,
                        {
                            "campaign_id": event.campaign_id,
                            "organisation_id": event.organisation_id,
                            "user_id": event.user_id,
                            "learner_id": event.learner_id,
                            "stream": stream,
                            "campaign_type": event.campaign_type,
                            "attempt": event.attempt,
                            "status": event.status,
                            "created_at": event.started_at,
                            "shared_at": None,
                            "improved": False,
                            "deleted": False,
                            "answer_count": 0,
                            "progression": 0.0,
                            "completed": event.campaign_type != "ASSESSMENT",
                        },
                    )
                )
            case AssessmentCompleted():
                new["status"] = "TO_SHARE"
                writes.append(
                    (
                        event.participation_id,
                        {"status": "TO_SHARE", "completed": True, "progression": 1.0},
                    )
                )
            case ImprovementStarted():
                new["status"] = "STARTED"
                writes.append((event.participation_id, {"status": "STARTED", "completed": False}))
            case ResultsShared():
                result = shared_result(event)
                new.update(status="SHARED", shared_day=day_of(event.shared_at), result=result)
                writes.append(
                    (
                        event.participation_id,
                        {
                            "status": "SHARED",
                            "shared_at": event.shared_at,
                            "mastery_rate": event.mastery_rate,
                            "validated_skills": event.validated_skills_count,
                            "pix_score": event.pix_score,
                            "stage_reached": event.stage.reached if event.stage else None,
                            "stage_total": event.stage.total if event.stage else None,
                            "badges": list(event.badges),
                            "details": pack(
                                {
                                    "competences": [c.model_dump() for c in event.competences],
                                    "tubes": [t.model_dump() for t in event.tubes],
                                    "skills": {s.skill_id: s.status for s in event.skills},
                                    "tube_scores": result["tubes"],
                                }
                            ),
                        },
                    )
                )
            case ProfileShared():
                result = {
                    "pix": event.pix_score,
                    "certifiable": event.is_certifiable,
                    "bucket": None,
                    "mastery": 0.0,
                    "validated": 0,
                }
                new.update(status="SHARED", shared_day=day_of(event.shared_at), result=result)
                writes.append(
                    (
                        event.participation_id,
                        {
                            "status": "SHARED",
                            "shared_at": event.shared_at,
                            "pix_score": event.pix_score,
                            "is_certifiable": event.is_certifiable,
                            "certifiable_competences": event.certifiable_competences,
                            "details": pack(
                                {"competence_levels": [c.model_dump() for c in event.competences]}
                            ),
                        },
                    )
                )
            case ParticipationDeleted():
                new = {}
        campaign_id = event.campaign_id
        counters = gen.col("counters")
        changes = delta(old, new)
        if changes:
            await self._inc(
                counters,
                f"{campaign_id}|{record.tp}",
                record.offset,
                changes,
                {"campaign_id": campaign_id, "organisation_id": event.organisation_id},
            )
        for (day, kind), n in day_delta(old, new).items():
            await self._inc(
                gen.col("days"),
                f"{campaign_id}|{record.tp}|{day}",
                record.offset,
                {kind: n},
                {"campaign_id": campaign_id, "day": day},
            )
        for name in ("participations", "roster") if not erased else ():
            col = gen.col(name)
            if isinstance(event, ParticipationDeleted):
                await col.update_many(
                    {"stream": stream, "v": {"$lt": v}}, {"$set": {"deleted": True, "v": v}}
                )
            for pid, fields in writes:
                if name == "roster":
                    fields = {k: x for k, x in fields.items() if k in ROSTER_FIELDS}
                await guarded_set(col, pid, v, fields)
        await participants.update_one(
            {"_id": stream},
            {
                "$set": {
                    "contribution": new,
                    "v": v,
                    "campaign_id": campaign_id,
                    "organisation_id": event.organisation_id,
                    "user_id": event.user_id,
                    "erased": erased,
                }
            },
            upsert=True,
        )

    async def _erase(self, gen: Generation, record: Record, user_id: str) -> None:
        """UserErased: the user's participations stay in every count, anonymously (the real
        service keeps them with a null user id, docs/domain/pix-orga.md §2.1), and leave every
        list; later records of theirs (a replay may meet them after the erasure) are counted,
        never listed (docs/adr/0022-erasure-and-compaction.md)."""
        await gen.col("erased_users").update_one(
            {"_id": user_id}, {"$set": {"at": record.envelope.occurred_at}}, upsert=True
        )
        async for doc in gen.col("participants").find({"user_id": user_id}):
            if doc.get("erased"):
                continue
            for name in ("participations", "roster"):
                await gen.col(name).delete_many({"stream": doc["_id"]})
            await gen.col("participants").update_one(
                {"_id": doc["_id"]}, {"$set": {"erased": True}}
            )

    @staticmethod
    async def _inc(col: Any, _id: str, offset: int, changes: Doc, fixed: Doc) -> None:
        try:
            await col.update_one(
                {"_id": _id, "offset": {"$lt": offset}},
                {"$inc": changes, "$set": {**fixed, "offset": offset}},
                upsert=True,
            )
        except DuplicateKeyError:
            pass  # this record's offset was applied already

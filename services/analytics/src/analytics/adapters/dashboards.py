"""The reads behind the teacher's dashboards: a handful of index-served reads of pre-computed
documents each (counters and days summed over partitions, participation documents of one
campaign, people by `_id $in`), never a scan of events (docs/domain/pix-orga.md §1.9, §3, §8).
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

from analytics.adapters.people import People
from analytics.adapters.projections import details
from analytics.application.projection import Generation
from analytics.domain.scores import BUCKET_LABELS, evolution, key, recommendation
from orga_shared.content.models import Release
from orga_shared.content.stages import reached_stage
from orga_shared.contracts.campaign import FrozenTarget
from orga_shared.names import fold, matches_search

Doc = dict[str, Any]
STATUS_LABELS = {
    "STARTED": "En cours",
    "TO_SHARE": "En attente d'envoi",
    "SHARED": "Résultats reçus",
}


def _sum(
    docs: list[Doc],
    skip: frozenset[str] = frozenset({"_id", "campaign_id", "organisation_id", "offset", "day"}),
) -> Doc:
    """Sum counter documents field by field (nested one level: `status.SHARED`, `badges.x`)."""
    total: Doc = defaultdict(float)
    nested: dict[str, Doc] = defaultdict(lambda: defaultdict(float))
    for d in docs:
        for k, v in d.items():
            if k in skip:
                continue
            if isinstance(v, dict):
                for sub, x in v.items():
                    nested[k][sub] += x
            elif isinstance(v, int | float):
                total[k] += v
    out: Doc = dict(total)
    out.update({k: dict(v) for k, v in nested.items()})
    return out


class RosterCache:
    """A campaign's roster joined with its people, kept between requests while nothing changed.

    Lists (participants, results per learner) sort by name, and names live apart from the
    projections (ADR 17), so a list reads the whole roster and its people: O(participations).
    The joined rows are kept per generation and campaign, and used again while the campaign's
    counter documents show the same offsets (any participation event moves one) and for at most
    `ttl` seconds (a renamed learner shows within that delay). Paging, filtering and sorting then
    work on rows in memory.
    """

    def __init__(self, ttl: float = 30.0, size: int = 64) -> None:
        self.ttl = ttl
        self.size = size
        self._rows: dict[tuple[str, str], tuple[Any, float, list[Doc], dict[str, Doc]]] = {}
        self.hits = 0
        self.misses = 0

    def get(self, key: tuple[str, str], signature: Any) -> tuple[list[Doc], dict[str, Doc]] | None:
        found = self._rows.get(key)
        if found is None or found[0] != signature or time.monotonic() - found[1] > self.ttl:
            self.misses += 1
            return None
        self.hits += 1
        return found[2], found[3]

    def put(
        self, key: tuple[str, str], signature: Any, rows: list[Doc], people: dict[str, Doc]
    ) -> None:
        if len(self._rows) >= self.size:
            oldest = min(self._rows, key=lambda k: self._rows[k][1])
            del self._rows[oldest]
        self._rows[key] = (signature, time.monotonic(), rows, people)


class Dashboards:
    def __init__(
        self, gen: Generation, people: People, release: Release, cache: RosterCache | None = None
    ) -> None:
        self.gen = gen
        self.people = people
        self.release = release
        self.cache = cache or RosterCache(ttl=0)
        self.names = {c.code: c.name for a in release.areas for c in a.competences}
        self.colors = {c.code: a.color for a in release.areas for c in a.competences}

    # --- campaigns ---------------------------------------------------------------------------

    async def campaign(self, organisation_id: str, campaign_id: str) -> Doc | None:
        doc = await self.gen.col("campaigns").find_one({"_id": campaign_id})
        if doc is None or doc.get("organisation_id") != organisation_id or doc.get("deleted"):
            return None
        return doc

    async def counters(self, campaign_id: str) -> Doc:
        return _sum([d async for d in self.gen.col("counters").find({"campaign_id": campaign_id})])

    async def campaign_list(
        self,
        organisation_id: str,
        *,
        owner_id: str | None,
        archived: bool,
        name: str | None,
        owner_name: str | None,
        page: int,
        size: int,
    ) -> Doc:
        found = self.gen.col("campaigns").find(
            {"organisation_id": organisation_id, "deleted": False}
        )
        campaigns = [d async for d in found]
        has_campaigns = bool(campaigns)
        owners = await self.people.users.get_many(sorted({c["owner_id"] for c in campaigns}))
        rows = []
        for c in campaigns:
            if archived != (c.get("archived_at") is not None):
                continue
            if owner_id and c["owner_id"] != owner_id:
                continue
            if name and fold(name) not in fold(c["name"]):
                continue
            owner = owners.get(c["owner_id"], {})
            owner_full = f"{owner.get('first_name', '')} {owner.get('last_name', '')}".strip()
            if owner_name and fold(owner_name) not in fold(owner_full):
                continue
            rows.append((c, owner_full))
        rows.sort(key=lambda r: r[0]["created_at"], reverse=True)
        total = len(rows)
        shown = rows[(page - 1) * size : page * size]
        items = []
        for c, owner_full in shown:
            n = await self.counters(c["_id"])
            items.append(
                {
                    "id": c["_id"],
                    "name": c["name"],
                    "code": c["code"],
                    "type": c["type"],
                    "owner_id": c["owner_id"],
                    "owner_name": owner_full,
                    "created_at": c["created_at"],
                    "archived_at": c.get("archived_at"),
                    "participations_count": int(n.get("participants", 0)),
                    "shared_participations_count": int(n.get("status", {}).get("SHARED", 0)),
                }
            )
        return {
            "items": items,
            "total": total,
            "page": page,
            "size": size,
            "has_campaigns": has_campaigns,
        }

    # --- activity (§3.1) ---------------------------------------------------------------------

    async def activity(self, campaign: Doc) -> Doc:
        n = await self.counters(campaign["_id"])
        status = n.get("status", {})
        counts = {s: int(status.get(s, 0)) for s in STATUS_LABELS}
        if campaign["type"] != "ASSESSMENT":
            counts.pop("STARTED")
        total = sum(counts.values())
        per_day: dict[str, Doc] = defaultdict(lambda: {"started": 0, "shared": 0})
        async for d in self.gen.col("days").find({"campaign_id": campaign["_id"]}):
            per_day[d["day"]]["started"] += int(d.get("started", 0))
            per_day[d["day"]]["shared"] += int(d.get("shared", 0))
        started, shared = _cumulative(per_day, "started"), _cumulative(per_day, "shared")
        if shared and started and shared[0]["day"] > started[0]["day"]:
            shared.insert(0, {"day": started[0]["day"], "count": 0})
        for series, other in ((started, shared), (shared, started)):
            if series and other and series[-1]["day"] < other[-1]["day"]:
                series.append({"day": other[-1]["day"], "count": series[-1]["count"]})
        days = [date.fromisoformat(p["day"]) for p in started + shared]
        span = (max(days) - min(days)).days if days else 0
        return {
            "total": total,
            "shared": counts.get("SHARED", 0),
            "statuses": [
                {
                    "status": s,
                    "label": STATUS_LABELS[s]
                    if not (s == "SHARED" and campaign["type"] != "ASSESSMENT")
                    else "Profils reçus",
                    "count": c,
                    "percentage": round(100 * c / total, 1) if total else 0.0,
                }
                for s, c in counts.items()
            ],
            "started": started,
            "shared_series": shared,
            "unit": "month" if span > 90 else "day",
        }

    async def participations(self, campaign_id: str) -> list[Doc]:
        """The campaign's participations as the lists need them (`roster`: no details)."""
        found = self.gen.col("roster").find({"campaign_id": campaign_id})
        return [d async for d in found if not d.get("deleted")]

    async def _signature(self, campaign_id: str) -> tuple[tuple[str, Any], ...]:
        """Where the campaign's counter documents are: any participation event moves one."""
        found = self.gen.col("counters").find({"campaign_id": campaign_id}, {"offset": 1})
        return tuple(sorted([(str(d["_id"]), d.get("offset")) async for d in found]))

    async def roster(
        self, campaign_id: str, signature: tuple[tuple[str, Any], ...] | None = None
    ) -> tuple[list[Doc], dict[str, Doc]]:
        """The campaign's participations and their people (from the cache while unchanged)."""
        signature = signature if signature is not None else await self._signature(campaign_id)
        key = (self.gen.name, campaign_id)
        cached = self.cache.get(key, signature)
        if cached is not None:
            return cached
        every = await self.participations(campaign_id)
        people = await self.people.of(every)
        self.cache.put(key, signature, every, people)
        return every, people

    async def _sorted_rows(
        self, campaign: Doc, kind: str, build: Callable[[list[Doc], dict[str, Doc]], list[Doc]]
    ) -> list[Doc]:
        """Every row of one list, built and sorted by name once while the roster is unchanged
        (requests then only filter and slice)."""
        signature = await self._signature(campaign["_id"])
        key = (self.gen.name, f"{campaign['_id']}:{kind}")
        cached = self.cache.get(key, signature)
        if cached is not None:
            return cached[0]
        every, people = await self.roster(campaign["_id"], signature)
        rows = build(every, people)
        rows.sort(key=lambda r: r["_sort"])
        self.cache.put(key, signature, rows, {})
        return rows

    async def participants(
        self,
        campaign: Doc,
        *,
        status: str | None,
        divisions: Sequence[str],
        groups: Sequence[str],
        search: str | None,
        page: int,
        size: int,
    ) -> Doc:
        """§3.1 participants list: one row per current (non-improved) participation."""

        def build(every: list[Doc], people: dict[str, Doc]) -> list[Doc]:
            count_by_stream: dict[str, int] = defaultdict(int)
            for p in every:
                count_by_stream[p["stream"]] += 1
            rows = []
            for p in every:
                if p.get("improved"):
                    continue
                who = people[p["_id"]]
                rows.append(
                    {
                        "participation_id": p["_id"],
                        "first_name": who["first_name"],
                        "last_name": who["last_name"],
                        "participant_external_id": who["participant_external_id"],
                        "division": who["division"],
                        "group": who["group"],
                        "status": p["status"],
                        "created_at": p["created_at"],
                        "shared_at": p.get("shared_at"),
                        "participation_count": count_by_stream[p["stream"]],
                        "_sort": (who["sort"], fold(who["first_name"])),
                    }
                )
            return rows

        rows = [
            r
            for r in await self._sorted_rows(campaign, "participants", build)
            if (not status or r["status"] == status)
            and _in(r["division"], divisions)
            and _in(r["group"], groups)
            and (not search or _matches(search, r))
        ]
        return _page(rows, page, size)

    # --- results (§3.2, §3.3) ----------------------------------------------------------------

    async def results(self, campaign: Doc) -> Doc:
        n = await self.counters(campaign["_id"])
        results = int(n.get("results", 0))
        target = FrozenTarget.model_validate(campaign["target"]) if campaign.get("target") else None
        out: Doc = {"results": results, "average_result": None}
        if campaign["type"] == "PROFILES_COLLECTION":
            out.update(
                average_pix=round(n.get("pix_sum", 0) / results) if results else None,
                certifiable=int(n.get("certifiable", 0)),
            )
            return out
        buckets = n.get("buckets", {})
        out["distribution"] = [
            {"label": BUCKET_LABELS[i - 1], "count": int(buckets.get(str(i), 0))}
            for i in range(1, 11)
        ]
        if results:
            out["average_result"] = n.get("mastery_sum", 0) / results
        stages_count = n.get("stages", {})
        if target and target.stages:
            total = len(target.stages)
            out["stages"] = [
                {"reached": i, "total": total, "count": int(stages_count.get(str(i), 0))}
                for i in range(1, total + 1)
            ]
            if results:
                average_validated = n.get("validated_sum", 0) / results
                stage = reached_stage(
                    target.stages,
                    round(average_validated),
                    round(100 * out["average_result"]),
                )
                ordered = [s.threshold for s in target.stages]
                out["average_stage"] = {
                    "title": stage.title if stage else None,
                    "stars": (sorted(ordered).index(stage.threshold) if stage else 0),
                    "of": total - 1,
                }
        badges = n.get("badges", {})
        if target:
            out["badges"] = [
                {
                    "key": b.key,
                    "title": b.title,
                    "image_url": b.image_url,
                    "count": int(badges.get(key(b.key), 0)),
                    "percentage": round(100 * badges.get(key(b.key), 0) / results)
                    if results
                    else 0,
                }
                for b in target.badges
            ]
        return out

    async def result_rows(
        self,
        campaign: Doc,
        *,
        search: str | None,
        page: int,
        size: int,
        divisions: Sequence[str] = (),
        groups: Sequence[str] = (),
        badges: Sequence[str] = (),
        stages: Sequence[int] = (),
        certifiable: bool | None = None,
    ) -> Doc:
        """§3.2 / §3.3 list: one row per learner, their latest sending, evolution vs the one
        before; filters: divisions, groups, badges (all of them), stages reached, search,
        certifiability (profiles collections)."""
        measure = "pix_score" if campaign["type"] == "PROFILES_COLLECTION" else "mastery_rate"

        def build(everyone: list[Doc], people: dict[str, Doc]) -> list[Doc]:
            by_stream: dict[str, list[Doc]] = defaultdict(list)
            for p in everyone:
                if p.get("shared_at"):
                    by_stream[p["stream"]].append(p)
            rows = []
            for sendings in by_stream.values():
                sendings.sort(key=lambda p: (p["shared_at"], p["attempt"]), reverse=True)
                latest = sendings[0]
                previous = sendings[1] if len(sendings) > 1 else None
                who = people[latest["_id"]]
                rows.append(
                    {
                        "participation_id": latest["_id"],
                        "first_name": who["first_name"],
                        "last_name": who["last_name"],
                        "participant_external_id": who["participant_external_id"],
                        "mastery_rate": latest.get("mastery_rate"),
                        "pix_score": latest.get("pix_score"),
                        "is_certifiable": latest.get("is_certifiable"),
                        "certifiable_competences": latest.get("certifiable_competences"),
                        "shared_count": len(sendings),
                        "badges": latest.get("badges", []),
                        "stage_reached": latest.get("stage_reached"),
                        "stage_total": latest.get("stage_total"),
                        "evolution": evolution(
                            previous.get(measure) if previous else None, latest.get(measure)
                        ),
                        "_division": who.get("division"),
                        "_group": who.get("group"),
                        "_sort": (who["sort"], fold(who["first_name"])),
                    }
                )
            return rows

        rows = [
            r
            for r in await self._sorted_rows(campaign, "results", build)
            if (not search or _matches(search, r))
            and _in(r["_division"], divisions)
            and _in(r["_group"], groups)
            and (not badges or set(badges) <= set(r["badges"]))
            and (not stages or r["stage_reached"] in stages)
            and (certifiable is None or r["is_certifiable"] == certifiable)
        ]
        return _page(rows, page, size)

    # --- analysis (§3.4) ---------------------------------------------------------------------

    def _tubes(self, target: FrozenTarget, scores: Doc, count: int) -> list[Doc]:
        by_tube: dict[str, list[Any]] = defaultdict(list)
        for s in target.skills:
            by_tube[s.tube].append(s)
        rows = []
        for tube, skills in by_tube.items():
            average = scores.get(key(tube), 0) / count
            content = self.release.tubes.get(tube)
            tutorial_ids = {
                t for s in skills if (k := self.release.skills.get(s.skill_id)) for t in k.tutorials
            }
            tutorials = [
                t.model_dump()
                for tid in sorted(tutorial_ids)
                if (t := self.release.tutorials.get(tid))
            ]
            competence = skills[0].competence
            competence_name = self._name(competence)
            label = recommendation(average)
            rows.append(
                {
                    "tube": tube,
                    "practical_title": content.practical_title if content else tube,
                    "description": content.practical_description if content else "",
                    "competence": competence,
                    "competence_name": competence_name,
                    "area_color": self._color(competence),
                    "average_score": round(average, 2),
                    "bubbles": label.bubbles,
                    "label": label.label,
                    "tutorials": tutorials,
                }
            )
        return sorted(rows, key=lambda r: (r["average_score"], r["tube"]))

    def _color(self, competence: str) -> str | None:
        return self.colors.get(competence)

    def _competences(self, target: FrozenTarget, validated: Doc, count: int) -> list[Doc]:
        totals: dict[str, int] = defaultdict(int)
        for s in target.skills:
            totals[s.competence] += 1
        rows = []
        for code, total in sorted(totals.items()):
            average = validated.get(key(code), 0) / count
            name = self._name(code)
            rows.append(
                {
                    "competence": code,
                    "name": name,
                    "area_color": self._color(code),
                    "targeted_skills": total,
                    "average_validated_skills": round(average, 2),
                    "validated_percentage": round(average * 100 / total) if total else 0,
                }
            )
        return rows

    async def analysis(self, campaign: Doc) -> Doc:
        n = await self.counters(campaign["_id"])
        results = int(n.get("results", 0))
        if not results or not campaign.get("target"):
            return {"results": results, "topics": [], "competences": []}
        target = FrozenTarget.model_validate(campaign["target"])
        return {
            "results": results,
            "topics": self._tubes(target, n.get("tubes", {}), results),
            "competences": self._competences(target, n.get("competences", {}), results),
        }

    # --- one participant (§3.5) --------------------------------------------------------------

    async def participation(self, campaign: Doc, participation_id: str) -> Doc | None:
        p = await self.gen.col("participations").find_one({"_id": participation_id})
        if p is None or p["campaign_id"] != campaign["_id"] or p.get("deleted"):
            return None
        who = (await self.people.of([p]))[p["_id"]]
        siblings = [
            {"participation_id": s["_id"], "attempt": s["attempt"], "shared_at": s.get("shared_at")}
            async for s in self.gen.col("roster").find({"stream": p["stream"]})
            if not s.get("deleted")
        ]
        shared = p["status"] == "SHARED"
        out: Doc = {
            "participation_id": p["_id"],
            **{
                k: who[k]
                for k in ("first_name", "last_name", "participant_external_id", "division", "group")
            },
            "status": p["status"],
            "created_at": p["created_at"],
            "shared_at": p.get("shared_at"),
            "progression": 1.0 if p.get("completed") else p.get("progression", 0.0),
            "participations": sorted(siblings, key=lambda s: s["attempt"]),
            "mastery_rate": p.get("mastery_rate") if shared else None,
            "validated_skills": p.get("validated_skills") if shared else None,
            "badges": p.get("badges", []) if shared else [],
            "stage_reached": p.get("stage_reached") if shared else None,
            "stage_total": p.get("stage_total") if shared else None,
            "pix_score": p.get("pix_score") if shared else None,
            "is_certifiable": p.get("is_certifiable") if shared else None,
            "certifiable_competences": p.get("certifiable_competences") if shared else None,
            "competences": [],
            "topics": [],
        }
        if not shared:
            return out
        if campaign["type"] == "PROFILES_COLLECTION":
            out["competences"] = [
                {
                    **c,
                    "name": self._name(c["competence"]),
                    "area_color": self._color(c["competence"]),
                }
                for c in details(p).get("competence_levels", [])
            ]
            return out
        target = FrozenTarget.model_validate(campaign["target"])
        out["competences"] = [
            {
                "competence": c["id"],
                "name": self._name(c["id"]),
                "area_color": self._color(c["id"]),
                "validated": c["validated"],
                "total": c["total"],
                "mastery_rate": round(c["validated"] / c["total"], 2) if c["total"] else 0.0,
            }
            for c in details(p).get("competences", [])
        ]
        out["topics"] = self._tubes(target, details(p).get("tube_scores", {}), 1)
        return out

    def _name(self, code: str) -> str:
        return self.names.get(code, code)

    # --- organisation: learners and places (§7.5, §8) -----------------------------------------

    async def learners(self, organisation_id: str) -> list[Doc]:
        """§7.5: each learner's participations, last one, certifiability (cached like the
        rosters while the organisation's counter documents are unchanged)."""
        marks = self.gen.col("counters").find({"organisation_id": organisation_id}, {"offset": 1})
        signature = tuple(sorted([(str(d["_id"]), d.get("offset")) async for d in marks]))
        key = (self.gen.name, f"organisation:{organisation_id}")
        cached = self.cache.get(key, signature)
        if cached is not None:
            return [dict(r) for r in cached[0]]
        rows = await self._learners(organisation_id)
        self.cache.put(key, signature, rows, {})
        return [dict(r) for r in rows]

    async def learner_participations(self, organisation_id: str, learner_id: str) -> list[Doc]:
        """§7.5: one learner's participations in the organisation's campaigns, newest first; a
        result only once sent (an index-served read of the roster)."""
        found = self.gen.col("roster").find(
            {"organisation_id": organisation_id, "learner_id": learner_id}
        )
        rows = [p async for p in found if not p.get("deleted")]
        names: dict[str, str] = {}
        ids = sorted({p["campaign_id"] for p in rows})
        if ids:
            async for c in self.gen.col("campaigns").find({"_id": {"$in": ids}}, {"name": 1}):
                names[str(c["_id"])] = str(c.get("name", ""))
        rows.sort(key=lambda p: p["created_at"], reverse=True)
        return [
            {
                "campaign_id": p["campaign_id"],
                "campaign_name": names.get(p["campaign_id"], ""),
                "campaign_type": p.get("campaign_type"),
                "attempt": p.get("attempt", 1),
                "status": p["status"],
                "created_at": p["created_at"],
                "shared_at": p.get("shared_at"),
                "mastery_rate": p.get("mastery_rate") if p["status"] == "SHARED" else None,
                "improved": bool(p.get("improved")),
            }
            for p in rows
        ]

    async def _learners(self, organisation_id: str) -> list[Doc]:
        found = self.gen.col("roster").find({"organisation_id": organisation_id})
        by_learner: dict[str, list[Doc]] = defaultdict(list)
        async for p in found:
            if p.get("learner_id") and not p.get("deleted"):
                by_learner[p["learner_id"]].append(p)
        people = await self.people.learners.get_many(sorted(by_learner))
        rows = []
        for learner_id, ps in by_learner.items():
            who = people.get(learner_id, {})
            last = max(ps, key=lambda p: p["created_at"])
            certifiable = [p for p in ps if p.get("is_certifiable") is not None]
            latest_cert = max(certifiable, key=lambda p: p["shared_at"]) if certifiable else None
            rows.append(
                {
                    "learner_id": learner_id,
                    "first_name": who.get("first_name", ""),
                    "last_name": who.get("last_name", ""),
                    "division": who.get("division"),
                    "group": who.get("group"),
                    "participations": len(ps),
                    "last_participation_at": last["created_at"],
                    "last_campaign_id": last["campaign_id"],
                    "last_status": last["status"],
                    "is_certifiable": latest_cert.get("is_certifiable") if latest_cert else None,
                    "certifiable_at": latest_cert.get("shared_at") if latest_cert else None,
                    "_sort": (who.get("sort", ""), fold(who.get("first_name", ""))),
                }
            )
        rows.sort(key=lambda r: r.pop("_sort"))
        return rows

    async def places(self, organisation_id: str) -> Doc:
        """§8 `occupied`: distinct learners with at least one non-deleted participation (lots of
        places are not modelled: no event carries them)."""
        learners = await self.learners(organisation_id)
        return {"occupied": len(learners)}


def _cumulative(per_day: dict[str, Doc], kind: str) -> list[Doc]:
    out, running = [], 0
    for day in sorted(per_day):
        n = per_day[day][kind]
        if n:
            running += n
            out.append({"day": day, "count": running})
    return out


def _in(value: str | None, wanted: Sequence[str]) -> bool:
    """A division or group filter (case-insensitive); no filter keeps everyone."""
    return not wanted or fold(value or "") in {fold(w) for w in wanted}


def _matches(search: str, who: Doc) -> bool:
    """§7.6: the name search used everywhere."""
    return matches_search(search, who["first_name"], who["last_name"])


def _page(rows: list[Doc], page: int, size: int) -> Doc:
    """One page of rows already sorted; the hidden keys (`_…`) stay out."""
    shown = [
        {k: v for k, v in r.items() if not k.startswith("_")}
        for r in rows[(page - 1) * size : page * size]
    ]
    return {"items": shown, "total": len(rows), "page": page, "size": size}

"""Read models of campaigns, kept from `campaign.events` by version-guarded updates.

- `campaigns`: one document per campaign (what the list and the campaign page show), index
  `(organisation_id, deleted, archived, created_at)` for the list; the name is also stored
  folded (lower case, no accents) for the name filter.
- `campaign_codes`: the code's document (reserved by `codes.py`) gets the facts a student's
  join page needs, so a look-up by code is one read by `_id`; a deleted campaign's code answers
  nothing.
Each document remembers the stream version that last wrote it: a redelivered or replayed event
changes nothing (docs/database.md: version-guarded upserts).
"""

from __future__ import annotations

import re
from dataclasses import fields
from typing import Any

from pymongo import ASCENDING, DESCENDING
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from campaign.adapters.codes import COLLECTION as CODES
from campaign.application.ports import CampaignRow, ListQuery, Page
from campaign.domain import landing
from orga_shared.contracts.campaign import (
    CampaignArchived,
    CampaignCreated,
    CampaignDeleted,
    CampaignUnarchived,
    CampaignUpdated,
)
from orga_shared.events.envelope import DomainEvent, Envelope
from orga_shared.names import fold

Doc = dict[str, Any]
ROW_FIELDS = tuple(f.name for f in fields(CampaignRow))


def _row(doc: Doc) -> CampaignRow:
    return CampaignRow(**{f: doc.get(f) for f in ROW_FIELDS})


class MongoViews:
    def __init__(self, db: AsyncDatabase[dict[str, Any]]) -> None:
        self.campaigns: AsyncCollection[Doc] = db["campaigns"]
        self.codes: AsyncCollection[Doc] = db[CODES]

    async def ensure_indexes(self) -> None:
        await self.campaigns.create_index(
            [
                ("organisation_id", ASCENDING),
                ("deleted", ASCENDING),
                ("archived", ASCENDING),
                ("created_at", DESCENDING),
            ],
            name="list",
        )

    async def apply(self, envelope: Envelope, event: DomainEvent) -> None:
        match event:
            case CampaignCreated():
                await self._created(envelope, event)
            case CampaignUpdated():
                changes: Doc = {}
                if event.name is not None:
                    changes.update(name=event.name, name_folded=fold(event.name))
                if event.clear_title:
                    changes["title"] = None
                elif event.title is not None:
                    changes["title"] = event.title
                if event.clear_landing_text:
                    changes.update(landing_text=None, landing_html=None)
                elif event.landing_text is not None:
                    changes.update(
                        landing_text=event.landing_text,
                        landing_html=landing.render(event.landing_text),
                    )
                if event.owner_id is not None:
                    changes["owner_id"] = event.owner_id
                await self._change(envelope, event.campaign_id, changes)
            case CampaignArchived():
                await self._change(
                    envelope,
                    event.campaign_id,
                    {"archived": True, "archived_at": envelope.occurred_at},
                )
            case CampaignUnarchived():
                await self._change(
                    envelope, event.campaign_id, {"archived": False, "archived_at": None}
                )
            case CampaignDeleted():
                await self._change(envelope, event.campaign_id, {"deleted": True})

    async def _created(self, envelope: Envelope, e: CampaignCreated) -> None:
        doc: Doc = {
            "campaign_id": e.campaign_id,
            "organisation_id": e.organisation_id,
            "code": e.code,
            "name": e.name,
            "name_folded": fold(e.name),
            "type": e.type,
            "owner_id": e.owner_id,
            "creator_id": e.creator_id,
            "created_at": envelope.occurred_at,
            "archived": False,
            "archived_at": None,
            "deleted": False,
            "title": e.title,
            "target_profile_id": e.target.target_profile_id if e.target else None,
            "target_profile_name": e.target.target_profile_name if e.target else None,
            "multiple_sendings": e.multiple_sendings,
            "external_id_label": e.external_id_label,
            "external_id_type": e.external_id_type,
            "landing_text": e.landing_text,
            "landing_html": landing.render(e.landing_text),
        }
        await self._upsert(self.campaigns, e.campaign_id, envelope.stream_version, doc)
        await self._upsert(self.codes, e.code, envelope.stream_version, {**doc, "live": True})

    async def _change(self, envelope: Envelope, campaign_id: str, changes: Doc) -> None:
        if not changes:
            return
        await self._upsert(self.campaigns, campaign_id, envelope.stream_version, changes)
        current = await self.campaigns.find_one({"_id": campaign_id}, {"code": 1})
        if current is not None:
            code_changes = {**changes, "live": not changes.get("deleted", False)}
            await self._upsert(self.codes, current["code"], envelope.stream_version, code_changes)

    @staticmethod
    async def _upsert(coll: AsyncCollection[Doc], key: str, version: int, changes: Doc) -> None:
        try:
            await coll.update_one(
                {"_id": key, "version": {"$not": {"$gte": version}}},
                {"$set": {**changes, "version": version}},
                upsert=True,
            )
        except DuplicateKeyError:
            pass  # already at this version or a later one

    async def get(self, campaign_id: str) -> CampaignRow | None:
        doc = await self.campaigns.find_one({"_id": campaign_id, "deleted": False})
        return _row(doc) if doc else None

    async def by_code(self, code: str) -> CampaignRow | None:
        doc = await self.codes.find_one({"_id": code, "live": True})
        return _row(doc) if doc else None

    async def owners(self, organisation_id: str) -> list[str]:
        return [
            str(o)
            for o in await self.campaigns.distinct(
                "owner_id", {"organisation_id": organisation_id, "deleted": False}
            )
        ]

    async def page(self, query: ListQuery) -> Page:
        base: Doc = {"organisation_id": query.organisation_id, "deleted": False}
        filt: Doc = {**base, "archived": query.archived}
        if query.owner_id is not None:
            filt["owner_id"] = query.owner_id
        if query.owner_ids is not None:
            filt.setdefault("$and", []).append({"owner_id": {"$in": list(query.owner_ids)}})
        if query.name and query.name.strip():
            filt["name_folded"] = {"$regex": re.escape(fold(query.name))}
        total = await self.campaigns.count_documents(filt)
        cursor = (
            self.campaigns.find(filt)
            .sort([("created_at", DESCENDING), ("_id", ASCENDING)])
            .skip((query.page - 1) * query.size)
            .limit(query.size)
        )
        rows = [_row(doc) async for doc in cursor]
        has = await self.campaigns.find_one(base, {"_id": 1}) is not None
        return Page(rows=rows, total=total, has_campaigns=has)

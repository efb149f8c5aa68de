"""Assessment's projections of foreign facts (docs/design.md §1: no service reads another's
database): campaigns from `campaign.events`, organisations and their learners from
`organisation.events`.

- `campaign_facts`: one document per campaign (`_id` = campaign id, the code upper-case and
  indexed) with what joining, answering and sharing need, the frozen target included.
- `organisations`: whether the organisation manages students (restricted campaigns, §2.5.3).
- `learners`: each imported learner's organisation, linked user and disabled flag.

Handlers only `$set` facts an event states, so a redelivered or replayed event changes nothing.
"""

from __future__ import annotations

from typing import Any

from pymongo import ASCENDING
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.asynchronous.database import AsyncDatabase

from assessment.domain.participant import CampaignFacts, LearnerFacts
from orga_shared.content.models import Release
from orga_shared.contracts.campaign import (
    CampaignArchived,
    CampaignCreated,
    CampaignDeleted,
    CampaignUnarchived,
    CampaignUpdated,
    FrozenTarget,
)
from orga_shared.contracts.organisation import (
    LearnerErased,
    LearnerReconciled,
    LearnersAdded,
    LearnersDeleted,
    LearnersDisabled,
    LearnersReactivated,
    OrganisationCreated,
)
from orga_shared.events.envelope import DomainEvent, Envelope

Doc = dict[str, Any]

CAMPAIGN_EVENT_TYPES = (
    "CampaignCreated",
    "CampaignUpdated",
    "CampaignArchived",
    "CampaignUnarchived",
    "CampaignDeleted",
)
ORGANISATION_EVENT_TYPES = (
    "OrganisationCreated",
    "LearnersAdded",
    "LearnersReactivated",
    "LearnersDisabled",
    "LearnersDeleted",
    "LearnerReconciled",
    "LearnerErased",
)


def normalise_code(code: str) -> str:
    """Codes are typed in any case, with spaces around (§2.8)."""
    return code.strip().upper()


class MongoFacts:
    def __init__(self, db: AsyncDatabase[Doc], release: Release) -> None:
        self.campaigns: AsyncCollection[Doc] = db["campaign_facts"]
        self.organisations: AsyncCollection[Doc] = db["organisations"]
        self.learners: AsyncCollection[Doc] = db["learners"]
        self.release = release

    async def ensure_indexes(self) -> None:
        await self.campaigns.create_index([("code", ASCENDING)], name="by_code")
        await self.learners.create_index(
            [("organisation_id", ASCENDING), ("user_id", ASCENDING)], name="by_user"
        )

    # --- reads -----------------------------------------------------------------------------

    def _facts(self, doc: Doc) -> CampaignFacts:
        target = FrozenTarget.model_validate(doc["target"]) if doc.get("target") else None
        profile = self.release.profiles.get(target.target_profile_id) if target else None
        return CampaignFacts(
            campaign_id=doc["_id"],
            organisation_id=doc["organisation_id"],
            type=doc["type"],
            code=doc["code"],
            multiple_sendings=doc.get("multiple_sendings", False),
            external_id_label=doc.get("external_id_label"),
            external_id_type=doc.get("external_id_type"),
            archived=doc.get("archived", False),
            deleted=doc.get("deleted", False),
            target=target,
            resettable=bool(profile and profile.are_knowledge_elements_resettable),
            owner_id=doc.get("owner_id"),
        )

    async def campaign(self, campaign_id: str) -> CampaignFacts | None:
        doc = await self.campaigns.find_one({"_id": campaign_id})
        return None if doc is None else self._facts(doc)

    async def campaign_by_code(self, code: str) -> CampaignFacts | None:
        doc = await self.campaigns.find_one({"code": normalise_code(code)})
        return None if doc is None else self._facts(doc)

    async def is_restricted(self, organisation_id: str) -> bool:
        doc = await self.organisations.find_one({"_id": organisation_id})
        return bool(doc and doc.get("is_managing_students"))

    async def learner(self, organisation_id: str, user_id: str) -> LearnerFacts:
        doc = await self.learners.find_one({"organisation_id": organisation_id, "user_id": user_id})
        if doc is None:
            return LearnerFacts()
        return LearnerFacts(learner_id=doc["_id"], disabled=bool(doc.get("disabled")))

    # --- consumers -------------------------------------------------------------------------

    async def apply_campaign(self, envelope: Envelope, event: DomainEvent) -> None:
        match event:
            case CampaignCreated():
                doc = {
                    "organisation_id": event.organisation_id,
                    "type": event.type,
                    "code": normalise_code(event.code),
                    "multiple_sendings": event.multiple_sendings,
                    "external_id_label": event.external_id_label,
                    "external_id_type": event.external_id_type,
                    "target": event.target.model_dump(mode="json") if event.target else None,
                    "owner_id": event.owner_id,
                }
                await self.campaigns.update_one(
                    {"_id": event.campaign_id}, {"$set": doc}, upsert=True
                )
            case CampaignUpdated() if event.owner_id is not None:
                await self.campaigns.update_one(
                    {"_id": event.campaign_id}, {"$set": {"owner_id": event.owner_id}}
                )
            case CampaignArchived():
                await self._flag(event.campaign_id, archived=True)
            case CampaignUnarchived():
                await self._flag(event.campaign_id, archived=False)
            case CampaignDeleted():
                await self._flag(event.campaign_id, deleted=True)

    async def _flag(self, campaign_id: str, **flags: bool) -> None:
        await self.campaigns.update_one({"_id": campaign_id}, {"$set": flags}, upsert=True)

    async def apply_organisation(self, envelope: Envelope, event: DomainEvent) -> None:
        match event:
            case OrganisationCreated():
                await self.organisations.update_one(
                    {"_id": event.organisation_id},
                    {"$set": {"is_managing_students": event.is_managing_students}},
                    upsert=True,
                )
            case LearnersAdded() | LearnersReactivated():
                await self._learners(event.organisation_id, event.learner_ids, disabled=False)
            case LearnersDisabled():
                await self._learners(event.organisation_id, event.learner_ids, disabled=True)
            case LearnersDeleted():
                await self.learners.delete_many({"_id": {"$in": list(event.learner_ids)}})
            case LearnerReconciled():
                await self.learners.update_one(
                    {"_id": event.learner_id},
                    {"$set": {"organisation_id": event.organisation_id, "user_id": event.user_id}},
                    upsert=True,
                )
            case LearnerErased():
                await self.learners.delete_one({"_id": event.learner_id})

    async def _learners(self, organisation_id: str, ids: list[str], *, disabled: bool) -> None:
        for learner_id in ids:
            await self.learners.update_one(
                {"_id": learner_id},
                {"$set": {"organisation_id": organisation_id, "disabled": disabled}},
                upsert=True,
            )

"""What assessment's use cases need of the outside world; the adapters in `adapters/` (MongoDB,
Kafka) implement these."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from assessment.domain.knowledge import KnowledgeElement
from assessment.domain.participant import CampaignFacts, LearnerFacts, ParticipantState
from orga_shared.events.envelope import DomainEvent


class Participants(Protocol):
    """Participant streams: snapshot reads, `_id`-decided appends (docs/adr/0015)."""

    async def load(
        self, stream_id: str, *, recent: bool = False
    ) -> tuple[ParticipantState, int]: ...

    async def fresh(self, stream_id: str) -> tuple[ParticipantState, int]: ...

    async def append(
        self,
        stream_id: str,
        expected_version: int,
        events: Sequence[DomainEvent],
        after: ParticipantState,
        *,
        key: str,
    ) -> object: ...

    async def snapshots_of_user(self, user_id: str) -> list[ParticipantState]: ...

    async def stream_of_participation(self, participation_id: str) -> str | None: ...

    async def streams_of_campaign(self, campaign_id: str) -> list[str]: ...

    async def erase_streams(self, streams: Sequence[str]) -> None: ...


class Facts(Protocol):
    """Projections of campaign.events and organisation.events."""

    async def campaign(self, campaign_id: str) -> CampaignFacts | None: ...

    async def campaign_by_code(self, code: str) -> CampaignFacts | None: ...

    async def is_restricted(self, organisation_id: str) -> bool: ...

    async def learner(self, organisation_id: str, user_id: str) -> LearnerFacts: ...


class Reservations(Protocol):
    async def reserve(self, campaign_id: str, learner_id: str, user_id: str) -> str:
        """The user holding the learner's place in the campaign (the first to ask gets it)."""
        ...


class ExternalIds(Protocol):
    """Participants' external ids (personal data: a compacted topic, never the history)."""

    async def save(self, participation_id: str, campaign_id: str, value: str) -> None: ...

    async def copy(self, from_participation: str, to_participation: str) -> None: ...

    async def erase(self, participation_id: str) -> None: ...

    async def erase_campaign(self, campaign_id: str) -> None: ...


class Memberships(Protocol):
    async def role_of(self, user_id: str, organisation_id: str) -> str | None: ...


class Resets(Protocol):
    """Competence resets of the profile (adaptive-engine.md §6.6)."""

    async def of_user(self, user_id: str) -> list[KnowledgeElement]: ...

    async def record(
        self, user_id: str, competence: str, elements: Sequence[KnowledgeElement]
    ) -> None: ...

    async def erase_user(self, user_id: str) -> None: ...

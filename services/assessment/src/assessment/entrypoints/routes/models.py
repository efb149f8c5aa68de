"""What assessment's content routes answer: the release as clients see it, never a solution."""

from __future__ import annotations

from pydantic import BaseModel

from orga_shared.content.framework import ChallengeType, QrocFormat, Tutorial
from orga_shared.content.profiles import Badge, CappedTube, ProfileCategory, Stage

__all__ = ["Tutorial"]


class ReleaseCounts(BaseModel):
    areas: int
    competences: int
    tubes: int
    skills: int
    challenges: dict[ChallengeType, int]
    tutorials: int
    target_profiles: int


class ReleaseSummary(BaseModel):
    version: str
    title: str
    counts: ReleaseCounts


class TubeSummary(BaseModel):
    name: str
    title: str
    practical_title: str
    practical_description: str
    levels: list[int]


class CompetenceSummary(BaseModel):
    code: str
    name: str
    description: str
    tubes: list[TubeSummary]


class AreaSummary(BaseModel):
    code: str
    name: str
    color: str
    competences: list[CompetenceSummary]


class TargetProfileSummary(BaseModel):
    id: str
    name: str
    category: ProfileCategory
    description: str
    is_public: bool
    tubes_count: int
    skills_count: int
    has_stages: bool
    has_badges: bool


class TargetProfileDetail(TargetProfileSummary):
    tubes: list[CappedTube]
    skills: list[str]
    """Names of the skills a campaign on this profile assesses."""
    stages: list[Stage]
    """The stages, all expressed as thresholds over those skills."""
    badges: list[Badge]


class PublicChallenge(BaseModel):
    """What a learner may see of a challenge: no `solution`, no `solution_to_display`."""

    id: str
    type: ChallengeType
    instruction: str
    proposals: list[str] | str
    timer: int | None
    focusable: bool
    format: QrocFormat | None
    locales: list[str]
    alternative_instruction: str | None
    illustration_url: str | None
    illustration_alt: str | None
    attachments: list[str]
    shuffled: bool

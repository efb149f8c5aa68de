"""The release as one frozen value, with the rules computed from it.

Pix values (§5.1), campaign skills from capped tubes (§7.1) and level-stage conversion (§7.2)
live here so every service derives them identically from the same release.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from types import MappingProxyType
from typing import Any

from pydantic import PrivateAttr, model_validator

from .checks import Problem, cross_problems
from .framework import (
    CHALLENGE_TYPES,
    Area,
    AreaCompetence,
    AreasFile,
    Challenge,
    ChallengeType,
    CompetenceContent,
    Frozen,
    ReleaseInfo,
    Skill,
    Thematic,
    Tube,
    Tutorial,
)
from .profiles import Badge, BadgeCriterion, CappedTube, Stage, TargetProfile

PIX_PER_LEVEL = 8
MAX_PIX_PER_SKILL = 4.0
COUNTED_CHALLENGE_STATUSES = frozenset({"validé"})


def skill_counts_for_pix(skill: Skill) -> bool:
    """Only active skills with at least one validated challenge share a level's 8 pix."""
    return skill.is_active and any(c.status in COUNTED_CHALLENGE_STATUSES for c in skill.challenges)


def compute_pix_values(
    competences: Iterable[CompetenceContent], core_codes: Iterable[str]
) -> dict[str, float]:
    """Skill name -> min(4, 8 / n), n = counted skills of the same competence and level.

    Skills that are not counted, or not in a core (origin Pix) competence, are worth 0.
    """
    core = set(core_codes)
    values: dict[str, float] = {}
    for content in competences:
        counted = [
            s for s in content.skills if content.competence in core and skill_counts_for_pix(s)
        ]
        per_level = Counter(s.level for s in counted)
        for skill in content.skills:
            values[skill.name] = 0.0
        for skill in counted:
            values[skill.name] = min(MAX_PIX_PER_SKILL, PIX_PER_LEVEL / per_level[skill.level])
    return values


def with_pix_values(content: CompetenceContent, values: Mapping[str, float]) -> CompetenceContent:
    """A copy of the competence whose skills carry their computed pix value."""

    def tube_copy(tube: Tube) -> Tube:
        skills = tuple(
            s.model_copy(update={"pix_value": values.get(s.name, 0.0)}) for s in tube.skills
        )
        return tube.model_copy(update={"skills": skills})

    thematics = tuple(
        th.model_copy(update={"tubes": tuple(tube_copy(t) for t in th.tubes)})
        for th in content.thematics
    )
    return content.model_copy(update={"thematics": thematics})


def campaign_skills(profile: TargetProfile, tubes: Mapping[str, Tube]) -> tuple[Skill, ...]:
    """Skills frozen into a campaign: active skills of each capped tube with level <= cap."""
    return tuple(
        skill
        for capped in profile.tubes
        if capped.tube in tubes
        for skill in tubes[capped.tube].skills
        if skill.is_active and skill.level <= capped.level
    )


def round_half_up(value: float) -> int:
    """Rounding as the reference implementation does it (0.5 goes up, not to even)."""
    return math.floor(value + 0.5)


def level_to_threshold(level: int, skills: Sequence[Skill]) -> int:
    """A level stage's threshold: % of campaign skills of difficulty <= level."""
    if not skills:
        return 0
    return round_half_up(100 * sum(1 for s in skills if s.level <= level) / len(skills))


def stages_as_thresholds(stages: Sequence[Stage], skills: Sequence[Skill]) -> tuple[Stage, ...]:
    """Stages with level stages converted to thresholds, so acquisition compares one number."""
    return tuple(
        s.model_copy(update={"threshold": level_to_threshold(s.level, skills), "level": None})
        if s.level is not None
        else s
        for s in stages
    )


class ContentError(ValueError):
    """The release is broken; carries every problem found, not just the first."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class Release(Frozen):
    """The whole learning content served to campaigns, with indexes by id and name."""

    version: str
    title: str
    locale: str = "fr-fr"
    areas: tuple[Area, ...]
    competences: tuple[CompetenceContent, ...]
    target_profiles: tuple[TargetProfile, ...] = ()

    _skills: Mapping[str, Skill] = PrivateAttr()
    _challenges: Mapping[str, Challenge] = PrivateAttr()
    _tubes: Mapping[str, Tube] = PrivateAttr()
    _tutorials: Mapping[str, Tutorial] = PrivateAttr()
    _profiles: Mapping[str, TargetProfile] = PrivateAttr()

    @classmethod
    def assemble(
        cls,
        info: ReleaseInfo,
        areas: AreasFile,
        competences: Sequence[CompetenceContent],
        profiles: Sequence[TargetProfile] = (),
    ) -> Release:
        """Build a release from validated files, computing pix values on the way."""
        core = [c.code for a in areas.areas for c in a.competences if c.origin == "Pix"]
        values = compute_pix_values(competences, core)
        ordered = sorted(competences, key=lambda c: tuple(int(p) for p in c.competence.split(".")))
        return cls(
            version=info.version,
            title=info.title,
            locale=info.locale,
            areas=areas.areas,
            competences=tuple(with_pix_values(c, values) for c in ordered),
            target_profiles=tuple(sorted(profiles, key=lambda p: p.id)),
        )

    @model_validator(mode="after")
    def _no_cross_problems(self) -> Release:
        problems = cross_problems(
            AreasFile(areas=self.areas), self.competences, self.target_profiles
        )
        if problems:
            raise ContentError(problems)
        return self

    def model_post_init(self, context: Any, /) -> None:
        tubes = [t for c in self.competences for t in c.tubes]
        self._tubes = MappingProxyType({t.name: t for t in tubes})
        self._skills = MappingProxyType({s.name: s for t in tubes for s in t.skills})
        self._challenges = MappingProxyType(
            {ch.id: ch for s in self._skills.values() for ch in s.challenges}
        )
        self._tutorials = MappingProxyType({tu.id: tu for t in tubes for tu in t.tutorials})
        self._profiles = MappingProxyType({p.id: p for p in self.target_profiles})

    @property
    def skills(self) -> Mapping[str, Skill]:
        """Skill name (also its id, e.g. `@web3`) -> skill."""
        return self._skills

    @property
    def challenges(self) -> Mapping[str, Challenge]:
        return self._challenges

    @property
    def tubes(self) -> Mapping[str, Tube]:
        return self._tubes

    @property
    def tutorials(self) -> Mapping[str, Tutorial]:
        return self._tutorials

    @property
    def profiles(self) -> Mapping[str, TargetProfile]:
        """Target profile id -> profile."""
        return self._profiles

    def competence(self, code: str) -> CompetenceContent:
        return next(c for c in self.competences if c.competence == code)

    def area_competence(self, code: str) -> AreaCompetence:
        """The listed competence (name, description) for a code."""
        return next(c for a in self.areas for c in a.competences if c.code == code)

    def campaign_skills(self, profile: TargetProfile | str) -> tuple[Skill, ...]:
        """Skills a campaign on this profile assesses (frozen at campaign creation)."""
        target = self._profiles[profile] if isinstance(profile, str) else profile
        return campaign_skills(target, self._tubes)

    def stage_thresholds(self, profile: TargetProfile | str) -> tuple[Stage, ...]:
        """The profile's stages, all expressed as thresholds over its campaign skills."""
        target = self._profiles[profile] if isinstance(profile, str) else profile
        return stages_as_thresholds(target.stages, self.campaign_skills(target))

    def counts(self) -> dict[str, Any]:
        """The summary printed by the lint: how much content the release holds."""
        by_type: dict[ChallengeType, int] = dict.fromkeys(CHALLENGE_TYPES, 0)
        for challenge in self._challenges.values():
            by_type[challenge.type] += 1
        return {
            "areas": len(self.areas),
            "competences": sum(len(a.competences) for a in self.areas),
            "tubes": len(self._tubes),
            "skills": len(self._skills),
            "challenges": by_type,
            "tutorials": len(self._tutorials),
            "target_profiles": len(self._profiles),
        }


__all__ = [
    "CHALLENGE_TYPES",
    "Area",
    "AreaCompetence",
    "AreasFile",
    "Badge",
    "BadgeCriterion",
    "CappedTube",
    "Challenge",
    "CompetenceContent",
    "ContentError",
    "Problem",
    "Release",
    "ReleaseInfo",
    "Skill",
    "Stage",
    "TargetProfile",
    "Thematic",
    "Tube",
    "Tutorial",
    "campaign_skills",
    "compute_pix_values",
    "level_to_threshold",
    "skill_counts_for_pix",
    "stages_as_thresholds",
    "with_pix_values",
]

"""Pydantic models of target profiles (`profils cibles`), their stages and badges (§7)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, model_validator

from .framework import Frozen, Level, Text, TubeName

ProfileCategory = Literal[
    "COMPETENCES",
    "CUSTOM",
    "DISCIPLINE",
    "OTHER",
    "PIX_PLUS",
    "PREDEFINED",
    "SUBJECT",
    "TARGETED",
    "BACK_TO_SCHOOL",
]
CriterionScope = Literal["CampaignParticipation", "CappedTubes"]
Percent = Annotated[int, Field(ge=0, le=100)]


class CappedTube(Frozen):
    """A tube and the highest level the profile assesses in it."""

    tube: TubeName
    level: Level


class Stage(Frozen):
    """A `palier`: a threshold (0-100), a level (0-8), or the first-skill stage (neither)."""

    threshold: Percent | None = None
    level: Annotated[int, Field(ge=0, le=8)] | None = None
    is_first_skill: bool = False
    title: Text
    message: Text
    prescriber_title: str | None = None
    prescriber_description: str | None = None

    @model_validator(mode="after")
    def _one_kind(self) -> Stage:
        given = (self.threshold is not None) + (self.level is not None)
        if self.is_first_skill and given:
            raise ValueError("the first-skill stage has neither threshold nor level")
        if not self.is_first_skill and given != 1:
            raise ValueError("a stage has exactly one of threshold or level")
        return self


class BadgeCriterion(Frozen):
    """A badge condition: mastery % over all campaign skills or over some capped tubes."""

    scope: CriterionScope
    threshold: Percent
    capped_tubes: tuple[CappedTube, ...] = ()
    name: str | None = None

    @model_validator(mode="after")
    def _tubes_match_scope(self) -> BadgeCriterion:
        if self.scope == "CappedTubes" and not self.capped_tubes:
            raise ValueError("a CappedTubes criterion lists its capped_tubes")
        if self.scope == "CampaignParticipation" and self.capped_tubes:
            raise ValueError("a CampaignParticipation criterion has no capped_tubes")
        return self


class Badge(Frozen):
    """A `résultat thématique`: obtained when all its criteria are fulfilled."""

    key: Annotated[str, Field(pattern=r"^[A-Z0-9_]+$")]
    title: Text
    message: Text
    alt_message: Text
    image_url: Annotated[str, Field(pattern=r"^https?://\S+$")]
    is_certifiable: bool = False
    is_always_visible: bool = False
    criteria: Annotated[tuple[BadgeCriterion, ...], Field(min_length=1)]


def _stage_problem(stages: tuple[Stage, ...], max_level: int) -> str | None:
    """The first broken stage rule of `StageCollectionUpdate`, or None."""
    first_skill = [s for s in stages if s.is_first_skill]
    ranked = [s for s in stages if not s.is_first_skill]
    if len(first_skill) > 1:
        return "at most one first-skill stage"
    kinds = {"threshold" if s.threshold is not None else "level" for s in ranked}
    if len(kinds) > 1:
        return "stages are all thresholds or all levels"
    values = [s.threshold if s.threshold is not None else s.level for s in ranked]
    if 0 not in values:
        return "a zero stage (threshold 0 or level 0) is mandatory"
    if len(set(values)) != len(values):
        return "stage values must be unique"
    if kinds == {"level"} and max(v for v in values if v is not None) > max_level:
        return f"a level stage exceeds the profile's highest capped level {max_level}"
    return None


class TargetProfile(Frozen):
    """What a campaign assesses: a set of capped tubes, with optional stages and badges."""

    id: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9._-]*$")]
    name: Text
    category: ProfileCategory
    description: str = ""
    comment: str | None = None
    is_public: bool = True
    image_url: str | None = None
    are_knowledge_elements_resettable: bool = False
    tubes: Annotated[tuple[CappedTube, ...], Field(min_length=1)]
    stages: tuple[Stage, ...] = ()
    badges: tuple[Badge, ...] = ()

    @model_validator(mode="after")
    def _coherent(self) -> TargetProfile:
        names = [t.tube for t in self.tubes]
        if len(set(names)) != len(names):
            raise ValueError("a tube is capped twice")
        if self.stages and (problem := _stage_problem(self.stages, self.max_level)):
            raise ValueError(problem)
        keys = [b.key for b in self.badges]
        if len(set(keys)) != len(keys):
            raise ValueError("badge keys must be unique")
        caps = self.caps
        for badge in self.badges:
            for criterion in badge.criteria:
                for capped in criterion.capped_tubes:
                    if capped.tube not in caps or capped.level > caps[capped.tube]:
                        raise ValueError(
                            f"badge {badge.key}: {capped.tube} level {capped.level} "
                            "is outside the profile's capped tubes"
                        )
        return self

    @property
    def caps(self) -> dict[str, int]:
        """Tube name -> highest assessed level."""
        return {t.tube: t.level for t in self.tubes}

    @property
    def max_level(self) -> int:
        """The highest capped level: the upper bound of level stages."""
        return max(t.level for t in self.tubes)

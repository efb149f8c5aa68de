"""Pydantic models of the framework files: areas, and one file per competence down to challenges.

Derived links (a skill's name, tube and competence; a challenge's skill) are filled in from the
nesting of the file, so authors write each fact once and consumers never re-walk the tree.
"""

from __future__ import annotations

import copy
import itertools
from collections.abc import Iterator
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from .solutions import solution_problems

SkillStatus = Literal["actif", "en construction", "archivé", "périmé"]
HintStatus = Literal["Validé", "pré-validé", "proposé", "Désactivé"]
ChallengeStatus = Literal["validé", "archivé", "périmé"]
ChallengeType = Literal["QCU", "QCM", "QROC", "QROCM-ind", "QROCM-dep"]
QrocFormat = Literal["mots", "phrase", "paragraphe", "nombre"]
TutorialFormat = Literal["page", "video", "pdf"]

CHALLENGE_TYPES: tuple[ChallengeType, ...] = ("QCU", "QCM", "QROC", "QROCM-ind", "QROCM-dep")

Id = Annotated[str, Field(pattern=r"^\S+$", max_length=120)]
Text = Annotated[str, Field(min_length=1)]
TubeName = Annotated[str, Field(pattern=r"^@[^\W_]*[^\W\d_]$")]
CompetenceCode = Annotated[str, Field(pattern=r"^[1-9]\.[1-9]$")]
Level = Annotated[int, Field(ge=1, le=8)]


class Frozen(BaseModel):
    """Release entities are immutable values; unknown keys are typos, so they are refused."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class Tutorial(Frozen):
    """A resource proposed to a learner who failed a skill."""

    id: Id
    title: Text
    source: Text
    format: TutorialFormat
    duration: Annotated[str, Field(pattern=r"^\d{2}:[0-5]\d:[0-5]\d$")]
    link: Annotated[str, Field(pattern=r"^https?://\S+$")]
    locale: str = "fr-fr"


class Challenge(Frozen):
    """One question; `proposals`/`solution` are checked at load so every answer can be corrected."""

    model_config = ConfigDict(coerce_numbers_to_str=True)

    id: Id
    type: ChallengeType
    status: ChallengeStatus = "validé"
    instruction: Text
    proposals: tuple[str, ...] | str
    solution: str
    solution_to_display: str | None = None
    t1: bool = True
    t2: bool = True
    t3: bool = True
    timer: Annotated[int, Field(gt=0)] | None = None
    focusable: bool = False
    format: QrocFormat | None = None
    locales: tuple[str, ...] = ("fr-fr",)
    alternative_instruction: str | None = None
    illustration_url: str | None = None
    illustration_alt: str | None = None
    attachments: tuple[str, ...] = ()
    shuffled: bool = False
    skill: str = ""
    competence: str = ""

    @model_validator(mode="after")
    def _solution_is_usable(self) -> Challenge:
        problems = solution_problems(self.type, self.proposals, self.solution)
        if problems:
            raise ValueError("; ".join(problems))
        return self

    @property
    def is_timed(self) -> bool:
        """Timed challenges turn a late correct answer into `timedout`."""
        return self.timer is not None

    @property
    def is_operative(self) -> bool:
        """Operative challenges (validé or archivé) may still be served in campaigns."""
        return self.status in ("validé", "archivé")


class Skill(Frozen):
    """An `acquis`: one level of a tube, named tube + level (`@web3`)."""

    level: Level
    status: SkillStatus = "actif"
    hint: str | None = None
    hint_status: HintStatus = "proposé"
    tutorials: tuple[Id, ...] = ()
    learning_more_tutorials: tuple[Id, ...] = ()
    challenges: tuple[Challenge, ...]
    name: str = ""
    tube: str = ""
    competence: str = ""
    pix_value: float = 0.0

    @model_validator(mode="before")
    @classmethod
    def _pix_value_is_computed(cls, data: Any) -> Any:
        if isinstance(data, dict) and "pix_value" in data:
            raise ValueError("pix_value is computed from the release, do not store it")
        return data

    @model_validator(mode="after")
    def _consistent(self) -> Skill:
        if self.tube and self.name != f"{self.tube}{self.level}":
            raise ValueError(f"skill name {self.name!r} is not tube + level")
        if not self.challenges:
            raise ValueError(f"skill {self.name or self.level} has no challenge")
        if len(self.challenges) < 2:
            raise ValueError(f"skill {self.name or self.level} needs at least 2 challenges")
        if any(c.skill != self.name for c in self.challenges):
            raise ValueError(f"a challenge of {self.name} names another skill")
        return self

    @property
    def is_active(self) -> bool:
        """Only active skills enter new campaigns."""
        return self.status == "actif"

    @property
    def is_timed(self) -> bool:
        """A skill is timed when its challenges are (the engine avoids two timed in a row)."""
        return any(c.is_timed for c in self.challenges)


class Tube(Frozen):
    """A `sujet`: a ladder of skills of increasing level on one topic."""

    name: TubeName
    title: Text
    description: str = ""
    practical_title: str = ""
    practical_description: str = ""
    is_mobile_compliant: bool = True
    is_tablet_compliant: bool = True
    tutorials: Annotated[tuple[Tutorial, ...], Field(min_length=2)]
    skills: Annotated[tuple[Skill, ...], Field(min_length=2)]
    competence: str = ""
    thematic: str = ""

    @model_validator(mode="after")
    def _levels_increase(self) -> Tube:
        levels = [s.level for s in self.skills]
        if any(b <= a for a, b in itertools.pairwise(levels)):
            raise ValueError(f"skill levels of {self.name} must be strictly increasing: {levels}")
        return self


class Thematic(Frozen):
    """A group of tubes inside a competence, as shown in the target-profile editor."""

    id: Id
    name: Text
    tubes: Annotated[tuple[Tube, ...], Field(min_length=1)]
    competence: str = ""


def _fill_links(data: dict[str, Any]) -> dict[str, Any]:
    """Write the parent links into the raw file tree (only where the shape is already right)."""
    code = data.get("competence")
    for thematic in data.get("thematics") or []:
        if not isinstance(thematic, dict):
            continue
        thematic.setdefault("competence", code)
        for tube in thematic.get("tubes") or []:
            if not isinstance(tube, dict):
                continue
            tube.setdefault("competence", code)
            tube.setdefault("thematic", thematic.get("id"))
            for skill in tube.get("skills") or []:
                if not isinstance(skill, dict):
                    continue
                name = f"{tube.get('name')}{skill.get('level')}"
                skill.setdefault("name", name)
                skill.setdefault("tube", tube.get("name"))
                skill.setdefault("competence", code)
                for challenge in skill.get("challenges") or []:
                    if isinstance(challenge, dict):
                        challenge.setdefault("skill", skill["name"])
                        challenge.setdefault("competence", code)
    return data


class CompetenceContent(Frozen):
    """The content of one `competences/<code>.yaml` file."""

    competence: CompetenceCode
    thematics: Annotated[tuple[Thematic, ...], Field(min_length=1)]

    @model_validator(mode="before")
    @classmethod
    def _link_children(cls, data: Any) -> Any:
        if isinstance(data, dict):
            return _fill_links(copy.deepcopy(data))
        return data

    @property
    def tubes(self) -> tuple[Tube, ...]:
        return tuple(tube for th in self.thematics for tube in th.tubes)

    @property
    def skills(self) -> tuple[Skill, ...]:
        return tuple(skill for tube in self.tubes for skill in tube.skills)

    def challenges(self) -> Iterator[Challenge]:
        """Every challenge of the competence, in file order."""
        for skill in self.skills:
            yield from skill.challenges

    def tutorials(self) -> Iterator[Tutorial]:
        """Every tutorial of the competence, in file order."""
        for tube in self.tubes:
            yield from tube.tutorials


class AreaCompetence(Frozen):
    """A competence as listed in `areas.yaml`; `origin` 'Pix' marks the 16 core ones."""

    code: CompetenceCode
    name: Text
    description: str = ""
    origin: str = "Pix"


class Area(Frozen):
    """A `domaine`: one of the 5 areas grouping the competences."""

    code: Annotated[str, Field(pattern=r"^[1-9]$")]
    name: Text
    color: str = ""
    competences: Annotated[tuple[AreaCompetence, ...], Field(min_length=1)]


class AreasFile(Frozen):
    """The content of `areas.yaml`."""

    areas: Annotated[tuple[Area, ...], Field(min_length=1)]


class ReleaseInfo(Frozen):
    """The content of `release.yaml`: which release every service is serving."""

    version: Annotated[str, Field(pattern=r"^\d+\.\d+\.\d+$")]
    title: Text
    locale: str = "fr-fr"

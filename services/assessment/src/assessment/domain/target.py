"""A campaign's target skills indexed once by tube and level (adaptive-engine.md §4.1, §4.2).

Built once per campaign and locale, so every answer's work is bounded by the profile's size.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType

from orga_shared.content.framework import Challenge, Skill
from orga_shared.contracts.campaign import TargetSkill

DEFAULT_LOCALE = "fr-fr"


def locale_chain(locale: str) -> frozenset[str]:
    """§4.1: 'fr-FR' -> {'fr-fr', 'fr'}, 'fr' -> {'fr'} (compared lower-case)."""
    lowered = locale.lower()
    return frozenset({lowered, lowered.split("-")[0]})


def in_locale(challenge: Challenge, chain: frozenset[str]) -> bool:
    return any(loc.lower() in chain for loc in challenge.locales)


def target_skill(skill: Skill) -> TargetSkill:
    """The frozen form of a release skill, as a campaign stores it."""
    return TargetSkill(
        skill_id=skill.name, tube=skill.tube, competence=skill.competence, difficulty=skill.level
    )


@dataclass(frozen=True)
class TargetIndex:
    """Target skills, their pix values, playable challenges, and tubes sorted by difficulty.

    `members` holds every target skill of a tube (inference, §3.2); `tubes` only those with an
    operative challenge in the locale (§4.2), so a tube's `max_level` is its hardest playable
    skill. `owners` maps a playable challenge id to its skill.
    """

    skills: Mapping[str, TargetSkill]
    pix: Mapping[str, float]
    challenges: Mapping[str, tuple[Challenge, ...]]
    tubes: Mapping[str, tuple[TargetSkill, ...]]
    members: Mapping[str, tuple[TargetSkill, ...]]
    owners: Mapping[str, str]

    @classmethod
    def build(
        cls,
        targets: Iterable[TargetSkill],
        content: Mapping[str, Skill],
        locale: str = DEFAULT_LOCALE,
    ) -> TargetIndex:
        """Index the frozen target against the release's skills (challenges, pix values)."""
        chain = locale_chain(locale)
        skills = {t.skill_id: t for t in targets}
        pix: dict[str, float] = {}
        challenges: dict[str, tuple[Challenge, ...]] = {}
        for sid in skills:
            skill = content.get(sid)
            pix[sid] = skill.pix_value if skill else 0.0
            playable = (
                tuple(c for c in skill.challenges if c.is_operative and in_locale(c, chain))
                if skill
                else ()
            )
            challenges[sid] = playable
        members: dict[str, list[TargetSkill]] = {}
        for t in sorted(skills.values(), key=lambda s: (s.difficulty, s.skill_id)):
            members.setdefault(t.tube, []).append(t)
        tubes = {
            name: ready
            for name, items in members.items()
            if (ready := tuple(s for s in items if challenges[s.skill_id]))
        }
        owners = {c.id: sid for sid, items in challenges.items() for c in items}
        return cls(
            skills=MappingProxyType(skills),
            pix=MappingProxyType(pix),
            challenges=MappingProxyType(challenges),
            tubes=MappingProxyType(tubes),
            members=MappingProxyType({k: tuple(v) for k, v in members.items()}),
            owners=MappingProxyType(owners),
        )

    @classmethod
    def from_skills(cls, skills: Sequence[Skill], locale: str = DEFAULT_LOCALE) -> TargetIndex:
        """Index release skills directly (campaign skills of a profile, tests)."""
        return cls.build((target_skill(s) for s in skills), {s.name: s for s in skills}, locale)

    def same_tube(self, skill_id: str) -> tuple[TargetSkill, ...]:
        """Every target skill of the skill's tube (by tube name), playable or not (§3.2)."""
        return self.members[self.skills[skill_id].tube]

    def max_level(self, tube: str) -> int:
        """§4.2: difficulty of the tube's hardest playable target skill."""
        return self.tubes[tube][-1].difficulty

    def skill_of(self, challenge_id: str) -> str | None:
        """The target skill a challenge belongs to, or None when outside the target."""
        return self.owners.get(challenge_id)

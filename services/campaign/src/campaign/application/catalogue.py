"""Target profiles offered to an organisation, and what a campaign freezes from one.

The catalogue is the content release's profiles (docs/domain/pix-orga.md §1.4 categories): the
public ones are offered to every organisation, and a platform admin adds others per
organisation (`OrganisationSettings.extra_target_profiles`). At creation a campaign freezes its
skills (active skills of each capped tube up to its level), its stages as thresholds over those
skills, and its badges.
"""

from __future__ import annotations

from orga_shared.content.models import Release
from orga_shared.content.profiles import TargetProfile
from orga_shared.contracts.campaign import (
    FrozenBadge,
    FrozenBadgeCriterion,
    FrozenStage,
    FrozenTarget,
    TargetSkill,
)

CATEGORY_LABELS = {
    "BACK_TO_SCHOOL": "Parcours de rentrée / 6e",
    "COMPETENCES": "Les 16 compétences",
    "CUSTOM": "Parcours sur-mesure",
    "DISCIPLINE": "Discipline",
    "OTHER": "Autres",
    "PIX_PLUS": "Pix+",
    "PREDEFINED": "Parcours prédéfinis",
    "SUBJECT": "Thématiques",
    "TARGETED": "Parcours ciblés",
}


class Catalogue:
    def __init__(self, release: Release) -> None:
        self.release = release

    def offered(self, extra: tuple[str, ...] = ()) -> list[TargetProfile]:
        """What an organisation may choose: the public profiles and its own additions."""
        wanted = set(extra)
        return [p for p in self.release.target_profiles if p.is_public or p.id in wanted]

    def is_offered(self, profile_id: str, extra: tuple[str, ...] = ()) -> bool:
        return any(p.id == profile_id for p in self.offered(extra))

    def get(self, profile_id: str) -> TargetProfile | None:
        return self.release.profiles.get(profile_id)

    def freeze(self, profile: TargetProfile) -> FrozenTarget:
        skills = self.release.campaign_skills(profile)
        return FrozenTarget(
            target_profile_id=profile.id,
            target_profile_name=profile.name,
            content_version=self.release.version,
            skills=tuple(
                TargetSkill(
                    skill_id=s.name, tube=s.tube, competence=s.competence, difficulty=s.level
                )
                for s in skills
            ),
            stages=tuple(
                FrozenStage(
                    threshold=s.threshold or 0,
                    title=s.title,
                    message=s.message,
                    is_first_skill=s.is_first_skill,
                )
                for s in self.release.stage_thresholds(profile)
            ),
            badges=tuple(
                FrozenBadge(
                    key=b.key,
                    title=b.title,
                    message=b.message,
                    image_url=b.image_url,
                    is_certifiable=b.is_certifiable,
                    criteria=tuple(
                        FrozenBadgeCriterion(
                            scope=c.scope,
                            threshold=c.threshold,
                            capped_tubes=tuple((t.tube, t.level) for t in c.capped_tubes),
                        )
                        for c in b.criteria
                    ),
                )
                for b in profile.badges
            ),
        )

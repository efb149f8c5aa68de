"""What a campaign freezes of a target profile at its creation: its skills (active skills of each
capped tube up to its level), its stages as thresholds over those skills, and its badges
(docs/domain/pix-orga.md §1, adaptive-engine.md §7)."""

from __future__ import annotations

from orga_shared.content.models import Release
from orga_shared.content.profiles import TargetProfile
from orga_shared.contracts.campaign import (
    FrozenBadge,
    FrozenBadgeCriterion,
    FrozenCappedTube,
    FrozenStage,
    FrozenTarget,
    TargetSkill,
)


def freeze_target(release: Release, profile: TargetProfile) -> FrozenTarget:
    skills = release.campaign_skills(profile)
    return FrozenTarget(
        target_profile_id=profile.id,
        target_profile_name=profile.name,
        content_version=release.version,
        skills=tuple(
            TargetSkill(skill_id=s.name, tube=s.tube, competence=s.competence, difficulty=s.level)
            for s in skills
        ),
        stages=tuple(
            FrozenStage(
                threshold=s.threshold or 0,
                title=s.title,
                message=s.message,
                is_first_skill=s.is_first_skill,
            )
            for s in release.stage_thresholds(profile)
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
                        capped_tubes=tuple(
                            FrozenCappedTube(tube=t.tube, level=t.level) for t in c.capped_tubes
                        ),
                    )
                    for c in b.criteria
                ),
            )
            for b in profile.badges
        ),
    )

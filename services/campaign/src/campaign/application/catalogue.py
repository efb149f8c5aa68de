"""Target profiles offered to an organisation, and what a campaign freezes from one.

The catalogue is the content release's profiles (docs/domain/pix-orga.md §1.4 categories): the
public ones are offered to every organisation, and a platform admin adds others per
organisation (`OrganisationSettings.extra_target_profiles`). At creation a campaign freezes its
skills (active skills of each capped tube up to its level), its stages as thresholds over those
skills, and its badges.
"""

from __future__ import annotations

from orga_shared.content.freeze import freeze_target
from orga_shared.content.models import Release
from orga_shared.content.profiles import TargetProfile
from orga_shared.contracts.campaign import FrozenTarget

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
        return freeze_target(self.release, profile)

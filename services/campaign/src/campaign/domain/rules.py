"""What a campaign may hold, checked the way the real service checks it (docs/domain/pix-orga.md
§1.3, §1.6): every broken rule of one request is reported together, each with its code, its
field and the French message Orga shows."""

from __future__ import annotations

from dataclasses import dataclass

NAME_MAX = 255
TITLE_MAX = 50
LANDING_TEXT_MAX = 5000
EXTERNAL_ID_LABEL_MAX = 255


@dataclass(frozen=True)
class Problem:
    code: str
    field: str
    message: str


class CampaignRejected(Exception):
    """A command refused; `status` says how the API answers (422 input, 403, 404, 409 state)."""

    def __init__(self, problems: list[Problem] | Problem, status: int = 422) -> None:
        self.problems = [problems] if isinstance(problems, Problem) else list(problems)
        self.status = status
        super().__init__("; ".join(p.code for p in self.problems))


NAME_REQUIRED = Problem(
    "CAMPAIGN_NAME_IS_REQUIRED", "name", "Veuillez donner un nom à votre campagne."
)
NAME_TOO_LONG = Problem(
    "CAMPAIGN_NAME_IS_TOO_LONG",
    "name",
    f"Le nom de la campagne ne doit pas dépasser {NAME_MAX} caractères.",
)
PURPOSE_REQUIRED = Problem(
    "CAMPAIGN_PURPOSE_IS_REQUIRED", "type", "Veuillez choisir l'objectif de votre campagne."
)
OWNER_NOT_MEMBER = Problem(
    "OWNER_NOT_IN_ORGANIZATION", "owner_id", "Le propriétaire ne fait pas partie de l'organisation."
)
LANDING_TOO_LONG = Problem(
    "CUSTOM_LANDING_PAGE_TEXT_IS_TOO_LONG",
    "landing_text",
    "Le texte de la page d'accueil ne doit pas dépasser 5 000 caractères.",
)
PROFILE_REQUIRED = Problem(
    "TARGET_PROFILE_IS_REQUIRED",
    "target_profile_id",
    "Veuillez sélectionner un parcours pour votre campagne.",
)
PROFILE_FORBIDDEN = Problem(
    "TARGET_PROFILE_NOT_ALLOWED_FOR_PROFILES_COLLECTION_CAMPAIGN",
    "target_profile_id",
    "Une campagne de collecte de profils ne peut pas avoir de parcours.",
)
PROFILE_UNAVAILABLE = Problem(
    "TARGET_PROFILE_NOT_AVAILABLE",
    "target_profile_id",
    "Ce parcours n'est pas disponible pour votre organisation.",
)
TITLE_FORBIDDEN = Problem(
    "TITLE_OF_PERSONALISED_TEST_IS_NOT_ALLOWED_FOR_PROFILES_COLLECTION_CAMPAIGN",
    "title",
    "Une campagne de collecte de profils ne peut pas avoir de titre de parcours.",
)
TITLE_TOO_LONG = Problem(
    "CAMPAIGN_TITLE_IS_TOO_LONG", "title", "Le titre de la campagne est trop long."
)
ID_TYPE_MISSING = Problem(
    "MISSING_ID_PIX_TYPE",
    "external_id_type",
    "Veuillez choisir le type de l'identifiant externe (texte ou adresse e-mail).",
)
ID_TYPE_WITHOUT_LABEL = Problem(
    "ID_PIX_TYPE_WITHOUT_LABEL",
    "external_id_type",
    "Le type d'identifiant externe n'est attendu qu'avec un libellé.",
)
ID_LABEL_TOO_LONG = Problem(
    "EXTERNAL_ID_LABEL_IS_TOO_LONG",
    "external_id_label",
    f"Le libellé de l'identifiant externe ne doit pas dépasser {EXTERNAL_ID_LABEL_MAX} caractères.",
)
MULTIPLE_SENDINGS_FORBIDDEN = Problem(
    "MULTIPLE_SENDINGS_NOT_ALLOWED",
    "multiple_sendings",
    "Votre organisation n'a pas accès à l'envoi multiple pour les campagnes d'évaluation.",
)
NOT_FOUND = Problem("CAMPAIGN_NOT_FOUND", "campaign_id", "Cette campagne est introuvable.")
NOT_MANAGER = Problem(
    "NOT_CAMPAIGN_MANAGER",
    "campaign_id",
    "Le propriétaire de la campagne ainsi que les administrateurs de cette organisation, "
    "sont les seules personnes qui peuvent modifier et archiver cette campagne.",
)
ARCHIVED = Problem(
    "CAMPAIGN_ARCHIVED",
    "campaign_id",
    "Cette campagne est archivée : désarchivez-la avant de la modifier.",
)
ALREADY_ARCHIVED = Problem(
    "CAMPAIGN_ALREADY_ARCHIVED", "campaign_id", "Cette campagne est déjà archivée."
)
NOT_ARCHIVED = Problem("CAMPAIGN_NOT_ARCHIVED", "campaign_id", "Cette campagne n'est pas archivée.")


def clean(text: str | None) -> str | None:
    """Trimmed; empty means absent (an empty label is no label, as in `CampaignForCreation`)."""
    if text is None:
        return None
    stripped = text.strip()
    return stripped or None


def name_problems(name: str | None) -> list[Problem]:
    if not name:
        return [NAME_REQUIRED]
    return [NAME_TOO_LONG] if len(name) > NAME_MAX else []


def title_problems(title: str | None, assessment: bool) -> list[Problem]:
    if title is None:
        return []
    if not assessment:
        return [TITLE_FORBIDDEN]
    return [TITLE_TOO_LONG] if len(title) > TITLE_MAX else []


def landing_problems(text: str | None) -> list[Problem]:
    return [LANDING_TOO_LONG] if text is not None and len(text) > LANDING_TEXT_MAX else []

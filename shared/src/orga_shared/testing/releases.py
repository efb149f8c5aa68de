"""Small release folders for tests: a valid base release, and file overrides to break it.

`write_release(root, {"competences/1.1.yaml": ...})` writes the base release with some files
replaced (`None` leaves a file out); the builders make the competence trees.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml


def qcu(cid: str, status: str = "validé") -> dict[str, Any]:
    return {
        "id": cid,
        "type": "QCU",
        "status": status,
        "instruction": "?",
        "proposals": ["oui", "non"],
        "solution": "1",
    }


def skill(
    tube: str, level: int, status: str = "actif", challenge_status: str = "validé"
) -> dict[str, Any]:
    name = f"{tube[1:]}{level}"
    return {
        "level": level,
        "status": status,
        "tutorials": [f"tuto-{tube[1:]}-1"],
        "challenges": [
            qcu(f"ch-{name}-a", challenge_status),
            qcu(f"ch-{name}-b", challenge_status),
        ],
    }


def tube(name: str, levels: list[int], **skill_kwargs: Any) -> dict[str, Any]:
    tutorials = [
        {
            "id": f"tuto-{name[1:]}-{k}",
            "title": "T",
            "source": "Pix",
            "format": "page",
            "duration": "00:05:00",
            "link": "https://example.org/t",
        }
        for k in (1, 2)
    ]
    return {
        "name": name,
        "title": name,
        "tutorials": tutorials,
        "skills": [skill(name, level, **skill_kwargs) for level in levels],
    }


def competence(code: str, tubes: list[dict[str, Any]]) -> dict[str, Any]:
    return {"competence": code, "thematics": [{"id": f"th-{code}", "name": "Th", "tubes": tubes}]}


AREAS = {
    "areas": [
        {
            "code": "1",
            "name": "Information et données",
            "competences": [
                {"code": "1.1", "name": "Mener une recherche"},
                {"code": "1.2", "name": "Gérer des données"},
            ],
        }
    ]
}


def write_release(root: Path, files: dict[str, Any]) -> Path:
    base = {
        "release.yaml": {"version": "1.0.0", "title": "Test"},
        "areas.yaml": AREAS,
        "competences/1.1.yaml": competence("1.1", [tube("@web", [1, 2, 3]), tube("@url", [2, 3])]),
        "competences/1.2.yaml": competence("1.2", [tube("@stock", [1, 2])]),
        "target_profiles/tp-1.1.yaml": {
            "id": "tp-1.1",
            "name": "1.1",
            "category": "COMPETENCES",
            "tubes": [{"tube": "@web", "level": 2}],
        },
    }
    for name, data in {**base, **files}.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if data is not None:
            path.write_text(
                data if isinstance(data, str) else yaml.safe_dump(data, allow_unicode=True),
                encoding="utf-8",
            )
    return root

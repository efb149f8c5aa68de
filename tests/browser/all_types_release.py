"""A release for the student journey: the real one, plus a profile where every challenge type
is sure to be asked.

The engine picks among a skill's challenges at random (seeded by the assessment id,
docs/domain/adaptive-engine.md §4.5), so on the real profiles one run may never meet a QROCM-dep.
Here six extra tubes of competence 1.1 each hold challenges of one type only (QCU, QCM, QROC,
QROCM-ind, QROCM-dep, and a timed QCU): an answer settles skills of its own tube only, so the
test cannot end before every tube, hence every type, was asked. The challenges are copies of
real 1.1 challenges under new ids.
"""

from __future__ import annotations

import copy
import shutil
from pathlib import Path
from typing import Any

import yaml

from orga_shared.content.loader import load_release

SOURCE = Path(load_release.__code__.co_filename).parent / "release"
PROFILE_ID = "tp-tous-types"
KINDS = {
    "qcu": lambda c: c["type"] == "QCU" and not c.get("timer"),
    "qcm": lambda c: c["type"] == "QCM" and not c.get("timer"),
    "qroc": lambda c: c["type"] == "QROC" and not c.get("timer"),
    "qrocmind": lambda c: c["type"] == "QROCM-ind",
    "qrocmdep": lambda c: c["type"] == "QROCM-dep",
    "chrono": lambda c: c["type"] == "QCU" and bool(c.get("timer")),
}


def _challenges(competence: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        c
        for thematic in competence["thematics"]
        for tube in thematic["tubes"]
        for skill in tube["skills"]
        for c in skill["challenges"]
        if c.get("status") == "validé"
    ]


def write_all_types_release(root: Path) -> Path:
    """Copy the real release to `root` and add the six tubes and the profile `tp-tous-types`."""
    shutil.copytree(SOURCE, root)
    path = root / "competences" / "1.1.yaml"
    competence = yaml.safe_load(path.read_text(encoding="utf-8"))
    real = _challenges(competence)
    tubes = []
    for kind, wanted in KINDS.items():
        models = [c for c in real if wanted(c)][:2]
        models = models * (2 // len(models))  # two challenges per skill (the format's minimum)
        name = f"@tt{kind}"
        tubes.append(
            {
                "name": name,
                "title": f"Tous les types : {kind}",
                "description": "Tube du parcours de test du navigateur",
                "practical_title": "Tous les types",
                "practical_description": "Une question de chaque type",
                "tutorials": [
                    {
                        "id": f"tuto-tt{kind}-{n}",
                        "title": title,
                        "source": "Lumni",
                        "format": "video",
                        "duration": "00:03:30",
                        "link": f"https://www.lumni.fr/video/comment-bien-chercher-sur-internet#{n}",
                    }
                    for n, title in ((1, "Bien chercher sur Internet"), (2, "Vérifier une source"))
                ],
                "skills": [
                    {
                        "level": level,
                        "status": "actif",
                        "tutorials": [f"tuto-tt{kind}-1"],
                        "challenges": [
                            {**copy.deepcopy(model), "id": f"ch-tt{kind}{level}-{letter}"}
                            for letter, model in zip("ab", models, strict=True)
                        ],
                    }
                    for level in (1, 2)
                ],
            }
        )
    competence["thematics"].append(
        {"id": "th-1.1-tous-types", "name": "Tous les types", "tubes": tubes}
    )
    path.write_text(yaml.safe_dump(competence, allow_unicode=True, sort_keys=False), "utf-8")
    profile = {
        "id": PROFILE_ID,
        "name": "Tous les types de questions",
        "category": "COMPETENCES",
        "description": "Une question de chaque type, pour le parcours de test du navigateur.",
        "is_public": True,
        "tubes": [{"tube": t["name"], "level": 2} for t in tubes],
    }
    (root / "target_profiles" / f"{PROFILE_ID}.yaml").write_text(
        yaml.safe_dump(profile, allow_unicode=True, sort_keys=False), "utf-8"
    )
    return root

"""Release models and rules: pix values, cross-file checks, campaign skills, stages."""

from __future__ import annotations

import copy
import re
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from orga_shared.content import load_release
from orga_shared.content.framework import CHALLENGE_TYPES, CompetenceContent
from orga_shared.content.loader import read_release
from orga_shared.content.models import (
    Stage,
    TargetProfile,
    compute_pix_values,
    level_to_threshold,
)
from orga_shared.testing.releases import competence, skill, tube, write_release

pytestmark = pytest.mark.unit


def messages(root: Path) -> list[str]:
    return [str(p) for p in read_release(root).problems]


def test_a_valid_release_loads_with_indexes(tmp_path: Path) -> None:
    release = load_release(write_release(tmp_path, {}))
    assert release.skills["@web3"].tube == "@web"
    assert release.challenges["ch-url2-a"].skill == "@url2"
    assert release.tubes["@stock"].competence == "1.2"
    assert "tuto-web-1" in release.tutorials
    assert release.profiles["tp-1.1"].name == "1.1"


def test_pix_value_is_eight_shared_by_the_skills_of_a_level_capped_at_four() -> None:
    content = CompetenceContent.model_validate(
        competence(
            "1.1",
            [
                tube("@web", [1, 2, 3, 4]),
                tube("@url", [2, 3, 4]),
                tube("@info", [2, 4]),
                tube("@cnil", [4], status="en construction")
                | {"skills": [skill("@cnil", 3, "périmé"), skill("@cnil", 4, "en construction")]},
                tube("@arch", [3, 4], challenge_status="archivé"),
            ],
        )
    )
    values = compute_pix_values([content], core_codes=["1.1"])
    assert values["@web1"] == 4.0  # alone on level 1: 8 would exceed the cap
    assert values["@web2"] == pytest.approx(8 / 3)  # web, url, info
    assert values["@url3"] == 4.0  # web3, url3: cnil3 not active, arch3 has no validated challenge
    assert values["@info4"] == pytest.approx(8 / 3)
    assert values["@cnil3"] == values["@arch4"] == 0.0
    assert compute_pix_values([content], core_codes=[])["@web1"] == 0.0  # not a core competence


def test_loaded_skills_carry_their_pix_value(tmp_path: Path) -> None:
    release = load_release(write_release(tmp_path, {}))
    assert [release.skills[s].pix_value for s in ("@web1", "@web2", "@url2", "@web3")] == [
        4.0,
        4.0,
        4.0,
        4.0,
    ]
    assert sum(s.pix_value for s in release.competence("1.1").skills) == 4 + 8 + 8


def test_duplicate_ids_across_files_are_reported(tmp_path: Path) -> None:
    other = competence("1.2", [tube("@stock", [1, 2])])
    other["thematics"][0]["tubes"][0]["skills"][0]["challenges"][0]["id"] = "ch-web1-a"
    found = messages(write_release(tmp_path, {"competences/1.2.yaml": other}))
    assert any(
        "duplicate challenge id 'ch-web1-a'" in m and m.startswith("competences/1.2.yaml")
        for m in found
    )


def test_duplicate_tube_and_duplicate_yaml_keys_are_reported(tmp_path: Path) -> None:
    root = write_release(
        tmp_path,
        {
            "competences/1.2.yaml": competence("1.2", [tube("@web", [1, 2])]),
            "target_profiles/tp-x.yaml": "id: tp-x\nid: tp-y\n",
        },
    )
    found = messages(root)
    assert any("duplicate tube '@web'" in m for m in found)
    assert any("tp-x.yaml" in m and "duplicate key" in m for m in found)


def test_broken_references_are_reported(tmp_path: Path) -> None:
    bad = competence("1.1", [tube("@web", [1, 2, 3]), tube("@url", [2, 3])])
    bad["thematics"][0]["tubes"][0]["skills"][1]["tutorials"] = ["tuto-nowhere"]
    root = write_release(
        tmp_path,
        {
            "competences/1.1.yaml": bad,
            "competences/1.2.yaml": None,
            "target_profiles/tp-1.1.yaml": {
                "id": "tp-1.1",
                "name": "x",
                "category": "COMPETENCES",
                "tubes": [{"tube": "@ghost", "level": 2}],
            },
        },
    )
    (root / "competences/1.2.yaml").unlink(missing_ok=True)
    found = messages(root)
    web2 = "competences/1.1.yaml: thematics[0].tubes[0].skills[1](@web2)"
    assert f"{web2}: unknown tutorial 'tuto-nowhere'" in found
    assert "target_profiles/tp-1.1.yaml: tubes[0](@ghost): unknown tube '@ghost'" in found
    assert "areas.yaml: areas[0].competences[1]: no file competences/1.2.yaml" in found


def test_skill_without_challenge_and_unparsable_solutions_are_located(tmp_path: Path) -> None:
    bad = competence("1.1", [tube("@web", [1, 2, 3]), tube("@url", [2, 3])])
    skills = bad["thematics"][0]["tubes"][0]["skills"]
    skills[0]["challenges"] = []
    skills[1]["challenges"][0] |= {"solution": "7"}
    skills[2]["challenges"][0] |= {
        "type": "QROCM-ind",
        "proposals": "${a} ${b}",
        "solution": "a: [x",
    }
    found = messages(write_release(tmp_path, {"competences/1.1.yaml": bad}))
    prefix = "competences/1.1.yaml: thematics[0](th-1.1).tubes[0](@web)"
    assert f"{prefix}.skills[0](level 1): skill @web1 has no challenge" in found
    assert any(
        m.startswith(f"{prefix}.skills[1](level 2).challenges[0](ch-web2-a)")
        and "not a proposal number" in m
        for m in found
    )
    assert any("ch-web3-a" in m and "not valid YAML" in m for m in found)


def test_campaign_skills_are_active_skills_up_to_each_cap(tmp_path: Path) -> None:
    tubes = [tube("@web", [1, 2, 3]), tube("@url", [2, 3])]
    tubes[0]["skills"][1]["status"] = "en construction"
    root = write_release(
        tmp_path,
        {
            "competences/1.1.yaml": competence("1.1", tubes),
            "target_profiles/tp-1.1.yaml": {
                "id": "tp-1.1",
                "name": "x",
                "category": "COMPETENCES",
                "tubes": [{"tube": "@web", "level": 3}, {"tube": "@url", "level": 2}],
            },
        },
    )
    release = load_release(root)
    assert [s.name for s in release.campaign_skills("tp-1.1")] == ["@web1", "@web3", "@url2"]


def profile(stages: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "id": "tp-x",
        "name": "x",
        "category": "OTHER",
        "tubes": [{"tube": "@web", "level": 3}, {"tube": "@url", "level": 3}],
        "stages": stages,
    }


def stage(**kwargs: Any) -> dict[str, Any]:
    return {"title": "Palier", "message": "Bravo"} | kwargs


def test_level_stages_become_thresholds_over_campaign_skills(tmp_path: Path) -> None:
    release = load_release(write_release(tmp_path, {}))
    skills = release.campaign_skills(TargetProfile.model_validate(profile([stage(level=0)])))
    assert [s.name for s in skills] == ["@web1", "@web2", "@web3", "@url2", "@url3"]
    assert [level_to_threshold(level, skills) for level in (0, 1, 2, 3)] == [0, 20, 60, 100]
    assert level_to_threshold(1, skills[:3] + skills[:3][:0] + skills[3:4]) == 25
    # 1 of 8 skills = 12.5 % rounds half up like the reference, not to even
    assert level_to_threshold(1, skills[:1] + skills[1:2] * 7) == 13
    tp = TargetProfile.model_validate(
        profile([stage(level=0), stage(level=2), stage(is_first_skill=True)])
    )
    thresholds = release.stage_thresholds(tp)
    assert [(s.threshold, s.level, s.is_first_skill) for s in thresholds] == [
        (0, None, False),
        (60, None, False),
        (None, None, True),
    ]


@pytest.mark.parametrize(
    ("stages", "message"),
    [
        ([stage(threshold=50)], "zero stage"),
        ([stage(threshold=0), stage(level=2)], "all thresholds or all levels"),
        ([stage(threshold=0), stage(threshold=40), stage(threshold=40)], "unique"),
        ([stage(level=0), stage(level=5)], "highest capped level 3"),
        (
            [stage(threshold=0), stage(is_first_skill=True), stage(is_first_skill=True)],
            "at most one",
        ),
        ([stage(threshold=0, level=1)], "exactly one of threshold or level"),
        ([stage(threshold=0) | {"title": ""}], "at least 1 character"),
    ],
)
def test_stage_rules(stages: list[dict[str, Any]], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        TargetProfile.model_validate(profile(stages))
    assert Stage.model_validate(stage(threshold=0)).threshold == 0


def test_badge_criteria_stay_inside_the_profile_tubes() -> None:
    badge = {
        "key": "B",
        "title": "t",
        "message": "m",
        "alt_message": "a",
        "image_url": "https://x.org/b.svg",
        "criteria": [
            {
                "scope": "CappedTubes",
                "threshold": 50,
                "capped_tubes": [{"tube": "@web", "level": 5}],
            }
        ],
    }
    with pytest.raises(ValidationError, match="outside the profile"):
        TargetProfile.model_validate(profile([stage(threshold=0)]) | {"badges": [badge]})
    ok = copy.deepcopy(badge)
    ok["criteria"][0]["capped_tubes"][0]["level"] = 2
    assert TargetProfile.model_validate(profile([]) | {"badges": [ok]}).badges[0].key == "B"


# --- the real release shipped in the package ---------------------------------------------------


@pytest.fixture(scope="module")
def real() -> Any:
    return load_release()


def test_real_release_has_the_16_competences_of_the_5_areas(real: Any) -> None:
    assert len(real.areas) == 5
    assert [c.competence for c in real.competences] == [
        "1.1",
        "1.2",
        "1.3",
        "2.1",
        "2.2",
        "2.3",
        "2.4",
        "3.1",
        "3.2",
        "3.3",
        "3.4",
        "4.1",
        "4.2",
        "4.3",
        "5.1",
        "5.2",
    ]
    assert real.area_competence("2.4").name == "S'insérer dans le monde numérique"
    assert real.version


def test_real_release_content_is_rich_enough(real: Any) -> None:
    for content in real.competences:
        assert len(content.tubes) >= 3, content.competence
        for t in content.tubes:
            assert len(t.skills) >= 2 and len(t.tutorials) >= 2, t.name
    assert all(len(s.challenges) >= 2 for s in real.skills.values())
    assert {c.type for c in real.challenges.values()} == set(CHALLENGE_TYPES)
    assert any(c.is_timed for c in real.challenges.values())
    assert all(s.pix_value <= 4 for s in real.skills.values())


def test_real_release_has_one_profile_per_competence_and_thematic_ones(real: Any) -> None:
    for content in real.competences:
        tp = real.profiles[f"tp-{content.competence}"]
        assert {t.tube for t in tp.tubes} == {t.name for t in content.tubes}
        assert real.campaign_skills(tp)
    thematic = [p for p in real.target_profiles if not re.fullmatch(r"tp-\d\.\d", p.id)]
    assert len(thematic) >= 5
    assert all(len({real.tubes[t.tube].competence for t in p.tubes}) > 1 for p in thematic)
    assert any(p.stages for p in thematic) and any(p.badges for p in real.target_profiles)
    assert any(s.level is not None for p in real.target_profiles for s in p.stages)

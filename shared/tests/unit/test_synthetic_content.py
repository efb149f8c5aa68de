"""The synthetic release generator: loadable, deterministic, and never the real release."""

from __future__ import annotations

from pathlib import Path

import pytest

from orga_shared.content import load_release
from orga_shared.content.framework import CHALLENGE_TYPES
from orga_shared.content.synthetic import generate, main

pytestmark = pytest.mark.unit


def tree(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): p.read_text() for p in sorted(root.rglob("*.yaml"))}


def test_generated_release_loads_with_the_requested_size(tmp_path: Path) -> None:
    summary = generate(151, tmp_path, seed=7)
    release = load_release(tmp_path)
    assert len(release.skills) == summary["skills"] == 151
    assert len(release.competences) == 16 and len(release.target_profiles) == 16
    assert {c.type for c in release.challenges.values()} == set(CHALLENGE_TYPES)
    assert all(release.campaign_skills(p) for p in release.target_profiles)


def test_same_seed_same_files_other_seed_other_files(tmp_path: Path) -> None:
    generate(60, tmp_path / "a", seed=1)
    generate(60, tmp_path / "b", seed=1)
    generate(60, tmp_path / "c", seed=2)
    assert tree(tmp_path / "a") == tree(tmp_path / "b")
    assert tree(tmp_path / "a") != tree(tmp_path / "c")


def test_cli_writes_where_asked_and_refuses_the_real_release(tmp_path: Path) -> None:
    assert main(["--skills", "40", "--out", str(tmp_path / "out")]) == 0
    assert (tmp_path / "out" / "competences" / "5.2.yaml").is_file()
    real = Path(__file__).parents[2] / "src/orga_shared/content/release"
    with pytest.raises(ValueError, match="real release"):
        generate(100, real)
    with pytest.raises(ValueError, match="per competence"):
        generate(20, tmp_path / "tiny")

"""The content linter: the kernel's load checks, then every challenge accepts its own solution."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assessment.entrypoints.content_lint import lint, main
from orga_shared.content.synthetic import generate
from orga_shared.testing.releases import competence, tube, write_release

pytestmark = pytest.mark.unit


def test_lint_flags_a_solution_its_own_rules_reject(tmp_path: Path) -> None:
    bad = competence("1.1", [tube("@web", [1, 2, 3]), tube("@url", [2, 3])])
    bad["thematics"][0]["tubes"][0]["skills"][0]["challenges"][0] |= {
        "type": "QROCM-dep",
        "proposals": "${a} ${b}",
        "solution": "g1:\n  - abcdef\ng2:\n  - abcdefgh\n",  # abcdefgh is within 0.25 of g1
    }
    problems, release = lint(write_release(tmp_path, {"competences/1.1.yaml": bad}))
    assert release is None
    assert any("ch-web1-a" in str(p) and "marked ko" in str(p) for p in problems)


def test_generated_release_passes_the_lint(tmp_path: Path) -> None:
    generate(100, tmp_path, seed=3)
    problems, release = lint(tmp_path)
    assert problems == [] and release is not None


def test_cli_prints_counts_for_a_clean_release_and_problems_otherwise(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([str(write_release(tmp_path / "ok", {}))]) == 0
    counts = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert counts["skills"] == 7
    broken = competence("1.1", [tube("@web", [1, 2, 3]), tube("@url", [2, 3])])
    broken["thematics"][0]["tubes"][0]["skills"][0]["challenges"][0]["solution"] = "9"
    assert main([str(write_release(tmp_path / "ko", {"competences/1.1.yaml": broken}))]) == 1
    assert "not a proposal number" in capsys.readouterr().out

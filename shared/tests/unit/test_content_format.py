"""The content file format the kernel reads at load: `${key}` blocks and solution shapes."""

from __future__ import annotations

import pytest

from orga_shared.content.blocks import parse_blocks
from orga_shared.content.solutions import parse_variants, pre_treat, solution_problems

pytestmark = pytest.mark.unit


def test_blocks_are_inputs_or_selects() -> None:
    blocks = parse_blocks('Ville : ${ville#ex. Paris} Pays : ${pays options=["France","Italie"]}')
    assert [(b.key, b.type, b.placeholder, b.options) for b in blocks] == [
        ("ville", "input", "ex. Paris", ()),
        ("pays", "select", None, ("France", "Italie")),
    ]


@pytest.mark.parametrize(
    ("type_", "proposals", "solution", "problem"),
    [
        ("QCU", ("a", "b"), "1", None),
        ("QCU", ("a", "b"), "1,2", "one index"),
        ("QCM", ("a", "b", "c"), "1, 3", None),
        ("QCM", ("a", "b", "c"), "1,1", "repeats"),
        ("QROC", "${r}", "Paris\nLutèce", None),
        ("QROC", "${r} ${s}", "Paris", "exactly one"),
        ("QROCM-ind", "${a} ${b}", "a:\n  - x\nb:\n  - y\n", None),
        ("QROCM-ind", "${a} ${b}", "a: [x]", "one line"),
        ("QROCM-dep", "${a} ${b}", "g1:\n  - x\n", "can never match"),
        ("QROCM-dep", "${a} ${b}", "g1: [x", "not valid YAML"),
        ("QROC", "${r", "x", "unclosed block"),
    ],
)
def test_solution_format_is_checked_per_type(
    type_: str, proposals: object, solution: str, problem: str | None
) -> None:
    found = solution_problems(type_, proposals, solution)
    if problem is None:
        assert found == []
    else:
        assert len(found) == 1 and problem in found[0]


def test_solutions_are_read_after_nfc_and_non_breaking_spaces() -> None:
    assert pre_treat("Cafe\u0301\u00a0noir") == "Café noir"
    assert dict(parse_variants("a:\n  - Cafe\u0301\n")) == {"a": ("Café",)}

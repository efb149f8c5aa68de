"""SUP CSV imports on the real stack: add and replace, and refused files that write nothing."""

from __future__ import annotations

import pytest

from organisation.demo import student, sup_csv

from .uploads import csv, names

pytestmark = pytest.mark.integration


async def test_sup_csv_add_then_replace(org):
    org_id = await org.create_org("SUP", external_id=None, admin="admin-1")
    first = sup_csv(
        [
            student("E1", "Ana", "Silva", "01/01/2000", Groupe="G1"),
            student("E2", "Bob", "Roux", "02/02/2000", Groupe="G2"),
        ]
    )
    r = await csv(org, org_id, first)
    assert r.status_code == 200, r.text
    assert r.json()["added"] == 2
    # ADD: new student, Bob's group updated, nobody removed
    r = await csv(
        org,
        org_id,
        sup_csv(
            [
                student("E2", "Bob", "Roux", "02/02/2000", Groupe="G3"),
                student("E3", "Cid", "Vidal", "03/03/2000"),
            ]
        ),
    )
    assert (r.json()["added"], r.json()["deleted"]) == (1, 0)
    assert await names(org, org_id) == [("Roux", "Bob"), ("Silva", "Ana"), ("Vidal", "Cid")]
    assert await names(org, org_id, group="G3") == [("Roux", "Bob")]
    # REPLACE: only the file's students remain
    r = await csv(org, org_id, sup_csv([student("E3", "Cid", "Vidal", "03/03/2000")]), "REPLACE")
    assert r.status_code == 200 and r.json()["deleted"] == 2
    assert await names(org, org_id) == [("Vidal", "Cid")]
    # a deleted student coming back is a new learner
    r = await csv(org, org_id, sup_csv([student("E1", "Ana", "Silva", "01/01/2000")]))
    assert r.json()["added"] == 1


BAD_CSV = {
    "missing_columns": (
        sup_csv([{"Premier prénom": "Ana"}], headers=["Premier prénom", "Groupe"]),
        "BAD_HEADERS",
        {"HEADER_REQUIRED"},
    ),
    "wrong_encoding": (
        sup_csv([student("E1", "Zoé", "Roux", "01/01/2000")], encoding="utf-16"),
        "ENCODING_NOT_SUPPORTED",
        set(),
    ),
    "duplicate_numbers": (
        sup_csv(
            [
                student("E1", "Ana", "Silva", "01/01/2000"),
                student("E2", "Bob", "Roux", "01/01/2000"),
                student("E1", "Eve", "Roux", "01/01/2000"),
            ]
        ),
        "INVALID_LINES",
        {"STUDENT_NUMBER_UNIQUE"},
    ),
}


@pytest.mark.parametrize("case", list(BAD_CSV))
async def test_bad_csv_files_write_nothing(org, case):
    data, code, line_codes = BAD_CSV[case]
    org_id = await org.create_org("SUP", external_id=None, admin="admin-1")
    await csv(org, org_id, sup_csv([student("E9", "Old", "Timer", "01/01/1999")]))
    before = await org.snapshot()
    r = await csv(org, org_id, data)
    assert r.status_code == 422, r.text
    assert r.json()["code"] == code
    assert {e["code"] for e in r.json().get("errors", [])} == line_codes
    if case == "duplicate_numbers":
        assert sorted(e["line"] for e in r.json()["errors"]) == [2, 4]
    assert await org.snapshot() == before
    assert await names(org, org_id) == [("Timer", "Old")]

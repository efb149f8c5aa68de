"""Learner imports on the real stack: SIECLE and SUP CSV, semantics, refusals, personal data."""

from __future__ import annotations

import io
import json
import zipfile

import pytest

from organisation.demo import Pupil, siecle_xml, student, sup_csv

from .uploads import csv, names, siecle

pytestmark = pytest.mark.integration
UAI = "0751234A"
LEA = Pupil("1234567890A", "Martin", "Léa", "14/03/2009", "3A")
HUGO = Pupil("1234567891B", "Bernard", "Hugo", "02/11/2009", "3A")
CHLOE = Pupil("1234567892C", "Dubois", "Chloé", "27/06/2009", "3B")


async def test_siecle_import_then_reimport_disables_pupils_who_left(org):
    org_id = await org.create_org(admin="admin-1")
    r = await siecle(org, org_id, siecle_xml(UAI, [LEA, HUGO, CHLOE]))
    assert r.status_code == 200, r.text
    assert r.json()["added"] == 3 and r.json()["learner_count"] == 3
    assert await names(org, org_id) == [("Bernard", "Hugo"), ("Dubois", "Chloé"), ("Martin", "Léa")]

    # a zip of the new year's export: Chloé left, Hugo changed class
    moved = Pupil(HUGO.ine, "Bernard", "Hugo", "02/11/2009", "4A")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("ElevesSansAdresses.xml", siecle_xml(UAI, [LEA, moved]))
    r = await siecle(org, org_id, buffer.getvalue())
    assert r.status_code == 200, r.text
    assert (r.json()["added"], r.json()["disabled"]) == (0, 1)
    assert await names(org, org_id) == [("Bernard", "Hugo"), ("Martin", "Léa")]
    assert await names(org, org_id, division="4A") == [("Bernard", "Hugo")]

    # she comes back: same learner, active again
    r = await siecle(org, org_id, siecle_xml(UAI, [LEA, moved, CHLOE]))
    assert (r.json()["added"], r.json()["reactivated"]) == (0, 1)
    assert len(await names(org, org_id)) == 3
    types = [e.event_type for e in await org.events()]
    assert types.count("LearnersImported") == 3
    assert "LearnersDisabled" in types and "LearnersReactivated" in types


async def test_personal_data_goes_to_the_compacted_topic_only(org):
    org_id = await org.create_org(admin="admin-1")
    r = await siecle(org, org_id, siecle_xml(UAI, [LEA, HUGO]))
    assert r.status_code == 200
    events = await org.events()
    records = await org.published(org.settings.events_topic, len(events))
    assert len(records) == len(events)
    for record in records:
        for secret in (b"Martin", b"L\\u00e9a", "Léa".encode(), b"1234567890A", b"2009-03-14"):
            assert secret not in record.value
    profiles = await org.published(org.settings.profiles_topic, 2)
    values = {json.loads(p.value)["national_student_id"]: json.loads(p.value) for p in profiles}
    assert values[LEA.ine]["first_name"] == "Léa"
    assert values[LEA.ine]["birthdate"] == "2009-03-14"
    assert values[LEA.ine]["division"] == "3A"
    learner_ids = {p.key.decode() for p in profiles}
    added = next(e for e in events if e.event_type == "LearnersAdded")
    assert set(added.payload["learner_ids"]) == learner_ids


async def test_large_import_is_chunked_into_small_commits(start_org):
    org = await start_org(import_chunk_size=100)
    org_id = await org.create_org(admin="admin-1")
    pupils = [
        Pupil(f"{i:010d}X", f"Nom{i}", f"Prénom{i}", "01/01/2010", f"6{i % 4}") for i in range(450)
    ]
    r = await siecle(org, org_id, siecle_xml(UAI, pupils))
    assert r.status_code == 200 and r.json()["added"] == 450
    commits = [doc async for doc in org.db["commits"].find({"stream_id": f"learners-{org_id}"})]
    assert [len(c["events"]) for c in commits] == [1] * 6  # 5 chunks + the summary
    sizes = [len(e["payload"].get("learner_ids", [])) for c in commits for e in c["events"]]
    assert sizes == [100, 100, 100, 100, 50, 0]
    listing = await org.client.get(
        f"/organisations/{org_id}/learners",
        params={"size": 100, "page": 5},
        headers=org.auth("admin-1"),
    )
    assert listing.json()["meta"] == {"page": 5, "size": 100, "total": 450, "page_count": 5}
    assert len(listing.json()["data"]) == 50


BILLION_LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    + b"".join(
        b'<!ENTITY lol%d "' % i + (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10 + b'">'
        for i in range(1, 10)
    )
    + b"]><BEE_ELEVES><PARAMETRES><UAJ>&lol9;</UAJ></PARAMETRES></BEE_ELEVES>"
)
EXTERNAL_ENTITY = (
    b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
    b"<BEE_ELEVES><PARAMETRES><UAJ>&xxe;</UAJ></PARAMETRES></BEE_ELEVES>"
)


def zip_bomb() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("bomb.xml", b"<BEE_ELEVES>" + b" " * (50 * 1024 * 1024) + b"</BEE_ELEVES>")
    return buffer.getvalue()


BAD_SIECLE = {
    "billion_laughs": (BILLION_LAUGHS, 422, "XML_FORBIDDEN_CONSTRUCT"),
    "external_entity": (EXTERNAL_ENTITY, 422, "XML_FORBIDDEN_CONSTRUCT"),
    "malformed": (b"<BEE_ELEVES><DONNEES></BEE_ELEVES>", 422, "INVALID_FILE"),
    "zip_bomb": (zip_bomb, 413, "UNCOMPRESSED_TOO_LARGE"),
    "uai": (siecle_xml("0999999Z", [LEA]), 422, "UAI_MISMATCHED"),
    "bad_lines": (
        siecle_xml(UAI, [LEA, Pupil("1234567891B", None, "Hugo", "31/02/2009")]),
        422,
        "INVALID_LINES",
    ),
}


@pytest.mark.parametrize("case", list(BAD_SIECLE))
async def test_bad_siecle_files_write_nothing(org, case):
    data, status, code = BAD_SIECLE[case]
    data = data() if callable(data) else data
    org_id = await org.create_org(admin="admin-1")
    await siecle(org, org_id, siecle_xml(UAI, [HUGO]))  # something already there
    before = await org.snapshot()
    r = await siecle(org, org_id, data)
    assert r.status_code == status, r.text
    body = r.json()
    assert body["code"] == code and body["message"]
    assert await org.snapshot() == before
    assert await names(org, org_id) == [("Bernard", "Hugo")]
    if case == "bad_lines":
        errors = body["errors"]
        assert sorted(e["code"] for e in errors) == [
            "INVALID_BIRTHDATE_FORMAT",
            "LAST_NAME_REQUIRED",
        ]
        assert all(e["line"] > 1 for e in errors)


async def test_upload_size_is_capped_with_a_french_413(start_org):
    org = await start_org(max_siecle_upload_bytes=1024, max_csv_upload_bytes=1024)
    org_id = await org.create_org(admin="admin-1")
    sup_id = await org.create_org("SUP", external_id=None, admin="admin-1")
    before = await org.snapshot()
    big = siecle_xml(UAI, [LEA] * 10)
    assert len(big) > 1024
    r = await siecle(org, org_id, big)
    assert r.status_code == 413
    assert r.json()["code"] == "FILE_TOO_LARGE" and "taille maximale" in r.json()["message"]
    rows = [student(str(i), "Ana", "Silva", "01/01/2000") for i in range(100)]
    r = await csv(org, sup_id, sup_csv(rows))
    assert r.status_code == 413
    assert await org.snapshot() == before


async def test_siecle_only_for_schools_managing_students_and_admins(org):
    sco = await org.create_org(admin="admin-1", members=("member-1",))
    pro = await org.create_org("PRO", managing=False, admin="admin-1")
    r = await siecle(org, sco, siecle_xml(UAI, [LEA]), user="member-1")
    assert r.status_code == 403
    r = await siecle(org, pro, siecle_xml(UAI, [LEA]))
    assert r.status_code == 422 and r.json()["code"] == "IMPORT_NOT_ALLOWED"

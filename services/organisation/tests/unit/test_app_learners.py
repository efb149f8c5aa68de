"""Learner use cases on in-memory adapters: imports, lists and search, reconciliation, erasure."""

from __future__ import annotations

from datetime import date

import pytest

from organisation.application import imports, learners, organisations, reconciliation
from organisation.application.imports import ImportRejected
from organisation.demo import Pupil, siecle_xml, student, sup_csv
from organisation.domain.commands import Actor
from organisation.domain.errors import Conflict, DomainError, NotFound

from .memory import World

pytestmark = pytest.mark.unit
PLATFORM = Actor("staff", platform_admin=True)
ADMIN = Actor("admin-1")
UAI = "0751234A"
PUPILS = [
    Pupil("1111111111A", "Martin", "Éloïse", "14/03/2009", "3A"),
    Pupil("2222222222B", "Bernard", "Zoé", "02/11/2009", "3A"),
    Pupil("3333333333C", "Dupré", "María", "14/03/2009", "3B"),
]


async def organisation(world: World, type: str = "SCO", uai: str | None = UAI) -> str:
    created = await organisations.create_organisation(
        world.ctx,
        PLATFORM,
        name=f"Org {type}",
        type=type,
        external_id=uai,
        is_managing_students=True,
    )
    await organisations.add_member(world.ctx, created["id"], PLATFORM, "admin-1", "ADMIN")
    return str(created["id"])


async def names(world: World, org_id: str, **filters: object) -> list[str]:
    page = await learners.list_learners(world.ctx, org_id, ADMIN, **filters)  # type: ignore[arg-type]
    return [row["first_name"] for row in page["data"]]


async def test_a_siecle_import_shows_the_pupils_and_publishes_their_profiles():
    world = World()
    org_id = await organisation(world)
    report = await imports.import_siecle(world.ctx, org_id, ADMIN, siecle_xml(UAI, PUPILS))
    assert (report["learner_count"], report["added"]) == (3, 3)
    assert await names(world, org_id) == ["Zoé", "María", "Éloïse"]  # by last name
    assert len(world.profiles.topic) == 3 and None not in world.profiles.topic.values()
    assert world.locks.held == {}


async def test_a_new_siecle_file_disables_the_pupils_it_no_longer_lists():
    world = World()
    org_id = await organisation(world)
    await imports.import_siecle(world.ctx, org_id, ADMIN, siecle_xml(UAI, PUPILS))
    report = await imports.import_siecle(world.ctx, org_id, ADMIN, siecle_xml(UAI, PUPILS[:1]))
    assert (report["added"], report["disabled"]) == (0, 2)
    assert await names(world, org_id) == ["Éloïse"]


async def test_a_bad_file_writes_nothing():
    world = World()
    org_id = await organisation(world)
    before = len(world.store.events())
    bad = [*PUPILS, Pupil("4444444444D", "Petit", "Jean", None, "3C")]
    with pytest.raises(ImportRejected) as rejected:
        await imports.import_siecle(world.ctx, org_id, ADMIN, siecle_xml(UAI, bad))
    assert rejected.value.code == "INVALID_LINES" and rejected.value.errors
    with pytest.raises(ImportRejected) as other_school:
        await imports.import_siecle(world.ctx, org_id, ADMIN, siecle_xml("0999999Z", PUPILS))
    assert other_school.value.code == "UAI_MISMATCHED"
    assert len(world.store.events()) == before
    assert world.learners.docs == {} and world.profiles.topic == {}


async def test_sup_imports_add_then_replace():
    world = World()
    org_id = await organisation(world, "SUP", None)
    rows = [
        student("S1", "Camille", "Lefèvre", "12/04/2003"),
        student("S2", "Inès", "Moreau", "03/10/2002"),
        student("S3", "Théo", "Laurent", "25/01/2003"),
    ]
    await imports.import_sup(world.ctx, org_id, ADMIN, sup_csv(rows[:2]), "ADD")
    added = await imports.import_sup(world.ctx, org_id, ADMIN, sup_csv(rows[2:]), "ADD")
    assert added["added"] == 1
    assert await names(world, org_id) == ["Théo", "Camille", "Inès"]  # Laurent, Lefèvre, ...
    replaced = await imports.import_sup(world.ctx, org_id, ADMIN, sup_csv(rows[:1]), "REPLACE")
    assert replaced["deleted"] == 2
    assert await names(world, org_id) == ["Camille"]
    bad = sup_csv([student("S 9", "A", "B", "01/01/2001")])
    with pytest.raises(ImportRejected):
        await imports.import_sup(world.ctx, org_id, ADMIN, bad, "REPLACE")
    assert await names(world, org_id) == ["Camille"]


async def test_imports_are_for_admins_of_the_right_kind_of_organisation_one_at_a_time():
    world = World()
    org_id = await organisation(world)
    with pytest.raises(DomainError) as wrong_kind:
        await imports.import_sup(world.ctx, org_id, ADMIN, sup_csv([]), "ADD")
    assert wrong_kind.value.code == "IMPORT_NOT_ALLOWED"
    await world.locks.lock(org_id, "another-import", 60)
    with pytest.raises(Conflict) as busy:
        await imports.import_siecle(world.ctx, org_id, ADMIN, siecle_xml(UAI, PUPILS))
    assert busy.value.code == "IMPORT_IN_PROGRESS"


async def test_an_import_racing_another_writer_still_completes():
    world = World()
    org_id = await organisation(world)
    world.store.conflicts_to_raise = 3
    report = await imports.import_siecle(world.ctx, org_id, ADMIN, siecle_xml(UAI, PUPILS))
    assert report["added"] == 3 and len(await names(world, org_id)) == 3


@pytest.mark.parametrize(
    ("search", "found"),
    [
        ("eloise", ["Éloïse"]),
        ("zoe", ["Zoé"]),
        ("maria", ["María"]),
        ("dupre", ["María"]),
        ("BERNARD", ["Zoé"]),
        ("zoé bernard", ["Zoé"]),
    ],
)
async def test_the_name_search_ignores_case_and_accents(search, found):
    world = World()
    org_id = await organisation(world)
    await imports.import_siecle(world.ctx, org_id, ADMIN, siecle_xml(UAI, PUPILS))
    assert await names(world, org_id, search=search) == found


async def test_list_filters_pages_and_refusals_name_their_field():
    world = World()
    org_id = await organisation(world)
    await imports.import_siecle(world.ctx, org_id, ADMIN, siecle_xml(UAI, PUPILS))
    page = await learners.list_learners(world.ctx, org_id, ADMIN, divisions=["3A"], size=10)
    assert page["meta"] == {"page": 1, "size": 10, "total": 2, "page_count": 1}
    assert page["filters"] == {"divisions": ["3A", "3B"], "groups": []}
    for kwargs, field in (
        ({"size": 100000}, "size"),
        ({"certificability": [""]}, "certificability"),
    ):
        with pytest.raises(DomainError) as refused:
            await learners.list_learners(world.ctx, org_id, ADMIN, **kwargs)  # type: ignore[arg-type]
        assert refused.value.field == field


async def test_a_student_reconciles_with_typed_names_and_keeps_the_link():
    world = World()
    org_id = await organisation(world)
    await imports.import_siecle(world.ctx, org_id, ADMIN, siecle_xml(UAI, PUPILS))
    linked = await reconciliation.reconcile(
        world.ctx,
        org_id,
        "u1",
        first_name="eloise",
        last_name="MARTIN",
        birthdate=date(2009, 3, 14),
    )
    assert linked["first_name"] == "Éloïse"
    assert (await learners.my_learner(world.ctx, org_id, "u1"))["id"] == linked["id"]
    with pytest.raises(Conflict):
        await reconciliation.reconcile(
            world.ctx,
            org_id,
            "u2",
            first_name="Eloïse",
            last_name="Martin",
            birthdate=date(2009, 3, 14),
        )
    with pytest.raises(NotFound) as unknown:
        await reconciliation.reconcile(
            world.ctx,
            org_id,
            "u3",
            first_name="Zoé",
            last_name="Bernard",
            birthdate=date(2001, 1, 1),
        )
    assert unknown.value.code == "LEARNER_NOT_FOUND"


async def test_automatic_reconciliation_follows_the_ine_to_a_new_school():
    world = World()
    first = await organisation(world)
    second = await organisation(world)
    for org_id in (first, second):
        await imports.import_siecle(world.ctx, org_id, ADMIN, siecle_xml(UAI, PUPILS))
    await reconciliation.reconcile(
        world.ctx, first, "u1", first_name="Zoé", last_name="Bernard", birthdate=date(2009, 11, 2)
    )
    linked = await reconciliation.reconcile_automatically(world.ctx, second, "u1")
    assert (linked["organisation_id"], linked["first_name"]) == (second, "Zoé")
    with pytest.raises(NotFound):
        await reconciliation.reconcile_automatically(world.ctx, second, "nobody")


async def test_erasure_drops_personal_data_and_publishes_a_tombstone():
    world = World()
    org_id = await organisation(world)
    await imports.import_siecle(world.ctx, org_id, ADMIN, siecle_xml(UAI, PUPILS))
    learner_id = next(iter(world.learners.docs))
    await learners.erase_learner(world.ctx, learner_id, PLATFORM)
    assert world.profiles.topic[learner_id] is None
    assert world.learners.docs[learner_id]["first_name"] is None
    assert len(await names(world, org_id)) == 2

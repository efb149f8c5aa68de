"""SUP CSV: encodings, delimiters, headers, per-line checks with the real line numbers."""

import gzip
from datetime import date

import pytest

from organisation.adapters.files.sup_csv import read_sup_csv
from organisation.demo import student, sup_csv
from organisation.domain import sup
from organisation.domain.learners import FileRejected

pytestmark = pytest.mark.unit
LIMIT = 10 * 1024 * 1024


def parse(data: bytes):
    return sup.validate(read_sup_csv(data, LIMIT))


def test_reads_a_semicolon_utf8_file():
    data = sup_csv(
        [
            student(
                "A-1",
                "Inès",
                "Moreau",
                "03/10/2002",
                Groupe="L1   Groupe 1",
                Email="ines@exemple.fr",
                Régime="formation continue",
                Diplôme="BTS",
            ),
        ]
    )
    result = parse(data)
    assert result.ok
    (record,) = result.learners
    assert (record.student_number, record.first_name, record.birthdate) == (
        "A-1",
        "Inès",
        date(2002, 10, 3),
    )
    assert record.group == "L1 Groupe 1"
    assert record.study_scheme == "Formation continue"
    assert record.diploma == "Non reconnu"
    assert [w.code for w in result.warnings] == ["VALUE_NOT_RECOGNISED"]


@pytest.mark.parametrize("encoding", ["utf-8-sig", "cp1252", "mac_roman"])
def test_supported_encodings_and_comma_delimiter(encoding):
    data = sup_csv([student("1", "Zoé", "Müller", "01/02/03")], delimiter=",", encoding=encoding)
    (record,) = parse(data).learners
    assert (record.first_name, record.last_name) == ("Zoé", "Müller")
    assert record.birthdate == date(2003, 2, 1)  # two-digit year


def test_gzip_upload_is_accepted():
    data = gzip.compress(sup_csv([student("1", "Zoé", "Roux", "01/02/2003")]))
    assert len(parse(data).learners) == 1


def test_unsupported_encoding_is_refused():
    data = sup_csv([student("1", "Zoé", "Roux", "01/02/2003")], encoding="utf-16")
    with pytest.raises(FileRejected) as refused:
        parse(data)
    assert refused.value.code == "ENCODING_NOT_SUPPORTED"


def test_missing_and_unknown_headers_are_all_reported():
    data = sup_csv([], headers=["Premier prénom", "Nom de famille", "Couleur préférée"])
    with pytest.raises(FileRejected) as refused:
        parse(data)
    codes = sorted(e.code for e in refused.value.errors)
    assert codes == ["HEADER_REQUIRED", "HEADER_REQUIRED", "HEADER_UNKNOWN"]


def test_bad_lines_are_reported_with_index_plus_two():
    data = sup_csv(
        [
            student("OK1", "Ana", "Silva", "01/01/2000"),
            student("DUP", "Bob", "Roux", "01/01/2000"),
            student("DUP", "Bea", "Roux", "01/01/2000"),
            student("bad number!", "Cid", "Vidal", "01/01/2000"),
            student("X4", "", "Vidal", "01/01/2000"),
            student("X5", "Eve", "Vidal", "31/02/2000"),
            student("X6", "Fay", "Vidal", "01/01/2000", Email="pas-une-adresse"),
            student("X7", "Gil" * 100, "Vidal", "01/01/2000"),
        ]
    )
    result = parse(data)
    assert {(e.line, e.code) for e in result.errors} == {
        (3, "STUDENT_NUMBER_UNIQUE"),
        (4, "STUDENT_NUMBER_UNIQUE"),
        (5, "STUDENT_NUMBER_FORMAT"),
        (6, "FIELD_REQUIRED"),
        (7, "FIELD_DATE_FORMAT"),
        (8, "FIELD_EMAIL_FORMAT"),
        (9, "FIELD_LENGTH"),
    }
    assert all(e.message.startswith(f"Ligne {e.line} :") for e in result.errors)


def test_a_file_without_delimiter_is_refused():
    with pytest.raises(FileRejected) as refused:
        parse("Premier prénom\nAna\n".encode())
    assert refused.value.code == "BAD_CSV_FORMAT"

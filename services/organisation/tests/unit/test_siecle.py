"""SIECLE reading and rules: what is imported, every rejected pupil with its line, hostile XML."""

import io
import zipfile
from datetime import date

import pytest

from organisation.adapters.files.siecle_xml import read_siecle
from organisation.demo import Pupil, siecle_xml
from organisation.domain import siecle
from organisation.domain.learners import FileRejected

pytestmark = pytest.mark.unit
UAI = "0751234A"
LIMIT = 10 * 1024 * 1024


def parse(data: bytes, uai: str = UAI):
    return siecle.validate(read_siecle(data, LIMIT), uai)


def test_imports_enrolled_pupils_with_ine_and_class():
    pupils = [
        Pupil("1234567890A", "Martin", "Léa", "14/03/2009", "3A", sex="2", middle_name="Rose"),
        Pupil("1234567891B", "Bernard", "Hugo", "02/11/2009", "3B"),
        Pupil("1234567892C", "Parti", "Tom", "01/01/2009", "3B", left_on="01/09/2024"),
        Pupil(None, "SansIne", "Zoé", "01/01/2009", "3B"),
        Pupil("1234567893D", "SansClasse", "Max", "01/01/2009", None),
        Pupil("1234567894E", "Inactif", "Eva", "01/01/2009", "Inactifs"),
    ]
    result = parse(siecle_xml(UAI, pupils))
    assert result.ok
    by_ine = {r.key: r for r in result.learners}
    assert set(by_ine) == {"1234567890A", "1234567891B"}
    lea = by_ine["1234567890A"]
    assert (lea.first_name, lea.middle_name, lea.last_name) == ("Léa", "Rose", "Martin")
    assert lea.birthdate == date(2009, 3, 14)
    assert (lea.sex, lea.division, lea.birth_city_code) == ("F", "3A", "75056")


def test_zip_with_one_xml_is_read():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("__MACOSX/._export.xml", b"junk")
        archive.writestr(
            "export/ElevesSansAdresses.xml",
            siecle_xml(UAI, [Pupil("1234567890A", "Martin", "Léa", "14/03/2009")]),
        )
    assert len(parse(buffer.getvalue()).learners) == 1


def test_zip_with_two_xml_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("a.xml", b"<BEE_ELEVES/>")
        archive.writestr("b.xml", b"<BEE_ELEVES/>")
    with pytest.raises(FileRejected) as refused:
        parse(buffer.getvalue())
    assert refused.value.code == "INVALID_FILE"


def test_zip_bomb_is_refused_without_inflating_it():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("bomb.xml", b"<BEE_ELEVES>" + b" " * (50 * 1024 * 1024) + b"</BEE_ELEVES>")
    assert len(buffer.getvalue()) < 1024 * 1024
    with pytest.raises(FileRejected) as refused:
        parse(buffer.getvalue())
    assert refused.value.code == "UNCOMPRESSED_TOO_LARGE"


def test_each_bad_pupil_is_reported_with_its_line_and_code():
    pupils = [
        Pupil("1234567890A", "Martin", "Léa", "14/03/2009"),
        Pupil("1234567890A", "Double", "Ine", "14/03/2009"),
        Pupil("1234567891B", None, "Hugo", "02/11/2009"),
        Pupil("1234567892C", "Dubois", None, "27/06/2009"),
        Pupil("1234567893D", "Thomas", "Lucas", None),
        Pupil("1234567894E", "Robert", "Emma", "2009-09-30"),
        Pupil("1234567895F", "Richard", "Nathan", "18/12/2008", sex=None),
        Pupil("1234567896G", "Petit", "Manon", "05/05/2009", city_code=None),
        Pupil("1234567897H", "Étranger", "Ok", "05/05/2009", country="132", city_code=None),
    ]
    result = parse(siecle_xml(UAI, pupils))
    codes = sorted(e.code for e in result.errors)
    assert codes == sorted(
        [
            "INE_UNIQUE",
            "INE_UNIQUE",
            "LAST_NAME_REQUIRED",
            "FIRST_NAME_REQUIRED",
            "BIRTHDATE_REQUIRED",
            "INVALID_BIRTHDATE_FORMAT",
            "SEX_CODE_REQUIRED",
            "BIRTH_CITY_CODE_REQUIRED_FOR_FR_STUDENT",
        ]
    )
    lines = [e.line for e in result.errors]
    assert all(isinstance(n, int) and n > 8 for n in lines)  # source lines of <ELEVE>
    assert len(set(lines)) == 8  # one line per bad pupil
    assert all(e.message for e in result.errors)


def test_uai_mismatch_and_empty_file():
    good = siecle_xml(UAI, [Pupil("1234567890A", "Martin", "Léa", "14/03/2009")])
    with pytest.raises(FileRejected) as refused:
        parse(good, uai="0999999Z")
    assert refused.value.code == "UAI_MISMATCHED"
    with pytest.raises(FileRejected) as empty:
        parse(siecle_xml(UAI, [Pupil("1234567890A", "Martin", "Léa", "14/03/2009", None)]))
    assert empty.value.code == "EMPTY"


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


@pytest.mark.parametrize("payload", [BILLION_LAUGHS, EXTERNAL_ENTITY])
def test_hostile_xml_is_refused(payload):
    with pytest.raises(FileRejected) as refused:
        parse(payload)
    assert refused.value.code == "XML_FORBIDDEN_CONSTRUCT"


def test_hostile_xml_hidden_after_a_long_comment_is_refused():
    padded = BILLION_LAUGHS.replace(b"?>", b"?><!--" + b"x" * 8000 + b"-->", 1)
    with pytest.raises(FileRejected) as refused:
        parse(padded)
    assert refused.value.code == "XML_FORBIDDEN_CONSTRUCT"


@pytest.mark.parametrize("payload", [b"<BEE_ELEVES><oops></BEE_ELEVES>", b"not xml", b"<OTHER/>"])
def test_malformed_or_foreign_xml_is_refused(payload):
    with pytest.raises(FileRejected) as refused:
        parse(payload)
    assert refused.value.code == "INVALID_FILE"

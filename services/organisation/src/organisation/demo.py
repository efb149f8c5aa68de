"""Demo files: a SIECLE export and a SUP CSV built from fictitious pupils.

Used by the seed (so `make run` shows a school with classes) and by tests (so every test
builds exactly the file it needs). Names are invented; INE follow the 10-digit + 1-letter shape.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape

from organisation.domain.sup import COLUMNS


@dataclass(frozen=True)
class Pupil:
    ine: str | None
    last_name: str | None
    first_name: str | None
    birthdate: str | None
    """As SIECLE writes it: jj/mm/aaaa."""
    division: str | None = "3A"
    sex: str | None = "1"
    country: str | None = "100"
    city_code: str | None = "75056"
    left_on: str | None = None
    middle_name: str | None = None
    preferred_last_name: str | None = None


def _tag(name: str, value: str | None) -> str:
    return f"<{name}>{escape(value)}</{name}>" if value is not None else f"<{name}/>"


def siecle_xml(uai: str, pupils: Sequence[Pupil], encoding: str = "ISO-8859-15") -> bytes:
    """A "BEE_ELEVES" export (ElevesSansAdresses.xml) as SIECLE produces it."""
    eleves, structures = [], []
    for number, p in enumerate(pupils, start=1):
        eleve_id = str(1000 + number)
        eleves.append(
            f'    <ELEVE ELEVE_ID="{eleve_id}" ELENOET="{number}">'
            + _tag("ID_NATIONAL", p.ine)
            + _tag("NOM_DE_FAMILLE", p.last_name)
            + _tag("NOM_USAGE", p.preferred_last_name)
            + _tag("PRENOM", p.first_name)
            + _tag("PRENOM2", p.middle_name)
            + _tag("PRENOM3", None)
            + _tag("DATE_NAISS", p.birthdate)
            + _tag("CODE_PAYS", p.country)
            + _tag("CODE_DEPARTEMENT_NAISS", "075")
            + _tag("CODE_COMMUNE_INSEE_NAISS", p.city_code)
            + _tag("VILLE_NAISS", "PARIS")
            + _tag("CODE_MEF", "10310019110")
            + _tag("CODE_STATUT", "ST")
            + _tag("CODE_SEXE", p.sex)
            + _tag("DATE_SORTIE", p.left_on)
            + "</ELEVE>"
        )
        if p.division is not None:
            structures.append(
                f'    <STRUCTURES_ELEVE ELEVE_ID="{eleve_id}" ELENOET="{number}"><STRUCTURE>'
                + _tag("CODE_STRUCTURE", p.division)
                + _tag("TYPE_STRUCTURE", "D")
                + "</STRUCTURE></STRUCTURES_ELEVE>"
            )
    body = "\n".join(
        [
            f'<?xml version="1.0" encoding="{encoding}"?>',
            '<BEE_ELEVES VERSION="3.1">',
            "  <PARAMETRES>",
            f"    <UAJ>{escape(uai)}</UAJ>",
            "    <ANNEE_SCOLAIRE>2024</ANNEE_SCOLAIRE>",
            "  </PARAMETRES>",
            "  <DONNEES>",
            "   <ELEVES>",
            *eleves,
            "   </ELEVES>",
            "   <STRUCTURES>",
            *structures,
            "   </STRUCTURES>",
            "  </DONNEES>",
            "</BEE_ELEVES>",
            "",
        ]
    )
    return body.encode(encoding)


def sup_csv(
    rows: Sequence[dict[str, str]],
    *,
    headers: Sequence[str] | None = None,
    delimiter: str = ";",
    encoding: str = "utf-8",
) -> bytes:
    """A SUP import file; rows are header -> value (missing cells are empty)."""
    names = list(headers) if headers is not None else [c.header for c in COLUMNS]
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\n")
    writer.writerow(names)
    for row in rows:
        writer.writerow([row.get(name, "") for name in names])
    return out.getvalue().encode(encoding)


def student(number: str, first: str, last: str, birthdate: str, **extra: str) -> dict[str, str]:
    return {
        "Premier prénom": first,
        "Nom de famille": last,
        "Date de naissance (jj/mm/aaaa)": birthdate,
        "Numéro étudiant": number,
        **extra,
    }


DEMO_PUPILS = (
    Pupil("1234567890A", "Martin", "Léa", "14/03/2009", "3A"),
    Pupil("1234567891B", "Bernard", "Hugo", "02/11/2009", "3A", sex="1"),
    Pupil("1234567892C", "Dubois", "Chloé", "27/06/2009", "3A", sex="2"),
    Pupil("1234567893D", "Thomas", "Lucas", "09/01/2009", "3B"),
    Pupil("1234567894E", "Robert", "Emma", "30/09/2009", "3B", sex="2"),
    Pupil("1234567895F", "Richard", "Nathan", "18/12/2008", "3B"),
    Pupil("1234567896G", "Petit", "Manon", "05/05/2009", "3C", sex="2"),
    Pupil("1234567897H", "Durand", "Louis", "21/07/2009", "3C"),
)
DEMO_STUDENTS = (
    student("22001001", "Camille", "Lefèvre", "12/04/2003", Groupe="L1 Groupe 1"),
    student("22001002", "Inès", "Moreau", "03/10/2002", Groupe="L1 Groupe 1"),
    student("22001003", "Théo", "Laurent", "25/01/2003", Groupe="L1 Groupe 2"),
    student("22001004", "Jade", "Simon", "16/08/2002", Groupe="L1 Groupe 2"),
)

"""SIECLE export reader: hostile-input-safe XML parsing into `SiecleFile`.

lxml is configured never to resolve entities, load a DTD, reach the network or lift its size
guards (`huge_tree` off); on top of that any document type declaration is refused, since a real
SIECLE export never has one and entity tricks (billion laughs, external entities) need one.
"""

from __future__ import annotations

from lxml import etree

from organisation.adapters.files.archive import is_zip, single_xml_from_zip
from organisation.domain.learners import FileRejected
from organisation.domain.siecle import SiecleFile, SiecleStudent

FALLBACK_ENCODING = "iso-8859-15"


def _parser(encoding: str | None = None) -> etree.XMLParser:
    return etree.XMLParser(
        encoding=encoding,
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )


def forbidden() -> FileRejected:
    return FileRejected(
        "XML_FORBIDDEN_CONSTRUCT",
        "Le fichier XML contient une déclaration de type de document ou des entités, ce qui "
        "n'existe pas dans un export SIECLE : il a été refusé.",
    )


def parse_xml(data: bytes) -> etree._Element:
    head = data[:4096].lstrip()
    if b"<!DOCTYPE" in head.upper() or b"<!ENTITY" in head.upper():
        raise forbidden()
    try:
        root = etree.fromstring(data, _parser())
    except etree.XMLSyntaxError as exc:
        if "entit" in str(exc).lower():
            raise forbidden() from None
        if "encoding" not in str(exc).lower() and "utf-8" not in str(exc).lower():
            raise _invalid(exc) from None
        try:
            root = etree.fromstring(data, _parser(FALLBACK_ENCODING))
        except etree.XMLSyntaxError as again:
            raise _invalid(again) from None
    tree = root.getroottree()
    if tree.docinfo.doctype or tree.docinfo.internalDTD is not None:
        raise forbidden()
    if any(isinstance(node, etree._Entity) for node in root.iter()):
        raise forbidden()
    return root


def _invalid(exc: etree.XMLSyntaxError) -> FileRejected:
    line = getattr(exc, "lineno", None)
    where = f" (ligne {line})" if line else ""
    return FileRejected("INVALID_FILE", f"Le fichier XML est mal formé{where}.")


def read_siecle(data: bytes, max_uncompressed: int) -> SiecleFile:
    """A bare XML or a zip holding one; the structure of a SIECLE "BEE_ELEVES" export."""
    if is_zip(data):
        data = single_xml_from_zip(data, max_uncompressed)
    root = parse_xml(data)
    if root.tag != "BEE_ELEVES":
        raise FileRejected("INVALID_FILE", "Ce fichier n'est pas un export SIECLE (BEE_ELEVES).")
    uai = root.findtext("PARAMETRES/UAJ")
    students: dict[str, SiecleStudent] = {}
    divisions: dict[str, list[str]] = {}
    orphan = 0
    for node in root.iterfind("DONNEES/*/*"):
        tag = node.tag if isinstance(node.tag, str) else ""
        eleve_id = node.get("ELEVE_ID")
        if tag == "ELEVE":
            fields = {child.tag: child.text for child in node if isinstance(child.tag, str)}
            key = eleve_id or f"#{orphan}"
            orphan += 1
            students[key] = SiecleStudent(node.sourceline or 0, eleve_id, fields, [])
        elif tag == "STRUCTURES_ELEVE" and eleve_id:
            for structure in node.iterfind("STRUCTURE"):
                if (structure.findtext("TYPE_STRUCTURE") or "").strip() == "D":
                    code = (structure.findtext("CODE_STRUCTURE") or "").strip()
                    divisions.setdefault(eleve_id, []).append(code)
    for eleve_id, codes in divisions.items():
        if eleve_id in students:
            students[eleve_id].divisions.extend(codes)
    return SiecleFile(uai.strip() if uai else None, list(students.values()))

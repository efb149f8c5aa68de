"""SUP CSV reader: encoding and delimiter detection as the real service, then raw cells.

Encodings are tried in the real order (UTF-8, Windows-1252, Mac Roman); the first decoding
whose header row contains a known column wins, which is how a spreadsheet's "CSV" export in
any of them is read correctly.
"""

from __future__ import annotations

import csv
import io

from organisation.adapters.files.archive import gunzip, is_gzip
from organisation.domain.learners import FileRejected
from organisation.domain.sup import HEADER_MARKERS, map_headers

ENCODINGS = ("utf-8", "cp1252", "mac_roman")


def decode(data: bytes) -> str:
    for encoding in ENCODINGS:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        text = text.removeprefix("\ufeff")
        first_line = text.split("\n", 1)[0]
        if any(marker in first_line for marker in HEADER_MARKERS):
            return text
    raise FileRejected(
        "ENCODING_NOT_SUPPORTED",
        "L'encodage du fichier n'est pas reconnu : enregistrez-le en CSV UTF-8 et vérifiez "
        "l'en-tête.",
    )


def delimiter_of(header_line: str) -> str:
    semicolons, commas = header_line.count(";"), header_line.count(",")
    if semicolons == 0 and commas == 0:
        raise FileRejected(
            "BAD_CSV_FORMAT", "Le fichier doit être un CSV séparé par des virgules ou des « ; »."
        )
    return ";" if semicolons >= commas else ","


def read_sup_csv(data: bytes, max_uncompressed: int) -> list[dict[str, str | None]]:
    """Data rows as field -> cell (None when the row is short); empty rows skipped."""
    if is_gzip(data):
        data = gunzip(data, max_uncompressed)
    text = decode(data)
    delimiter = delimiter_of(text.split("\n", 1)[0])
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error:
        raise FileRejected("BAD_CSV_FORMAT", "Le fichier CSV est mal formé.") from None
    fields = map_headers(rows[0])
    out: list[dict[str, str | None]] = []
    for cells in rows[1:]:
        if not any(cell.strip() for cell in cells):
            continue
        row: dict[str, str | None] = {}
        for index, name in enumerate(fields):
            if name is not None:
                row[name] = cells[index] if index < len(cells) else None
        out.append(row)
    return out

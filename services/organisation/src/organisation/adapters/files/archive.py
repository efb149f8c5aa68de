"""Unpacking uploads without trusting them: zip and gzip are read with a hard output cap.

A zip bomb declares small sizes and inflates to gigabytes; we refuse on the declared size, on
the compression ratio, and while inflating, whatever the headers say.
"""

from __future__ import annotations

import gzip
import io
import re
import zipfile
import zlib

from organisation.domain.learners import FileRejected

SIECLE_ENTRY = re.compile(r"^([^.][^/]*/)*[^./][^/]*\.xml$")
MAX_ENTRIES = 200
MAX_RATIO = 200
_CHUNK = 1 << 16


def too_large(limit: int) -> FileRejected:
    return FileRejected(
        "UNCOMPRESSED_TOO_LARGE",
        f"Le fichier décompressé dépasse la taille autorisée ({limit // (1024 * 1024)} Mo). "
        "Il a été refusé.",
    )


def is_zip(data: bytes) -> bool:
    return data[:4] == b"PK\x03\x04"


def is_gzip(data: bytes) -> bool:
    return data[:2] == b"\x1f\x8b"


def single_xml_from_zip(data: bytes, limit: int) -> bytes:
    """The one SIECLE XML entry of a zip (docs/domain/pix-orga.md §7.1), capped at `limit` bytes."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise FileRejected("INVALID_FILE", "L'archive zip est illisible.") from None
    if len(infos) > MAX_ENTRIES:
        raise FileRejected("INVALID_FILE", "L'archive contient trop de fichiers.")
    entries = [i for i in infos if not i.is_dir() and SIECLE_ENTRY.match(i.filename)]
    if len(entries) != 1:
        raise FileRejected(
            "INVALID_FILE", "L'archive zip doit contenir un et un seul fichier XML SIECLE."
        )
    entry = entries[0]
    if entry.file_size > limit:
        raise too_large(limit)
    if entry.compress_size and entry.file_size / entry.compress_size > MAX_RATIO:
        raise too_large(limit)
    out = bytearray()
    try:
        with archive.open(entry) as stream:
            while chunk := stream.read(_CHUNK):
                out += chunk
                if len(out) > limit:
                    raise too_large(limit)
    except (zipfile.BadZipFile, zlib.error, OSError, RuntimeError, EOFError):
        raise FileRejected("INVALID_FILE", "L'archive zip est illisible.") from None
    return bytes(out)


def gunzip(data: bytes, limit: int) -> bytes:
    out = bytearray()
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(data)) as stream:
            while chunk := stream.read(_CHUNK):
                out += chunk
                if len(out) > limit:
                    raise too_large(limit)
    except (OSError, EOFError, zlib.error):
        raise FileRejected("INVALID_FILE", "Le fichier compressé est illisible.") from None
    return bytes(out)

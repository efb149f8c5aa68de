"""Readers of uploaded files (SIECLE XML/zip, SUP CSV): bytes in, plain records out."""

from __future__ import annotations

from organisation.adapters.files.siecle_xml import read_siecle
from organisation.adapters.files.sup_csv import read_sup_csv
from organisation.domain.siecle import SiecleFile


class FileReaders:
    """The `Files` port: pure parsing (no I/O), shared by production and the unit tests."""

    def siecle(self, data: bytes, max_uncompressed: int) -> SiecleFile:
        return read_siecle(data, max_uncompressed)

    def sup_csv(self, data: bytes, max_uncompressed: int) -> list[dict[str, str | None]]:
        return read_sup_csv(data, max_uncompressed)

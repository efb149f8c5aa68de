"""A document's bulky part as one compressed value.

The local database (FerretDB on SQLite) converts every nested field on each read and write: a
50 kB snapshot cost ~100 ms a read+replace as fields, ~8 ms packed (measured, docs/adr/0015).
MongoDB moves fewer bytes too. What is packed cannot be queried: keep the fields filters and
indexes need at the top level.
"""

from __future__ import annotations

import json
import zlib
from typing import Any


def pack(value: Any) -> bytes:
    return zlib.compress(json.dumps(value, separators=(",", ":")).encode(), 1)


def unpack(raw: bytes) -> Any:
    return json.loads(zlib.decompress(raw))

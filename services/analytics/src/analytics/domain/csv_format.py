"""The CSV format of campaign exports (docs/domain/pix-orga.md §4.1), pure.

Every cell is serialised here into its final text, then a line is the cells joined by `;` and
ended by `\\n` (`line`). The reference quotes *selectively* (numbers and `^[0-9-]+$` strings raw,
every other string quoted with `"` doubled), which no `csv` quoting mode expresses: QUOTE_MINIMAL
would leave "Oui" bare, QUOTE_NONNUMERIC would quote "2026", QUOTE_NONE with an escape character
would escape the `;` and `"` inside our own quotes, and without one it refuses them. So the
`csv` module is not used to write: the join is exactly what `csv.writer(QUOTE_NONE)` would do
with cells that need no escaping, and `csv.reader(delimiter=";")` reads our lines back (tested).

- numbers: JavaScript's `toString()` with the first `.` replaced by `,` (`0,75`, `1`, not `1.0`);
- strings matching `^[0-9-]+$`: raw (checked before the formula guard, as the reference does);
- other strings: `'` prefixed when they start with `-`, `@`, `=` or `+`, then quoted, `"` doubled;
- booleans: "Oui"/"Non"; not available: "NA"; None: the empty string (quoted, like `''`);
- dates: `DD/MM/YYYY HH:mm` in Europe/Paris; the file name's date `YYYY-MM-DD-HHmm` too (the
  reference says Europe/Berlin for the name: same offsets all year, Paris is used).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal
from urllib.parse import quote
from zoneinfo import ZoneInfo

BOM = "\ufeff"
SEPARATOR = ";"
TERMINATOR = "\n"
NA = "NA"
YES, NO = "Oui", "Non"
PARIS = ZoneInfo("Europe/Paris")

_RAW = re.compile(r"^[0-9-]+$")
_FORMULA_STARTS = ("-", "@", "=", "+")

Value = str | int | float | bool | None


class Raw(str):
    """A cell already serialised (written as is)."""


def js_number(x: int | float) -> str:
    """`Number.prototype.toString()` for the values an export holds (finite, not huge)."""
    if isinstance(x, int):
        return str(x)
    if not math.isfinite(x):
        return "NaN" if math.isnan(x) else ("Infinity" if x > 0 else "-Infinity")
    if x.is_integer() and abs(x) < 1e21:
        return str(int(x))
    text = repr(x)
    if "e" in text:  # 1e-07 -> 1e-7, 1.5e+22 -> 1.5e+22
        mantissa, exponent = text.split("e")
        sign = "-" if exponent.startswith("-") else "+"
        text = f"{mantissa}e{sign}{int(exponent.lstrip('+-'))}"
    return text


def number(x: int | float) -> str:
    return js_number(x).replace(".", ",", 1)


def string(s: str) -> str:
    if _RAW.match(s):
        return s
    if s.startswith(_FORMULA_STARTS):
        s = "'" + s
    return '"' + s.replace('"', '""') + '"'


def cell(value: Value) -> str:
    """One value as the reference serialises it."""
    if isinstance(value, Raw):
        return str(value)
    if value is None:
        return string("")
    if isinstance(value, bool):
        return string(YES if value else NO)
    if isinstance(value, int | float):
        return number(value)
    return string(value)


def line(values: Iterable[Value]) -> str:
    return SEPARATOR.join(cell(v) for v in values) + TERMINATOR


def js_round(x: float, digits: int) -> float:
    """lodash `_.round`: half up on the decimal representation (0.125 -> 0.13, 2/3 -> 0.67)."""
    shifted = Decimal(repr(float(x))).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)
    return float(shifted)


def ratio(validated: int, total: int) -> float:
    """A mastery ratio as the export rounds it; 0 when nothing is targeted."""
    return js_round(validated / total, 2) if total else 0


def paris(at: datetime) -> datetime:
    return (at if at.tzinfo else at.replace(tzinfo=UTC)).astimezone(PARIS)


def date(at: datetime | None) -> str:
    """`DD/MM/YYYY HH:mm` in Europe/Paris; NA when there is no date."""
    return NA if at is None else paris(at).strftime("%d/%m/%Y %H:%M")


def file_name(campaign_name: str, campaign_id: str, now: datetime) -> str:
    return f"Resultats-{campaign_name}-{campaign_id}-{paris(now).strftime('%Y-%m-%d-%H%M')}.csv"


def content_disposition(name: str) -> str:
    """`attachment; filename="…"` as the reference sends it, plus RFC 6266's `filename*` (UTF-8):
    an HTTP header is latin-1, a campaign name may hold anything."""
    fallback = "".join(c if 0x20 <= ord(c) < 0x7F and c not in '"\\' else "_" for c in name)
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"

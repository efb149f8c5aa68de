"""Campaign CSV exports (docs/domain/pix-orga.md §4.2 assessment, §4.3 profiles collection),
streamed in bounded memory.

The header line leaves first (one read: the organisation), then the rows. Rows are ordered by
learner last name, first name, then start date descending, and the names are not in the
projections: they live in the people collections, outside every generation, so no index of
`participations` can give that order. Instead of holding the campaign in memory, the export is
an **external merge sort**:

1. the participations of the campaign are read with a cursor (`batch_size` documents a round
   trip), people fetched per batch (`People.of`: three `_id $in` reads), each row serialised at
   once into its final bytes with its sort key;
2. every `run_size` rows are sorted and spilled to an anonymous temporary file (deleted when
   closed, also when the client goes away);
3. the runs are merged (`heapq.merge`, one record of each run in memory) and the lines leave in
   chunks of about `chunk_bytes`.

Memory is therefore at most one run plus one batch, whatever the campaign's size; a campaign of
fewer than `run_size` rows never touches the disk. The temporary files hold personal data for
the time of one export only (the OS deletes an anonymous file with its last descriptor).
Skill columns (the `SHOW_SKILLS` feature, §4.2 item 22) and the generic-import extra columns
(item 8) are not produced; every learner is exported (no "active learner" view here).
"""

from __future__ import annotations

import heapq
import struct
import tempfile
from collections import Counter
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass
from typing import IO, Any

from analytics.adapters.people import People
from analytics.adapters.projections import details
from analytics.application.projection import Generation
from analytics.domain import csv_format as fmt
from orga_shared.content.models import Release
from orga_shared.contracts.campaign import FrozenTarget
from orga_shared.names import fold

Doc = dict[str, Any]
Row = list[fmt.Value]

BATCH_SIZE = 1000
RUN_SIZE = 5000
CHUNK_BYTES = 64 * 1024
_RECORD = struct.Struct(">II")
_NEWEST_FIRST = 10**19
_SKIPPED_FIELDS = {"v": 0}
"""The guard version: not exported."""


@dataclass(frozen=True)
class Layout:
    """The header of one campaign's export and how one participation becomes its row."""

    header: list[str]
    row: Callable[[Doc, Doc], Row]


def _index(code: str) -> tuple[int, ...]:
    return tuple(int(p) if p.isdigit() else 0 for p in code.split("."))


class Columns:
    """What both exports share: the campaign columns, names, and the organisation's columns."""

    def __init__(self, campaign: Doc, organisation: Doc | None) -> None:
        org = organisation or {}
        self.campaign = campaign
        self.organisation_name = org.get("name", "")
        managing = bool(org.get("is_managing_students"))
        self.sco = managing and org.get("type") == "SCO"
        self.sup = managing and org.get("type") == "SUP"
        self.label: str | None = campaign.get("external_id_label") or None

    def start(self, who: Doc, target_name: str | None) -> Row:
        c = self.campaign
        row: Row = [self.organisation_name, c["_id"], c["code"], c["name"]]
        if target_name is not None:
            row.append(target_name)
        row += [who["last_name"], who["first_name"]]
        return row

    def start_header(self, with_target: bool) -> list[str]:
        header = ["Nom de l'organisation", "ID Campagne", "Code", "Nom de la campagne"]
        if with_target:
            header.append("Parcours")
        return [*header, "Nom du Participant", "Prénom du Participant"]


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def assessment_layout(campaign: Doc, organisation: Doc | None, release: Release) -> Layout:
    cols = Columns(campaign, organisation)
    target = FrozenTarget.model_validate(campaign["target"]) if campaign.get("target") else None
    skills = target.skills if target else ()
    stages = len(target.stages) if target else 0
    badges = target.badges if target else ()
    totals = Counter(s.competence for s in skills)
    competences = sorted(totals, key=_index)
    names = {c.code: c.name for a in release.areas for c in a.competences}
    area_of = {c.code: a for a in release.areas for c in a.competences}
    areas = sorted({area_of[c].code: area_of[c] for c in competences if c in area_of}.items())

    header = cols.start_header(with_target=True)
    if cols.sco:
        header.append("Classe")
    if cols.sup:
        header += ["Groupe", "Numéro Étudiant"]
    if cols.label:
        header.append(cols.label)
    header += ["% de progression", "Date de début", "Partage (O/N)", "Date du partage"]
    if stages:
        header.append(f"Palier obtenu (/{stages - 1})")
    header += [f"{b.title} obtenu (O/N)" for b in badges]
    header.append("% maitrise de l'ensemble des acquis du profil")
    for code in competences:
        name = names.get(code, code)
        header += [
            f"% de maitrise des acquis de la compétence {name}",
            f"Nombre d'acquis du profil cible dans la compétence {name}",
            f"Acquis maitrisés dans la compétence {name}",
        ]
    for _, area in areas:
        header += [
            f"% de maitrise des acquis du domaine {area.name}",
            f"Nombre d'acquis du profil cible du domaine {area.name}",
            f"Acquis maitrisés du domaine {area.name}",
        ]
    triplets = 3 * (len(competences) + len(areas))
    target_name = target.target_profile_name if target else ""

    def row(p: Doc, who: Doc) -> Row:
        out = cols.start(who, target_name)
        if cols.sco:
            out.append(_text(who.get("division")))
        if cols.sup:
            out += [_text(who.get("group")), _text(who.get("student_number"))]
        if cols.label:
            out.append(_text(who.get("participant_external_id")))
        shared = p.get("status") == "SHARED"
        progression = 1 if p.get("completed") else fmt.js_round(p.get("progression") or 0.0, 3)
        out += [progression, fmt.date(p.get("created_at")), shared]
        if not shared:
            out.append(fmt.NA)
            out += [fmt.NA] * ((1 if stages else 0) + len(badges) + 1 + triplets)
            return out
        out.append(fmt.date(p.get("shared_at")))
        if stages:
            reached = p.get("stage_reached")
            out.append(fmt.NA if reached is None else reached - 1)
        got = set(p.get("badges") or ())
        out += [b.key in got for b in badges]
        out.append(p.get("mastery_rate", fmt.NA))
        counts = {c["id"]: c for c in details(p).get("competences") or ()}
        sums: dict[str, list[int]] = {}
        for code in competences:
            c = counts.get(code, {})
            validated, total = int(c.get("validated", 0)), int(c.get("total", totals[code]))
            out += [fmt.ratio(validated, total), total, validated]
            if code in area_of:
                s = sums.setdefault(area_of[code].code, [0, 0])
                s[0] += validated
                s[1] += total
        for code, _ in areas:
            validated, total = sums.get(code, [0, 0])
            out += [fmt.ratio(validated, total), total, validated]
        return out

    return Layout(header, row)


def profiles_layout(campaign: Doc, organisation: Doc | None, release: Release) -> Layout:
    cols = Columns(campaign, organisation)
    pix = [c for a in release.areas for c in a.competences if c.origin == "Pix"]
    pix.sort(key=lambda c: _index(c.code))
    header = cols.start_header(with_target=False)
    if cols.sup:
        header.append("Groupe")
    if cols.sco:
        header.append("Classe")
    if cols.sup:
        header.append("Numéro Étudiant")
    if cols.label:
        header.append(cols.label)
    header += [
        "Envoi (O/N)",
        "Date de l'envoi",
        "Nombre de pix total",
        "Certifiable (O/N)",
        "Nombre de compétences certifiables",
    ]
    for c in pix:
        header += [
            f"Niveau pour la compétence {c.name}",
            f"Nombre de pix pour la compétence {c.name}",
        ]

    def row(p: Doc, who: Doc) -> Row:
        out = cols.start(who, None)
        if cols.sup:
            out.append(_text(who.get("group")))
        if cols.sco:
            out.append(_text(who.get("division")))
        if cols.sup:
            out.append(_text(who.get("student_number")))
        if cols.label:
            out.append(_text(who.get("participant_external_id")))
        shared = p.get("status") == "SHARED"
        out.append(shared)
        if not shared:
            return [*out, *[fmt.NA] * (4 + 2 * len(pix))]
        out += [
            fmt.date(p.get("shared_at")),
            p.get("pix_score", 0),
            bool(p.get("is_certifiable")),
            p.get("certifiable_competences", 0),
        ]
        levels = {c["competence"]: c for c in details(p).get("competence_levels") or ()}
        for c in pix:
            level = levels.get(c.code, {})
            out += [level.get("level", 0), level.get("pix", 0)]
        return out

    return Layout(header, row)


def sort_key(p: Doc, who: Doc) -> bytes:
    """Last name, first name (case and accents folded), newest start first, then the id."""
    created = p.get("created_at")
    micros = int(fmt.paris(created).timestamp() * 1_000_000) if created else 0
    parts = (
        fold(who.get("last_name") or ""),
        fold(who.get("first_name") or ""),
        f"{_NEWEST_FIRST - micros:020d}",
        str(p["_id"]),
    )
    return "\x00".join(s.replace("\x00", "") for s in parts).encode()


Record = tuple[bytes, bytes]


def _spill(records: list[Record]) -> IO[bytes]:
    records.sort()
    run = tempfile.TemporaryFile()
    for key, data in records:
        run.write(_RECORD.pack(len(key), len(data)))
        run.write(key)
        run.write(data)
    run.seek(0)
    return run


def _read(run: IO[bytes]) -> Iterator[Record]:
    while head := run.read(_RECORD.size):
        k, n = _RECORD.unpack(head)
        yield run.read(k), run.read(n)


class CsvExport:
    def __init__(
        self,
        gen: Generation,
        people: People,
        release: Release,
        *,
        batch_size: int = BATCH_SIZE,
        run_size: int = RUN_SIZE,
        chunk_bytes: int = CHUNK_BYTES,
    ) -> None:
        self.gen = gen
        self.people = people
        self.release = release
        self.batch_size = batch_size
        self.run_size = run_size
        self.chunk_bytes = chunk_bytes
        self.runs_spilled = 0
        """How many runs the last export wrote to disk (0: sorted in memory)."""

    async def layout(self, campaign: Doc) -> Layout:
        organisation = await self.gen.col("organisations").find_one(
            {"_id": campaign["organisation_id"]}
        )
        build = profiles_layout if campaign["type"] == "PROFILES_COLLECTION" else assessment_layout
        return build(campaign, organisation, self.release)

    async def lines(self, campaign: Doc) -> AsyncIterator[bytes]:
        """The file: BOM and header at once, then the sorted rows in chunks."""
        layout = await self.layout(campaign)
        yield (fmt.BOM + fmt.line(layout.header)).encode()
        runs: list[IO[bytes]] = []
        try:
            current: list[Record] = []
            batch: list[Doc] = []
            found = self.gen.col("participations").find(
                {"campaign_id": campaign["_id"]},
                projection=_SKIPPED_FIELDS,
                batch_size=self.batch_size,
            )
            async for p in found:
                if p.get("deleted"):
                    continue
                batch.append(p)
                if len(batch) >= self.batch_size:
                    await self._rows(batch, layout, current)
                    batch = []
                    if len(current) >= self.run_size:
                        runs.append(_spill(current))
                        current = []
            if batch:
                await self._rows(batch, layout, current)
            if runs and current:
                runs.append(_spill(current))
                current = []
            self.runs_spilled = len(runs)
            if runs:
                records: Iterator[Record] = heapq.merge(*(_read(r) for r in runs))
            else:
                current.sort()
                records = iter(current)
            chunk: list[bytes] = []
            size = 0
            for _, data in records:
                chunk.append(data)
                size += len(data)
                if size >= self.chunk_bytes:
                    yield b"".join(chunk)
                    chunk, size = [], 0
            if chunk:
                yield b"".join(chunk)
        finally:
            for run in runs:
                run.close()

    async def _rows(self, batch: list[Doc], layout: Layout, into: list[Record]) -> None:
        people = await self.people.of(batch)
        for p in batch:
            who = people[p["_id"]]
            into.append((sort_key(p, who), fmt.line(layout.row(p, who)).encode()))

"""What a challenge screen shows, and the answer value built from the submitted form.

The value formats are assessment's (docs/content-format.md): QCU the 1-based index of the chosen
proposal, QCM the comma list of indexes, QROC the typed text, QROCM a YAML `key: value` mapping
of every `${key}` field of the proposals.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml

from orga_shared.content.blocks import Block, block_spans, parse_blocks

CHOICE_TYPES = ("QCU", "QCM")
NO_ANSWER = "Pour valider, sélectionnez une réponse. Sinon, passez."
NO_TEXT = "Pour valider, répondez à la question. Sinon, passez."
FIELD_PREFIX = "champ_"


@dataclass(frozen=True)
class Piece:
    """A run of proposal text, or the field that follows it (with the text as its label)."""

    text: str
    block: Block | None = None
    label: str = ""


@dataclass(frozen=True)
class Screen:
    challenge: dict[str, Any]
    choices: list[tuple[str, str]] = field(default_factory=list)  # (value, text)
    pieces: list[Piece] = field(default_factory=list)

    @property
    def type(self) -> str:
        return str(self.challenge["type"])

    @property
    def fields(self) -> list[Block]:
        return [p.block for p in self.pieces if p.block is not None]


def _split(proposals: str) -> list[Piece]:
    """The proposal text cut at each `${...}` block; a field is labelled by the text on its
    line before it (« Protocole : »), or numbered when that text is empty."""
    blocks = parse_blocks(proposals)
    pieces: list[Piece] = []
    done = 0
    for number, (block, (start, end)) in enumerate(
        zip(blocks, block_spans(proposals), strict=True), start=1
    ):
        before = proposals[done:start]
        line = before.rsplit("\n", 1)[-1].strip().rstrip(":").strip()
        pieces.append(Piece(before))
        pieces.append(Piece("", block, line or f"Réponse {number}"))
        done = end + 1
    if proposals[done:]:
        pieces.append(Piece(proposals[done:]))
    return pieces


def screen(challenge: dict[str, Any]) -> Screen:
    proposals = challenge["proposals"]
    if challenge["type"] in CHOICE_TYPES:
        items = proposals if isinstance(proposals, list) else str(proposals).splitlines()
        return Screen(challenge, choices=[(str(i), text) for i, text in enumerate(items, 1)])
    return Screen(challenge, pieces=_split(str(proposals)))


@dataclass(frozen=True)
class Built:
    value: str | None
    error: str | None = None
    kept: dict[str, Any] = field(default_factory=dict)  # what to show again after an error


def build_value(challenge: dict[str, Any], form: Any) -> Built:
    """The answer value, or the French error shown when « Je valide » has nothing to send."""
    kind = challenge["type"]
    if kind == "QCU":
        chosen = str(form.get("reponse") or "")
        return Built(chosen) if chosen else Built(None, NO_ANSWER)
    if kind == "QCM":
        chosen = sorted({str(v) for v in form.getlist("reponse") if v}, key=int)
        return (
            Built(",".join(chosen), kept={"chosen": chosen}) if chosen else Built(None, NO_ANSWER)
        )
    blocks = screen(challenge).fields
    typed = {b.key: str(form.get(f"{FIELD_PREFIX}{b.key}") or "").strip() for b in blocks}
    if not any(typed.values()):
        return Built(None, NO_TEXT, kept={"typed": typed})
    if kind == "QROC":
        return Built(next(iter(typed.values())), kept={"typed": typed})
    return Built(yaml.safe_dump(typed, allow_unicode=True, sort_keys=False), kept={"typed": typed})

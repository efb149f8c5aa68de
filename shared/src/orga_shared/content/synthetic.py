"""`python -m orga_shared.content.synthetic --skills 5000 --out DIR`: a large fake release.

For benchmarks only: same format as the real release (so `load_release(DIR)` reads it), same
seed -> same files. It never writes into the packaged release.
"""

from __future__ import annotations

import argparse
import random
import sys
from collections.abc import Sequence
from importlib.resources import files
from pathlib import Path
from typing import Any

import yaml

from .framework import CHALLENGE_TYPES
from .yamltext import dump

_RELEASE = files("orga_shared.content").joinpath("release")
_WORDS = ("alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "india")


def _letters(index: int) -> str:
    """0 -> 'a', 25 -> 'z', 26 -> 'ba': tube suffixes that never end with a digit."""
    out = ""
    while True:
        index, rest = divmod(index, 26)
        out = chr(ord("a") + rest) + out
        if index == 0:
            return out


def _challenge(rng: random.Random, cid: str, type_: str) -> dict[str, Any]:
    words = rng.sample(_WORDS, 4)
    base: dict[str, Any] = {"id": cid, "type": type_, "instruction": f"Question {cid} ?"}
    if type_ == "QCU":
        base |= {"proposals": words, "solution": str(rng.randint(1, 4))}
    elif type_ == "QCM":
        base |= {"proposals": words, "solution": ",".join(sorted(rng.sample("1234", 2)))}
    elif type_ == "QROC":
        base |= {"proposals": "Réponse : ${reponse}", "solution": f"{words[0]}\n{words[1]}\n"}
    elif type_ == "QROCM-ind":
        base |= {
            "proposals": "Premier : ${a}\nSecond : ${b}",
            "solution": yaml.safe_dump({"a": [words[0]], "b": [words[1], words[2]]}),
        }
    else:
        base |= {
            "proposals": "Un : ${p1}\nDeux : ${p2}",
            "solution": yaml.safe_dump({"g1": [words[0]], "g2": [words[1]], "g3": [words[2]]}),
        }
    if rng.random() < 0.1:
        base["timer"] = 60
    return base


def _tube(rng: random.Random, index: int, budget: int) -> dict[str, Any]:
    name = f"@syn{_letters(index)}"
    start = rng.randint(1, 3)
    levels = list(range(start, start + rng.randint(4, 6)))  # 4..6 levels, at most up to 8
    count = min(len(levels), budget)
    if budget - count == 1:
        count -= 1  # never leave a single skill for the last tube: a tube needs two
    levels = levels[:count]
    tutorials = [
        {
            "id": f"tuto-{name[1:]}-{k}",
            "title": f"Tutoriel {k} de {name}",
            "source": "Synthétique",
            "format": ("page", "video", "pdf")[k % 3],
            "duration": "00:03:00",
            "link": f"https://example.org/{name[1:]}/{k}",
        }
        for k in (1, 2)
    ]
    skills = [
        {
            "level": level,
            "tutorials": [tutorials[0]["id"]],
            "challenges": [
                _challenge(rng, f"ch-{name[1:]}{level}-{k}", rng.choice(CHALLENGE_TYPES))
                for k in "ab"
            ],
        }
        for level in levels
    ]
    return {"name": name, "title": f"Sujet {name}", "tutorials": tutorials, "skills": skills}


def generate(skills: int, out: Path, seed: int = 42) -> dict[str, int]:
    """Write a release of about `skills` skills into `out`; returns what was written."""
    if skills < 32:
        raise ValueError("a release needs at least one tube of two skills per competence (32)")
    if out.resolve() == Path(str(_RELEASE)).resolve():
        raise ValueError("refusing to overwrite the real release")
    rng = random.Random(seed)
    areas = yaml.safe_load(_RELEASE.joinpath("areas.yaml").read_text(encoding="utf-8"))
    codes = [c["code"] for area in areas["areas"] for c in area["competences"]]
    tubes: dict[str, list[dict[str, Any]]] = {code: [] for code in codes}
    written = 0
    while written < skills:
        code = codes[sum(len(v) for v in tubes.values()) % len(codes)]
        still_empty = sum(1 for c, v in tubes.items() if not v and c != code)
        tube = _tube(rng, written, skills - written - 2 * still_empty)  # 2 left for each of those
        tubes[code].append(tube)
        written += len(tube["skills"])
    (out / "competences").mkdir(parents=True, exist_ok=True)
    (out / "target_profiles").mkdir(exist_ok=True)
    _write(out / "release.yaml", {"version": f"0.{seed}.{skills}", "title": "Synthétique"})
    _write(out / "areas.yaml", areas)
    for code, items in tubes.items():
        thematics = [
            {"id": f"th-{code}-{i // 4}", "name": f"Thématique {i // 4}", "tubes": items[i : i + 4]}
            for i in range(0, len(items), 4)
        ]
        _write(out / "competences" / f"{code}.yaml", {"competence": code, "thematics": thematics})
        _write(out / "target_profiles" / f"tp-{code}.yaml", _profile(code, items))
    return {"skills": written, "tubes": sum(len(v) for v in tubes.values())}


def _profile(code: str, tubes: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "id": f"tp-{code}",
        "name": f"Compétence {code} (synthétique)",
        "category": "COMPETENCES",
        "tubes": [{"tube": t["name"], "level": t["skills"][-1]["level"]} for t in tubes],
        "stages": [
            {"threshold": value, "title": f"Palier {value}", "message": f"Vous avez {value} %."}
            for value in (0, 30, 60, 90)
        ],
    }


def _write(path: Path, data: Any) -> None:
    path.write_text(dump(data), encoding="utf-8")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="synthetic-content", description=__doc__)
    parser.add_argument("--skills", type=int, default=5000)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args(argv)
    summary = generate(args.skills, args.out, args.seed)
    print(f"wrote {summary['skills']} skills in {summary['tubes']} tubes to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

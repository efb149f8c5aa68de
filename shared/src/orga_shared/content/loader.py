"""Reading a release folder: per-file validation with precise locations, then the whole.

`load_release()` is what services call (cached); `read_release()` is what the lint uses, since
it must report every problem instead of stopping at the first broken file.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass, field
from importlib.resources import as_file, files
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from .checks import Problem, cross_problems
from .framework import AreasFile, CompetenceContent, ReleaseInfo
from .models import ContentError, Release
from .profiles import TargetProfile
from .yamltext import load_strict

M = TypeVar("M", bound=BaseModel)


@dataclass
class ReleaseFiles:
    """The validated files of a release folder, and the problems of those that were not."""

    info: ReleaseInfo | None = None
    areas: AreasFile | None = None
    competences: list[CompetenceContent] = field(default_factory=list)
    profiles: list[TargetProfile] = field(default_factory=list)
    competence_files: set[str] = field(default_factory=set)
    problems: list[Problem] = field(default_factory=list)


def _describe(node: Any) -> str:
    """A hint naming the entity at a path, so `skills[2]` reads `skills[2](level 3)`."""
    if not isinstance(node, dict):
        return ""
    for key in ("id", "key", "name", "tube"):
        if isinstance(node.get(key), str):
            return f"({node[key]})"
    return f"(level {node['level']})" if "level" in node else ""


def _has(node: Any, step: int | str) -> bool:
    if isinstance(node, list):
        return isinstance(step, int) and 0 <= step < len(node)
    return isinstance(node, dict) and step in node


def _location(data: Any, loc: Sequence[int | str]) -> str:
    """A pydantic error path as a place in the file, e.g. `thematics[0](th-1).tubes[1](@url)`."""
    parts: list[str] = []
    node = data
    for step in loc:
        if not _has(node, step):
            continue  # pydantic's union-member labels are not places in the file
        node = node[step]
        parts.append(f"[{step}]" if isinstance(step, int) else f".{step}" if parts else str(step))
        parts.append(_describe(node))
    return "".join(parts) or "(file)"


def _read(path: Path, root: Path, model: type[M], problems: list[Problem]) -> M | None:
    relative = path.relative_to(root).as_posix()
    try:
        data = load_strict(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        problems.append(Problem(relative, "(file)", f"cannot read: {exc}"))
        return None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "(file)"
        problems.append(Problem(relative, where, f"invalid YAML: {getattr(exc, 'problem', exc)}"))
        return None
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        for error in exc.errors(include_url=False):
            message = error["msg"].removeprefix("Value error, ")
            problems.append(Problem(relative, _location(data, error["loc"]), message))
        return None


def _read_competences(root: Path, found: ReleaseFiles) -> None:
    for path in sorted((root / "competences").glob("*.yaml")):
        found.competence_files.add(path.stem)
        content = _read(path, root, CompetenceContent, found.problems)
        if content is None:
            continue
        if content.competence != path.stem:
            found.problems.append(
                Problem(
                    f"competences/{path.name}",
                    "competence",
                    f"file of competence {content.competence} must be named "
                    f"{content.competence}.yaml",
                )
            )
            continue
        found.competences.append(content)


def _read_profiles(root: Path, found: ReleaseFiles) -> None:
    for path in sorted((root / "target_profiles").glob("*.yaml")):
        profile = _read(path, root, TargetProfile, found.problems)
        if profile is None:
            continue
        if profile.id != path.stem:
            found.problems.append(
                Problem(
                    f"target_profiles/{path.name}",
                    "id",
                    f"profile {profile.id} must be in {profile.id}.yaml",
                )
            )
            continue
        found.profiles.append(profile)


def read_release(root: Path) -> ReleaseFiles:
    """Validate every file of a release folder, then the cross-file rules; collect all problems."""
    found = ReleaseFiles()
    for name in ("release.yaml", "areas.yaml"):
        if not (root / name).is_file():
            found.problems.append(Problem(name, "(file)", f"missing in {root}"))
    if (root / "release.yaml").is_file():
        found.info = _read(root / "release.yaml", root, ReleaseInfo, found.problems)
    if (root / "areas.yaml").is_file():
        found.areas = _read(root / "areas.yaml", root, AreasFile, found.problems)
    _read_competences(root, found)
    _read_profiles(root, found)
    if found.areas is not None:
        found.problems.extend(
            cross_problems(
                found.areas,
                found.competences,
                found.profiles,
                competence_files=found.competence_files,
            )
        )
    return found


def build_release(root: Path) -> Release:
    """The release of a folder, or a ContentError listing every problem in it."""
    found = read_release(root)
    if found.problems or found.info is None or found.areas is None:
        raise ContentError(found.problems)
    return Release.assemble(found.info, found.areas, found.competences, found.profiles)


@functools.lru_cache(maxsize=8)
def _load_cached(root: str) -> Release:
    return build_release(Path(root))


def load_release(path: str | Path | None = None) -> Release:
    """The release at `path`, by default the one shipped in this package; loaded once per path."""
    if path is not None:
        return _load_cached(str(Path(path).resolve()))
    with as_file(files("orga_shared.content").joinpath("release")) as root:
        return _load_cached(str(Path(root).resolve()))


def clear_cache() -> None:
    """Forget loaded releases (tests that rewrite a release folder need this)."""
    _load_cached.cache_clear()

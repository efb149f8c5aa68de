"""Cross-file checks of a release: what no single file can see (ids, references, coverage)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .framework import AreasFile, CompetenceContent
from .profiles import TargetProfile


@dataclass(frozen=True, order=True)
class Problem:
    """One defect of the release, pointed at precisely enough to fix it without searching."""

    file: str
    location: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}: {self.location}: {self.message}"


def competence_file(code: str) -> str:
    return f"competences/{code}.yaml"


def profile_file(profile_id: str) -> str:
    return f"target_profiles/{profile_id}.yaml"


class _Registry:
    """Remembers where each id was first seen, to report duplicates with both places."""

    def __init__(self, kind: str, problems: list[Problem]) -> None:
        self.kind = kind
        self.seen: dict[str, str] = {}
        self.problems = problems

    def add(self, key: str, file: str, location: str) -> None:
        first = self.seen.setdefault(key, f"{file} {location}")
        if first != f"{file} {location}":
            self.problems.append(
                Problem(file, location, f"duplicate {self.kind} {key!r} (first in {first})")
            )


def _area_problems(areas: AreasFile, files: set[str], problems: list[Problem]) -> None:
    codes = _Registry("area code", problems)
    competences = _Registry("competence code", problems)
    for i, area in enumerate(areas.areas):
        codes.add(area.code, "areas.yaml", f"areas[{i}]")
        for j, competence in enumerate(area.competences):
            where = f"areas[{i}].competences[{j}]"
            competences.add(competence.code, "areas.yaml", where)
            if competence.code.split(".")[0] != area.code:
                problems.append(
                    Problem("areas.yaml", where, f"{competence.code} is not in area {area.code}")
                )
            if competence.code not in files:
                problems.append(
                    Problem("areas.yaml", where, f"no file {competence_file(competence.code)}")
                )


def _content_problems(
    competences: Sequence[CompetenceContent], listed: set[str], problems: list[Problem]
) -> set[str]:
    """Ids, references and area membership inside competence files; returns tutorial ids."""
    registries = {
        kind: _Registry(kind, problems)
        for kind in ("thematic id", "tube", "tutorial id", "challenge id")
    }
    references: list[tuple[str, str, str]] = []
    for content in competences:
        file = competence_file(content.competence)
        if content.competence not in listed:
            problems.append(
                Problem(file, "competence", f"{content.competence} is not in areas.yaml")
            )
        for t, thematic in enumerate(content.thematics):
            registries["thematic id"].add(thematic.id, file, f"thematics[{t}]")
            for u, tube in enumerate(thematic.tubes):
                tube_at = f"thematics[{t}].tubes[{u}]"
                registries["tube"].add(tube.name, file, tube_at)
                for k, tutorial in enumerate(tube.tutorials):
                    registries["tutorial id"].add(tutorial.id, file, f"{tube_at}.tutorials[{k}]")
                for s, skill in enumerate(tube.skills):
                    skill_at = f"{tube_at}.skills[{s}]({skill.name})"
                    for c, challenge in enumerate(skill.challenges):
                        registries["challenge id"].add(
                            challenge.id, file, f"{skill_at}.challenges[{c}]"
                        )
                    for ref in (*skill.tutorials, *skill.learning_more_tutorials):
                        references.append((ref, file, skill_at))
    tutorials = set(registries["tutorial id"].seen)
    for ref, file, where in references:
        if ref not in tutorials:
            problems.append(Problem(file, where, f"unknown tutorial {ref!r}"))
    return tutorials


def _profile_problems(
    profiles: Sequence[TargetProfile],
    competences: Sequence[CompetenceContent],
    problems: list[Problem],
    *,
    partial: bool,
) -> None:
    active_levels: dict[str, list[int]] = {
        tube.name: [s.level for s in tube.skills if s.is_active]
        for content in competences
        for tube in content.tubes
    }
    ids = _Registry("target profile id", problems)
    badge_keys = _Registry("badge key", problems)
    for profile in profiles:
        file = profile_file(profile.id)
        ids.add(profile.id, file, "id")
        for b, badge in enumerate(profile.badges):
            badge_keys.add(badge.key, file, f"badges[{b}]")
        for i, capped in enumerate(profile.tubes):
            where = f"tubes[{i}]({capped.tube})"
            if capped.tube not in active_levels:
                if partial:
                    continue
                problems.append(Problem(file, where, f"unknown tube {capped.tube!r}"))
            elif not any(level <= capped.level for level in active_levels[capped.tube]):
                problems.append(
                    Problem(
                        file, where, f"no active skill of {capped.tube} at level <= {capped.level}"
                    )
                )


def cross_problems(
    areas: AreasFile,
    competences: Sequence[CompetenceContent],
    profiles: Sequence[TargetProfile],
    *,
    competence_files: set[str] | None = None,
) -> list[Problem]:
    """Every cross-file defect: duplicates, dangling references, competences without a file.

    `competence_files` (codes of the files present, valid or not) marks a partial release: some
    files failed to load, so references into them are not reported as dangling.
    """
    problems: list[Problem] = []
    listed = {c.code for area in areas.areas for c in area.competences}
    loaded = {c.competence for c in competences}
    _area_problems(areas, competence_files or loaded, problems)
    _content_problems(competences, listed, problems)
    partial = competence_files is not None and not competence_files <= loaded
    _profile_problems(profiles, competences, problems, partial=partial)
    return problems

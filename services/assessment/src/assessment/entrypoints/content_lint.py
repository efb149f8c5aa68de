"""`python -m assessment.entrypoints.content_lint [path]`: every problem of a release, or counts.

The kernel's load checks (file format, references, solution format) and then assessment's own
rule: every challenge accepts its own solution (`assessment.domain.answers.selfcheck`). It lives
in assessment because that last check needs answer validation.

Exit 1 with one line per problem (file: location: message); exit 0 with one JSON line of
counts as the last line, which `make content-lint` and CI read.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from importlib.resources import as_file, files
from pathlib import Path

from assessment.domain.answers import self_check_problems
from orga_shared.content.checks import Problem
from orga_shared.content.loader import read_release
from orga_shared.content.models import ContentError, Release


def lint(root: Path) -> tuple[list[Problem], Release | None]:
    """All problems of the release folder; the release itself when there are none."""
    found = read_release(root)
    problems = list(found.problems)
    for content in found.competences:
        problems.extend(self_check_problems(content))
    if problems or found.info is None or found.areas is None:
        return problems, None
    try:
        release = Release.assemble(found.info, found.areas, found.competences, found.profiles)
    except ContentError as exc:
        return exc.problems, None
    return [], release


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="content-lint", description=__doc__)
    parser.add_argument("path", nargs="?", help="release folder (default: the packaged one)")
    args = parser.parse_args(argv)
    with as_file(files("orga_shared.content").joinpath("release")) as packaged:
        root = Path(args.path) if args.path else Path(packaged)
        problems, release = lint(root)
    if release is None:
        for problem in problems:
            print(problem)
        print(f"content-lint: {len(problems)} problem(s) in {root}", file=sys.stderr)
        return 1
    print(json.dumps(release.counts(), ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())

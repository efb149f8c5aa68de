"""Each challenge must accept its own solution: catches variants the treatments make collide.

It needs the validation rule, so it lives with it; the content linter
(`python -m assessment.entrypoints.content_lint`, `make content-lint`) runs it over the release
after the kernel's load checks.
"""

from __future__ import annotations

from collections.abc import Iterator

from orga_shared.content.checks import Problem, competence_file
from orga_shared.content.framework import Challenge, CompetenceContent
from orga_shared.content.solutions import accepted_lines
from orga_shared.content.yamltext import dump

from .correction import expected_fields
from .validation import validate
from .values import AnswerFormatError


def expected_answers(challenge: Challenge) -> Iterator[str]:
    """Answers a learner giving the official solution would submit."""
    if challenge.type in ("QCU", "QCM"):
        yield challenge.solution
    elif challenge.type == "QROC":
        yield from accepted_lines(challenge.solution)
    else:
        fields = expected_fields(challenge)
        yield dump(fields)
        if challenge.type == "QROCM-dep":
            # learners may answer in any order: a reversed order must pass too
            yield dump(dict(zip(fields, reversed(fields.values()), strict=True)))


def self_check_problems(content: CompetenceContent) -> list[Problem]:
    """Challenges of a competence whose own solution would be marked wrong."""
    problems: list[Problem] = []
    for t, thematic in enumerate(content.thematics):
        for u, tube in enumerate(thematic.tubes):
            for s, skill in enumerate(tube.skills):
                for c, challenge in enumerate(skill.challenges):
                    where = (
                        f"thematics[{t}].tubes[{u}]({tube.name}).skills[{s}]({skill.name})"
                        f".challenges[{c}]({challenge.id})"
                    )
                    for answer in expected_answers(challenge):
                        try:
                            status: str = validate(challenge, answer).status
                        except AnswerFormatError as exc:
                            status = f"error: {exc}"
                        if status != "ok":
                            problems.append(
                                Problem(
                                    competence_file(content.competence),
                                    where,
                                    f"its own solution {answer.strip()!r} is marked {status}",
                                )
                            )
    return problems

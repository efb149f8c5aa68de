"""Each challenge must accept its own solution: catches variants the treatments make collide."""

from __future__ import annotations

from collections.abc import Iterator

from .blocks import parse_blocks
from .checks import Problem, competence_file
from .framework import Challenge, CompetenceContent
from .solutions import accepted_lines, parse_variants
from .validation import AnswerFormatError, validate
from .yamltext import dump


def expected_answers(challenge: Challenge) -> Iterator[str]:
    """Answers a learner giving the official solution would submit."""
    if challenge.type in ("QCU", "QCM"):
        yield challenge.solution
    elif challenge.type == "QROC":
        yield from accepted_lines(challenge.solution)
    else:
        variants = parse_variants(challenge.solution)
        if challenge.type == "QROCM-ind":
            yield dump({key: values[0] for key, values in variants.items()})
        else:
            keys = [b.key for b in parse_blocks(str(challenge.proposals))]
            firsts = [values[0] for values in variants.values()][: len(keys)]
            yield dump(dict(zip(keys, firsts, strict=False)))
            # learners may answer in any order: a reversed order must pass too
            yield dump(dict(zip(keys, reversed(firsts), strict=False)))


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

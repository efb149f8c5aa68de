"""Answers: how one is corrected, type by type, and what the learner sees afterwards.

Assessment's rule (docs/domain/adaptive-engine.md §2): the kernel ships the release and checks
at load that every challenge's proposals and solution have their format
(`orga_shared.content.solutions`, docs/content-format.md); correcting an answer is done here.

- `validate(challenge, value, *, timed_out=False) -> AnswerResult`: `#ABAND#` (`SKIPPED_VALUE`)
  is `aband`; a correct answer with `timed_out` is `timedout`; raises `AnswerFormatError` for a
  QROCM answer that is not `key: value` YAML of the challenge's fields.
- `correction(challenge) -> Correction`: the right proposal(s), the accepted answer, the
  expected value per field (§2.7).
- `self_check_problems(content)`: challenges whose own solution would be marked wrong.
"""

from .correction import Correction, correction, expected_fields
from .selfcheck import expected_answers, self_check_problems
from .validation import SKIPPED_VALUE, AnswerResult, AnswerStatus, validate
from .values import AnswerFormatError

__all__ = [
    "SKIPPED_VALUE",
    "AnswerFormatError",
    "AnswerResult",
    "AnswerStatus",
    "Correction",
    "correction",
    "expected_answers",
    "expected_fields",
    "self_check_problems",
    "validate",
]

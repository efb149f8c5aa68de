"""Learning content: the release (areas to challenges, target profiles) and answer validation."""

from .loader import load_release
from .models import ContentError, Release
from .validation import AnswerResult, validate

__all__ = ["AnswerResult", "ContentError", "Release", "load_release", "validate"]

"""Learning content: the release (areas to challenges, target profiles), its format and loading.

Correcting answers is assessment's rule (`assessment.domain.answers`), not the kernel's.
"""

from .loader import load_release
from .models import ContentError, Release

__all__ = ["ContentError", "Release", "load_release"]

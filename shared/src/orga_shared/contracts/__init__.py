"""Published event contracts: the payload models other services decode.

A service's `domain/events.py` re-exports its events from here, so a consumer never imports
another service's package, and `make schemas` finds every event version in one place.
"""

import importlib
import pkgutil

for _module in pkgutil.iter_modules(__path__):
    importlib.import_module(f"{__name__}.{_module.name}")

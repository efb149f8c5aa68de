"""YAML readers: a strict one for release files, a failsafe one for solutions and answers."""

from __future__ import annotations

from typing import Any

import yaml


class _StrictLoader(yaml.CSafeLoader if yaml.__with_libyaml__ else yaml.SafeLoader):  # type: ignore[misc]
    """Safe loader that refuses duplicate mapping keys, which PyYAML would silently overwrite."""


def _construct_mapping(loader: yaml.SafeLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    seen: set[Any] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                "while constructing a mapping",
                node.start_mark,
                f"found duplicate key {key!r}",
                key_node.start_mark,
            )
        seen.add(key)
    return loader.construct_mapping(node, deep=True)


_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


_FAILSAFE = getattr(yaml, "CBaseLoader", yaml.BaseLoader)


def load_strict(text: str) -> Any:
    """Parse a release file; duplicate keys are errors because they hide authoring mistakes."""
    return yaml.load(text, Loader=_StrictLoader)


def load_failsafe(text: str) -> Any:
    """Parse solution/answer YAML keeping every scalar a string, like the FAILSAFE schema."""
    return yaml.load(text, Loader=_FAILSAFE)


def dump(data: Any) -> str:
    """Write YAML the way the release files are written: key order kept, accents readable."""
    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    return yaml.dump(data, Dumper=dumper, sort_keys=False, allow_unicode=True, width=100)

"""Give kubeconform offline schemas: those shipped by the kubernetes-validate package.

kubeconform downloads its schemas, which this network cannot; kubernetes-validate (a dev
dependency) ships the same OpenAPI-derived schemas, but with absolute `$id`/`$ref` URLs that
only its own resolver understands. This rewrites them into kubeconform's local layout.
Usage: python kubeconform_schemas.py K8S_VERSION DEST_DIR
"""

import json
import sys
from pathlib import Path

import kubernetes_validate

DEFINITIONS = "/api/_definitions.json#"


def relative_refs(node: object) -> object:
    if isinstance(node, dict):
        return {
            key: value.replace(DEFINITIONS, "_definitions.json#")
            if key == "$ref" and isinstance(value, str)
            else relative_refs(value)
            for key, value in node.items()
            if key != "$id"
        }
    if isinstance(node, list):
        return [relative_refs(item) for item in node]
    return node


def main(version: str, dest: Path) -> int:
    source = Path(kubernetes_validate.__file__).parent / "kubernetes-json-schema"
    source = source / f"v{version}-local-strict"
    if not source.is_dir():
        print(f"kubernetes-validate has no schemas for Kubernetes {version}", file=sys.stderr)
        return 1
    target = dest / f"v{version}-standalone-strict"
    target.mkdir(parents=True, exist_ok=True)
    count = 0
    for schema in sorted(source.glob("*.json")):
        converted = relative_refs(json.loads(schema.read_text()))
        (target / schema.name).write_text(json.dumps(converted))
        count += 1
    print(f"{count} schemas for Kubernetes {version} in {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], Path(sys.argv[2])))

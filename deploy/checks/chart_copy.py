"""A copy of the chart that Helm renders offline (scripts/validate-deploy.sh, tests/deploy).

Helm refuses to render a chart whose declared dependencies are absent from charts/, even when
their condition is false, and fetching them needs the network. The copy gets empty placeholders
for the two optional dependencies (disabled in every values file checked).

    python deploy/checks/chart_copy.py deploy/helm/orga /tmp/work/orga
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import yaml


def chart_copy(chart: Path, target: Path) -> list[str]:
    """Copy `chart` to `target` with placeholder dependencies; the names of the placeholders."""
    shutil.copytree(chart, target, ignore=shutil.ignore_patterns("charts"))
    declared = yaml.safe_load((chart / "Chart.yaml").read_text()).get("dependencies", [])
    for dependency in declared:
        placeholder = target / "charts" / dependency["name"]
        placeholder.mkdir(parents=True)
        (placeholder / "Chart.yaml").write_text(
            f"apiVersion: v2\nname: {dependency['name']}\nversion: {dependency['version']}\n"
        )
    return [f"{d['name']} {d['version']}" for d in declared]


if __name__ == "__main__":
    for name in chart_copy(Path(sys.argv[1]), Path(sys.argv[2])):
        print(f"placeholder for disabled dependency {name}")

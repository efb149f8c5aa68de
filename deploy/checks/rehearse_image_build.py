"""Rehearse the builder stage of services/<name>/Dockerfile without a Docker engine.

Replays the stage's COPY and `uv sync` steps in a scratch directory holding only what the
build context (minus .dockerignore) would give, into a scratch virtualenv, then checks that the
service and the kernel are installed as wheels and that the `orga-<name>` script is declared.
This catches a Dockerfile that copies too little for `uv sync --frozen --package` to work.
Usage: python rehearse_image_build.py REPO_ROOT SERVICE [SERVICE ...]
"""

import fnmatch
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path


def logical_lines(text: str) -> list[str]:
    lines, current = [], ""
    for raw in text.splitlines():
        stripped = raw.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if stripped.endswith("\\"):
            current += stripped[:-1] + " "
            continue
        lines.append(current + stripped)
        current = ""
    return lines


def builder_stage(dockerfile: Path) -> tuple[dict[str, str], list[tuple[str, str]]]:
    """ARG defaults and the (instruction, arguments) of the stage named builder."""
    args: dict[str, str] = {}
    steps: list[tuple[str, str]] = []
    in_builder = False
    for line in logical_lines(dockerfile.read_text()):
        instruction, _, rest = line.partition(" ")
        instruction = instruction.upper()
        if instruction == "FROM":
            in_builder = bool(re.search(r"\bAS\s+builder\b", rest, re.IGNORECASE))
        elif instruction == "ARG" and "=" in rest:
            name, _, value = rest.partition("=")
            args.setdefault(name.strip(), value.strip())
        if in_builder and instruction in {"ARG", "COPY", "RUN", "WORKDIR", "ENV"}:
            steps.append((instruction, rest))
    return args, steps


def expand(text: str, values: dict[str, str]) -> str:
    return re.sub(r"\$\{(\w+)\}|\$(\w+)", lambda m: values.get(m[1] or m[2], m[0]), text)


def ignored(relative: str, patterns: list[str]) -> bool:
    parts = relative.split("/")
    for pattern in patterns:
        bare = pattern.removeprefix("**/")
        if fnmatch.fnmatch(relative, pattern) or fnmatch.fnmatch(relative, bare):
            return True
        if pattern.startswith("**/") and any(
            fnmatch.fnmatch("/".join(parts[i:]), bare) for i in range(len(parts))
        ):
            return True
        if any(fnmatch.fnmatch("/".join(parts[: i + 1]), bare) for i in range(len(parts))):
            return True
    return False


def copy_from_context(root: Path, source: str, dest: Path, patterns: list[str]) -> None:
    origin = root / source
    if origin.is_file():
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(origin, dest)
        return
    for path in origin.rglob("*"):
        relative = path.relative_to(root).as_posix()
        if path.is_file() and not ignored(relative, patterns):
            target = dest / path.relative_to(origin)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, target)


def rehearse(root: Path, service: str, patterns: list[str]) -> None:
    dockerfile = root / "services" / service / "Dockerfile"
    args, steps = builder_stage(dockerfile)
    if args.get("SERVICE") != service:
        raise SystemExit(f"{dockerfile}: ARG SERVICE defaults to {args.get('SERVICE')!r}")
    with tempfile.TemporaryDirectory(prefix=f"rehearse-{service}-") as scratch:
        src, venv = Path(scratch) / "src", Path(scratch) / "venv"
        workdir = src
        env = dict(os.environ, UV_PROJECT_ENVIRONMENT=str(venv), UV_PYTHON="3.11")
        env.pop("VIRTUAL_ENV", None)
        syncs = 0
        for instruction, rest in steps:
            rest = expand(rest, args)
            if instruction == "WORKDIR":
                workdir = src
            elif instruction == "COPY":
                words = [w for w in shlex.split(rest) if not w.startswith("--")]
                *sources, dest = words
                for source in sources:
                    target = workdir / dest
                    if dest.endswith("/") and (root / source).is_file():
                        target = target / Path(source).name
                    copy_from_context(root, source.rstrip("/"), target, patterns)
            elif instruction == "RUN" and "uv sync" in rest:
                command = shlex.split(rest[rest.index("uv sync") :])
                subprocess.run(command, cwd=workdir, env=env, check=True, capture_output=True)
                syncs += 1
        if syncs != 2:
            raise SystemExit(f"{dockerfile}: expected 2 uv sync steps, found {syncs}")
        probe = (
            "import importlib.metadata as m, importlib.util as u, sys;"
            f"ep = m.entry_points(group='console_scripts')['orga-{service}'];"
            f"assert ep.value == '{service}.entrypoints.cli:main', ep.value;"
            f"assert u.find_spec('{service}') and u.find_spec('orga_shared');"
            f"assert '/src/' not in u.find_spec('{service}').origin, 'editable install'"
        )
        subprocess.run([str(venv / "bin" / "python"), "-c", probe], check=True)
        if not (venv / "bin" / f"orga-{service}").exists():
            raise SystemExit(f"orga-{service} script missing from the image's virtualenv")
    print(f"ok   image build rehearsed: {service} (2 uv sync steps, orga-{service} installed)")


def main(root: Path, services: list[str]) -> int:
    patterns = [
        line.strip().rstrip("/")
        for line in (root / ".dockerignore").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    for service in services:
        try:
            rehearse(root, service, patterns)
        except subprocess.CalledProcessError as error:
            output = (error.stderr or b"").decode(errors="replace")
            print(f"FAIL image build rehearsal for {service}: {error}\n{output}", file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]).resolve(), sys.argv[2:]))

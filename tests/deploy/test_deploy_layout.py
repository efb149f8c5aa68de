"""Every service ships a Dockerfile, a compose service and a chart block, and the lot validates.

A service added under services/ without its deployment pieces fails here, by name.
"""

import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
SERVICES = sorted(
    p.name for p in (ROOT / "services").iterdir() if p.is_dir() and p.name[0] not in "._"
)
LOCAL_PORTS = {
    "web": 8100,
    "identity": 8101,
    "organisation": 8102,
    "campaign": 8103,
    "assessment": 8104,
    "analytics": 8105,
}


def load_yaml(relative: str) -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((ROOT / relative).read_text())
    return loaded


def final_stage(dockerfile: str) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) of the last stage, continuation lines joined."""
    joined = re.sub(r"\\\n\s*", " ", dockerfile)
    instructions = [
        (line.split(" ", 1)[0].upper(), line.split(" ", 1)[1] if " " in line else "")
        for line in (raw.strip() for raw in joined.splitlines())
        if line and not line.startswith("#")
    ]
    last_from = max(i for i, (name, _) in enumerate(instructions) if name == "FROM")
    return instructions[last_from:]


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    return load_yaml("docker-compose.yml")


@pytest.fixture(scope="module")
def chart_values() -> dict[str, Any]:
    return load_yaml("deploy/helm/orga/values.yaml")


@pytest.mark.unit
def test_every_service_folder_is_known() -> None:
    assert SERVICES, "no service under services/"
    assert set(SERVICES) <= set(LOCAL_PORTS), (
        f"no local port known for {set(SERVICES) - set(LOCAL_PORTS)}"
    )


@pytest.mark.unit
@pytest.mark.parametrize("service", SERVICES)
def test_dockerfile_builds_one_service_and_runs_it_as_non_root(service: str) -> None:
    path = ROOT / "services" / service / "Dockerfile"
    assert path.is_file(), f"{path.relative_to(ROOT)} is missing"
    text = path.read_text()
    assert f"ARG SERVICE={service}\n" in text
    assert 'uv sync --frozen --no-dev --package "orga-${SERVICE}"' in text
    stage = final_stage(text)
    assert stage[0][1].split()[0] in {"python:3.11-slim", "${PYTHON_IMAGE}"}
    assert "ARG PYTHON_IMAGE=python:3.11-slim" in text
    users = [args.strip() for name, args in stage if name == "USER"]
    assert users, f"{service}: the runtime stage sets no USER, so it runs as root"
    user = users[-1].split(":")[0]
    assert user not in {"root", "0"}, f"{service} runs as {user}"
    assert user.isdigit(), "a numeric USER lets Kubernetes enforce runAsNonRoot"
    assert ("EXPOSE", "8000") in stage
    env = " ".join(args for name, args in stage if name == "ENV")
    upper = service.upper()
    assert f"ORGA_{upper}_HOST=0.0.0.0" in env, "the settings default binds to loopback"
    assert f"ORGA_{upper}_PORT=8000" in env
    assert any(name == "HEALTHCHECK" and "/health" in args for name, args in stage)
    assert ("CMD", f'["orga-{service}", "serve"]') in stage


@pytest.mark.unit
def test_dockerfiles_follow_one_pattern() -> None:
    def pattern(service: str) -> str:
        text = (ROOT / "services" / service / "Dockerfile").read_text()
        # web alone adds its front-end packages, between `# >>> web only` and `# <<< web only`
        text = re.sub(r"# >>> web only.*?# <<< web only\n", "", text, flags=re.S)
        return text.replace(service.upper(), "NAME").replace(service, "name")

    first = pattern(SERVICES[0])
    for service in SERVICES[1:]:
        assert pattern(service) == first, f"services/{service}/Dockerfile left the shared pattern"


@pytest.mark.unit
def test_dockerignore_keeps_the_context_small() -> None:
    ignored = (ROOT / ".dockerignore").read_text().split()
    for entry in (".git", ".venv", ".local", "**/__pycache__", "**/tests"):
        assert entry in ignored


@pytest.mark.unit
@pytest.mark.parametrize("service", SERVICES)
def test_compose_runs_the_service(service: str, compose: dict[str, Any]) -> None:
    block = compose["services"].get(service)
    assert block, f"docker-compose.yml has no service {service}"
    assert block["build"] == {"context": ".", "dockerfile": f"services/{service}/Dockerfile"}
    assert f"{LOCAL_PORTS[service]}:8000" in block["ports"]
    env = block["environment"]
    name = service.upper()
    assert env[f"ORGA_{name}_PORT"] == "8000"
    assert env[f"ORGA_{name}_DATABASE"] == f"orga_{service}"
    assert env["ORGA_KAFKA_BOOTSTRAP"] == "kafka:9092"
    assert "replicaSet=rs0" in env["ORGA_MONGO_URL"]
    assert env["ORGA_JWKS_URL"] == "http://identity:8000/.well-known/jwks.json"
    for backing in ("kafka", "mongo"):
        assert block["depends_on"][backing]["condition"] == "service_healthy"


@pytest.mark.unit
def test_compose_backing_services(compose: dict[str, Any]) -> None:
    services = compose["services"]
    assert services["kafka"]["image"] == "apache/kafka:3.9.1"
    assert "broker,controller" in services["kafka"]["environment"]["KAFKA_PROCESS_ROLES"]
    assert services["mongo"]["image"].startswith("mongo:7")
    command = services["mongo"]["command"]
    assert command[command.index("--replSet") + 1] == "rs0"
    assert "rs.initiate" in " ".join(services["mongo"]["healthcheck"]["test"])
    for mailer in ("identity", "organisation"):
        env = services[mailer]["environment"]
        assert env["ORGA_SMTP_HOST"] in services, f"{mailer} mails to an unknown host"
    assert services["identity"]["environment"]["ORGA_IDENTITY_SIGNING_KEY_FILE"]
    web = services["web"]["environment"]
    for other in set(SERVICES) - {"web"}:
        assert web[f"ORGA_WEB_{other.upper()}_URL"] == f"http://{other}:8000"


@pytest.mark.unit
@pytest.mark.parametrize("service", SERVICES)
def test_chart_has_a_component_block(service: str, chart_values: dict[str, Any]) -> None:
    block = chart_values["components"].get(service)
    assert block, f"deploy/helm/orga/values.yaml has no components.{service}"
    assert block["enabled"] is True
    assert isinstance(block["replicas"], int) and block["replicas"] >= 1
    assert block["image"]["repository"] == f"orga/{service}"
    for kind in ("requests", "limits"):
        assert {"cpu", "memory"} <= set(block["resources"][kind])
    assert block["livenessProbe"]["httpGet"]["path"] == "/health"
    assert block["readinessProbe"]["httpGet"]["path"] == "/ready"
    assert block["service"]["port"]


@pytest.mark.unit
def test_chart_dependencies_are_optional(chart_values: dict[str, Any]) -> None:
    chart = load_yaml("deploy/helm/orga/Chart.yaml")
    conditions = {dep["name"]: dep["condition"] for dep in chart["dependencies"]}
    assert conditions == {"kafka": "kafka.enabled", "mongodb": "mongodb.enabled"}
    assert chart_values["kafka"]["enabled"] is False
    assert chart_values["mongodb"]["enabled"] is False
    assert not (ROOT / "deploy/helm/orga/charts").exists(), "dependency charts are not vendored"


@pytest.mark.unit
@pytest.mark.timeout(3600)
def test_validate_deploy_script_passes() -> None:
    """Builds the pinned tools on first use (minutes), then lints, renders and validates."""
    if shutil.which("go") is None:
        pytest.fail("scripts/validate-deploy.sh needs the go toolchain to install helm")
    result = subprocess.run(
        ["bash", str(ROOT / "scripts" / "validate-deploy.sh")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=3500,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, f"scripts/validate-deploy.sh failed:\n{output[-6000:]}"
    assert "kubeconform -strict (ci-values.yaml)" in result.stdout
    assert "docker-compose.yml config -q" in result.stdout

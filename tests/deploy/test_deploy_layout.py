"""Every service ships a Dockerfile, a compose service and a chart block, and the lot validates.

A service added under services/ without its deployment pieces fails here, by name.
"""

import re
import shutil
import subprocess
import sys
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


# --- the 1 M-pupil plan (docs/capacity.md) and what compose and the chart must agree on -------

CHART = ROOT / "deploy/helm/orga"
HELM = ROOT / ".local/bin/helm"
DEV_ONLY = {"IDP_SIMULATOR_ENABLED", "IDP_SIMULATOR_URL", "HOST", "PORT"}


def service_settings_in_orga_env(service: str) -> set[str]:
    """`ORGA_<SERVICE>_*` names orga.env gives the native stack, less the local-only ones."""
    prefix = f"ORGA_{service.upper()}_"
    names = {
        line.split("=", 1)[0]
        for line in (ROOT / "orga.env").read_text().splitlines()
        if line.startswith(prefix)
    }
    return {n for n in names if n.removeprefix(prefix) not in DEV_ONLY}


@pytest.fixture(scope="module")
def rendered_1m(tmp_path_factory: pytest.TempPathFactory) -> list[dict[str, Any]]:
    """`helm template` of the chart with values-1m.yaml, as parsed manifests."""
    if not HELM.exists():  # the pinned helm is installed by the validation script
        subprocess.run(["bash", str(ROOT / "scripts/validate-deploy.sh")], cwd=ROOT, check=True)
    copy = tmp_path_factory.mktemp("chart") / "orga"
    script = ROOT / "deploy/checks/chart_copy.py"
    subprocess.run([sys.executable, str(script), str(CHART), str(copy)], check=True)
    values = CHART / "values-1m.yaml"
    command = [str(HELM), "template", "orga", str(copy), "--namespace", "orga"]
    command += ["--kube-version", "1.33.0", "-f", str(values)]
    out = subprocess.run(command, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    return [m for m in yaml.safe_load_all(out.stdout) if m]


def by_kind(manifests: list[dict[str, Any]], kind: str) -> dict[str, dict[str, Any]]:
    return {
        m["metadata"]["labels"]["app.kubernetes.io/component"]: m
        for m in manifests
        if m["kind"] == kind
    }


def container_env(manifest: dict[str, Any]) -> dict[str, str]:
    container = manifest["spec"]["template"]["spec"]["containers"][0]
    return {e["name"]: e.get("value") for e in container["env"]}


@pytest.mark.unit
def test_1m_plan_autoscales_every_service_within_the_partitions(
    rendered_1m: list[dict[str, Any]],
) -> None:
    deployments = by_kind(rendered_1m, "Deployment")
    hpas = by_kind(rendered_1m, "HorizontalPodAutoscaler")
    assert set(deployments) == set(SERVICES) == set(hpas)
    plan = load_yaml("deploy/helm/orga/values-1m.yaml")
    partitions = plan["global"]["topicPartitions"]
    lagged = set()
    for service, hpa in hpas.items():
        assert hpa["apiVersion"] == "autoscaling/v2"
        spec = hpa["spec"]
        assert spec["scaleTargetRef"]["name"] == deployments[service]["metadata"]["name"]
        assert 1 <= spec["minReplicas"] <= spec["maxReplicas"] <= partitions, service
        assert "replicas" not in deployments[service]["spec"], "the HPA owns the replica count"
        assert spec["behavior"]["scaleDown"]["stabilizationWindowSeconds"] >= 300
        for metric in spec["metrics"]:
            if metric["type"] == "External":
                lagged.add(service)
                assert metric["external"]["metric"]["name"] == "orga_consumergroup_lag"
                assert metric["external"]["metric"]["selector"]["matchLabels"] == {
                    "service": service
                }
                assert int(metric["external"]["target"]["averageValue"]) > 0
            else:
                assert metric["resource"]["name"] == "cpu", service
    # analytics projects every answer: it scales on its lag; identity and web have no consumer
    assert "analytics" in lagged and not {"identity", "web"} & lagged
    assert by_kind(rendered_1m, "PodDisruptionBudget").keys() == set(SERVICES)


@pytest.mark.unit
def test_1m_plan_creates_replicated_topics_and_every_service_knows_the_settings(
    rendered_1m: list[dict[str, Any]],
) -> None:
    jobs = [m for m in rendered_1m if m["kind"] == "Job"]
    assert len(jobs) == 1
    job = jobs[0]
    assert "post-install" in job["metadata"]["annotations"]["helm.sh/hook"]
    command = job["spec"]["template"]["spec"]["containers"][0]["command"]
    assert command[:4] == ["python", "-m", "orga_shared.messaging.topics", "ensure"]
    expected = {
        "ORGA_TOPIC_PARTITIONS": "24",
        "ORGA_TOPIC_REPLICATION_FACTOR": "3",
        "ORGA_TOPIC_MIN_INSYNC_REPLICAS": "2",
    }
    for manifest in [job, *by_kind(rendered_1m, "Deployment").values()]:
        env = container_env(manifest)
        assert {k: env.get(k) for k in expected} == expected, manifest["metadata"]["name"]
        assert env["ORGA_KAFKA_BOOTSTRAP"].count(":9092") == 3


@pytest.mark.unit
def test_1m_plan_requests_what_it_limits_on_the_answer_path() -> None:
    """The HPA's utilisation is a share of the request: one core, all a Python process uses."""
    plan = load_yaml("deploy/helm/orga/values-1m.yaml")["components"]
    for service in ("assessment", "analytics", "web"):
        resources = plan[service]["resources"]
        assert str(resources["requests"]["cpu"]) == str(resources["limits"]["cpu"]) == "1"


@pytest.mark.unit
def test_monitoring_serves_the_metric_the_hpas_read() -> None:
    rules = load_yaml("deploy/monitoring/prometheus-rules.yaml")
    recorded = {r["record"]: r["expr"] for g in rules["groups"] for r in g["rules"]}
    assert "kafka_consumergroup_lag" in recorded["orga_consumergroup_lag"]
    assert "kafka_consumergroup_members" in recorded["orga_consumergroup_lag"]
    adapter = load_yaml("deploy/monitoring/prometheus-adapter-values.yaml")
    names = [rule["name"]["as"] for rule in adapter["rules"]["external"]]
    assert names == ["orga_consumergroup_lag"]
    plan = load_yaml("deploy/helm/orga/values-1m.yaml")["components"]
    for service, block in plan.items():
        lag = block["autoscaling"].get("consumerLag", {})
        if lag.get("enabled"):
            assert lag["metricName"] in names, service


@pytest.mark.unit
def test_compose_creates_the_topics_before_any_service(compose: dict[str, Any]) -> None:
    services = compose["services"]
    topics = services["topics"]
    assert topics["command"][:4] == ["python", "-m", "orga_shared.messaging.topics", "ensure"]
    assert topics["depends_on"]["kafka"]["condition"] == "service_healthy"
    assert topics["image"] in {services[s]["image"] for s in SERVICES}
    assert services["kafka"]["environment"]["KAFKA_AUTO_CREATE_TOPICS_ENABLE"] == "false"
    for service in SERVICES:
        depends = services[service]["depends_on"]
        assert depends["topics"]["condition"] == "service_completed_successfully", service


@pytest.mark.unit
@pytest.mark.parametrize("service", SERVICES)
def test_compose_service_is_healthy_when_ready(service: str, compose: dict[str, Any]) -> None:
    block = compose["services"][service]
    check = " ".join(block["healthcheck"]["test"])
    assert "http://127.0.0.1:8000/ready" in check
    for dependency, condition in block["depends_on"].items():
        kind = compose["services"][dependency]
        if dependency in ("topics", "identity-keygen"):
            assert condition["condition"] == "service_completed_successfully"
        else:  # every long-running dependency declares a healthcheck and is waited for
            assert "healthcheck" in kind or dependency in SERVICES, dependency
            assert condition["condition"] == "service_healthy", (service, dependency)


@pytest.mark.unit
@pytest.mark.parametrize("service", SERVICES)
def test_compose_and_chart_set_what_the_native_stack_sets(
    service: str, compose: dict[str, Any], chart_values: dict[str, Any]
) -> None:
    """A setting orga.env gives a service (its URLs, its public address) is set in compose and
    in the chart too; otherwise the containers fall back to a loopback default."""
    needed = service_settings_in_orga_env(service)
    compose_env = set(compose["services"][service]["environment"])
    assert needed <= compose_env, f"docker-compose.yml {service}: {needed - compose_env}"
    block = chart_values["components"][service]
    chart_env = set(block.get("env", {})) | {e["name"] for e in block.get("extraEnv", [])}
    assert needed <= chart_env, f"values.yaml components.{service}.env: {needed - chart_env}"
    shared = {"ORGA_TOPIC_PARTITIONS", "ORGA_TOPIC_REPLICATION_FACTOR"}
    assert shared <= compose_env

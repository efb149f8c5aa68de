#!/usr/bin/env bash
# Validates the container and Kubernetes deliverables without a Docker engine or a cluster:
#   images   each services/<name>/Dockerfile's builder stage replayed with uv (no engine)
#   compose  `docker compose config` on docker-compose.yml (Compose CLI built from a pinned module)
#   chart    helm lint + helm template (default values, ci-values.yaml, values-1m.yaml: the
#            docs/capacity.md plan), schema and template guards must bite,
#            every rendered manifest checked by kubeconform -strict and kubernetes-validate --strict
# Tools are installed into .local/bin from pinned versions on first use. Exits non-zero on any
# failure. See docs/adr/0005-deployment.md.
set -euo pipefail

HELM_VERSION=v3.18.6
KUBECONFORM_VERSION=v0.7.0
COMPOSE_VERSION=v2.40.3          # also pinned in infra/tools/compose/go.mod
K8S_VERSION=1.33.0               # Kubernetes API version the manifests are validated against
SERVICES=(identity organisation campaign assessment analytics web)

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
BIN="$ROOT/.local/bin"
CHART="deploy/helm/orga"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
mkdir -p "$BIN"
export GOFLAGS="${GOFLAGS:--buildvcs=false}"

CHECKS=0
step() { printf '\n== %s\n' "$*"; }
ok() { printf 'ok   %s\n' "$*"; CHECKS=$((CHECKS + 1)); }
die() { printf 'FAIL %s\n' "$*" >&2; exit 1; }

# built_from BINARY MODULE VERSION: true when BINARY's Go build info records MODULE@VERSION.
built_from() {
  [ -x "$1" ] && go version -m "$1" 2>/dev/null | grep -Eq "^[[:space:]]+(mod|dep)[[:space:]]+$2[[:space:]]+$3([[:space:]]|$)"
}

# go_tool NAME PACKAGE MODULE VERSION: `go install PACKAGE@VERSION`, or, where the module proxy
# refuses what that needs, a build from infra/tools (same versions, hashes in its go.sum).
go_tool() {
  local name=$1 package=$2 module=$3 version=$4
  if built_from "$BIN/$name" "$module" "$version"; then
    ok "$name $version present in .local/bin"
    return
  fi
  echo "installing $name $version (Go build, a few minutes the first time)"
  if ! GOBIN="$BIN" go install "$package@$version"; then
    echo "go install refused; building $name from infra/tools"
    (cd infra/tools && go build -o "$BIN/$name" "$package")
  fi
  built_from "$BIN/$name" "$module" "$version" || die "$name is not built from $module $version"
  ok "$name $version installed in .local/bin"
}

step "tools"
command -v go >/dev/null || die "go is required to install helm, kubeconform and compose"
command -v uv >/dev/null || die "uv is required (workspace tooling)"
go_tool helm helm.sh/helm/v3/cmd/helm helm.sh/helm/v3 "$HELM_VERSION"
go_tool kubeconform github.com/yannh/kubeconform/cmd/kubeconform github.com/yannh/kubeconform \
  "$KUBECONFORM_VERSION"
HELM="$BIN/helm"
KUBECONFORM="$BIN/kubeconform"

# Compose: the docker client here has no compose plugin and its module cannot be
# `go install`ed (exclude directives), so it is built from infra/tools/compose.
if docker compose version >/dev/null 2>&1; then
  COMPOSE=(docker compose)
  ok "docker compose plugin present: $(docker compose version --short)"
else
  if ! built_from "$BIN/docker-compose" github.com/docker/compose/v2 "$COMPOSE_VERSION"; then
    echo "building docker-compose $COMPOSE_VERSION (Go build, a few minutes the first time)"
    (cd infra/tools/compose && go build -o "$BIN/docker-compose" github.com/docker/compose/v2/cmd)
    built_from "$BIN/docker-compose" github.com/docker/compose/v2 "$COMPOSE_VERSION" \
      || die "docker-compose is not built from compose $COMPOSE_VERSION"
  fi
  if command -v docker >/dev/null; then
    # The docker client finds CLI plugins under $DOCKER_CONFIG/cli-plugins.
    mkdir -p "$WORK/docker/cli-plugins"
    ln -s "$BIN/docker-compose" "$WORK/docker/cli-plugins/docker-compose"
    COMPOSE=(env DOCKER_CONFIG="$WORK/docker" docker compose)
  else
    COMPOSE=("$BIN/docker-compose")
  fi
  ok "compose $COMPOSE_VERSION as: ${COMPOSE[*]}"
fi

step "images (builder stage replayed with uv, no engine)"
for service in "${SERVICES[@]}"; do
  [ -f "services/$service/Dockerfile" ] || die "services/$service/Dockerfile is missing"
done
uv run --frozen python deploy/checks/rehearse_image_build.py "$ROOT" "${SERVICES[@]}"
CHECKS=$((CHECKS + ${#SERVICES[@]}))

step "docker-compose.yml"
"${COMPOSE[@]}" -f docker-compose.yml config -q
ok "${COMPOSE[*]} -f docker-compose.yml config -q"
sed 's/condition: service_healthy/condition: service_up/' docker-compose.yml >"$WORK/bad-compose.yml"
if "${COMPOSE[@]}" -f "$WORK/bad-compose.yml" config -q >/dev/null 2>&1; then
  die "compose accepted an unknown depends_on condition"
fi
ok "compose rejects an unknown depends_on condition"
compose_services="$("${COMPOSE[@]}" -f docker-compose.yml config --services | sort | tr '\n' ' ')"
for service in "${SERVICES[@]}" kafka mongo; do
  [[ " $compose_services" == *" $service "* ]] || die "compose has no service $service"
done
ok "compose services: $compose_services"

step "helm chart $CHART"
# Helm refuses to render a chart whose declared dependencies are absent from charts/, even when
# their condition is false, and fetching them needs the network. Render a copy in which the two
# optional dependencies (disabled in every values file checked here) are empty placeholders.
uv run --frozen python deploy/checks/chart_copy.py "$CHART" "$WORK/orga"
uv run --frozen python deploy/checks/kubeconform_schemas.py "$K8S_VERSION" "$WORK/schemas"
SCHEMA_LOCATION="$WORK/schemas/{{ .NormalizedKubernetesVersion }}-standalone{{ .StrictSuffix }}/{{ .ResourceKind }}{{ .KindSuffix }}.json"

# The validators must reject what is wrong, not only pass what is right.
cat > "$WORK/bad.yaml" <<'EOF'
apiVersion: apps/v1
kind: Deployment
metadata: {name: bad}
spec:
  selector: {matchLabels: {app: bad}}
  template:
    metadata: {labels: {app: bad}}
    spec:
      containers: [{name: bad, image: bad, livenessProbe: {httpGet: {path: /health, port: 80, prot: 80}}}]
EOF
if "$KUBECONFORM" -strict -kubernetes-version "$K8S_VERSION" -schema-location "$SCHEMA_LOCATION" \
  "$WORK/bad.yaml" >"$WORK/bad.log" 2>&1; then
  die "kubeconform accepted a Deployment with a misspelt (unknown) field"
fi
grep -q "'prot' not allowed" "$WORK/bad.log" || { cat "$WORK/bad.log"; die "kubeconform failed otherwise"; }
if uv run --frozen kubernetes-validate --strict -k "$K8S_VERSION" --quiet "$WORK/bad.yaml" \
  >"$WORK/bad.log" 2>&1; then
  die "kubernetes-validate accepted a Deployment with a misspelt (unknown) field"
fi
grep -q "'prot' was unexpected" "$WORK/bad.log" \
  || { cat "$WORK/bad.log"; die "kubernetes-validate failed otherwise"; }
ok "kubeconform and kubernetes-validate reject a misspelt (unknown) field (offline, strict)"

for bad in readinessProbe:web resources:campaign replicas:analytics image:identity; do
  key=${bad%%:*} component=${bad##*:}
  if "$HELM" template orga "$WORK/orga" --kube-version "$K8S_VERSION" \
    --set "components.$component.$key=null" >/dev/null 2>"$WORK/schema.log"; then
    die "values.schema.json accepted components.$component without $key"
  fi
  grep -q "missing property '$key'" "$WORK/schema.log" \
    || { cat "$WORK/schema.log"; die "components.$component without $key failed for another reason"; }
done
if "$HELM" template orga "$WORK/orga" --kube-version "$K8S_VERSION" \
  --set components.web.livenessProbe.httpGet.path=/ready >/dev/null 2>"$WORK/schema.log"; then
  die "values.schema.json accepted a liveness probe that is not /health"
fi
grep -q "value must be '/health'" "$WORK/schema.log" || { cat "$WORK/schema.log"; die "liveness check"; }
ok "values.schema.json rejects components without readiness probe, resources, replicas, image, and liveness off /health"

# An HPA on consumer lag may not outgrow the partitions; an HPA needs a metric.
if "$HELM" template orga "$WORK/orga" --kube-version "$K8S_VERSION" -f "$CHART/values-1m.yaml" \
  --set global.topicPartitions=12 >/dev/null 2>"$WORK/schema.log"; then
  die "the chart rendered a lag-scaled HPA whose maxReplicas exceeds the partitions"
fi
grep -q "exceeds global.topicPartitions" "$WORK/schema.log" \
  || { cat "$WORK/schema.log"; die "maxReplicas > partitions failed for another reason"; }
if "$HELM" template orga "$WORK/orga" --kube-version "$K8S_VERSION" -f "$CHART/values-1m.yaml" \
  --set components.web.autoscaling.targetCPUUtilizationPercentage=null >/dev/null 2>"$WORK/schema.log"; then
  die "values.schema.json accepted an HPA with neither CPU nor lag target"
fi
grep -q "missing property 'targetCPUUtilizationPercentage'" "$WORK/schema.log" \
  || { cat "$WORK/schema.log"; die "an HPA without metric failed for another reason"; }
ok "the chart refuses a lag HPA above the partition count, and an HPA without a metric"

total=0
for values in default ci-values.yaml values-1m.yaml; do
  args=(--kube-version "$K8S_VERSION")
  [ "$values" = default ] || args+=(-f "$CHART/$values")
  "$HELM" lint "$WORK/orga" --strict "${args[@]}" >"$WORK/lint.log" \
    || { cat "$WORK/lint.log"; die "helm lint ($values)"; }
  ok "helm lint --strict ($values)"
  out="$WORK/rendered-${values%.yaml}.yaml"
  "$HELM" template orga "$WORK/orga" --namespace orga "${args[@]}" >"$out"
  count="$(grep -c '^kind:' "$out")"
  deployments="$(grep -c '^kind: Deployment$' "$out")"
  [ "$deployments" -eq "${#SERVICES[@]}" ] \
    || die "$values renders $deployments Deployments, expected ${#SERVICES[@]}"
  ok "helm template ($values): $count manifests ($(grep '^kind:' "$out" | sort | uniq -c \
    | awk '{printf "%s%s %s", sep, $1, $3; sep=", "}'))"
  "$KUBECONFORM" -strict -summary -kubernetes-version "$K8S_VERSION" \
    -schema-location "$SCHEMA_LOCATION" "$out"
  ok "kubeconform -strict ($values): $count manifests valid against Kubernetes $K8S_VERSION"
  uv run --frozen kubernetes-validate --strict -k "$K8S_VERSION" --quiet "$out"
  ok "kubernetes-validate --strict ($values): $count manifests valid"
  total=$((total + count))
done

printf '\n%s checks passed, %s rendered manifests validated (helm %s, kubeconform %s, compose %s, Kubernetes %s)\n' \
  "$CHECKS" "$total" "$HELM_VERSION" "$KUBECONFORM_VERSION" "$COMPOSE_VERSION" "$K8S_VERSION"

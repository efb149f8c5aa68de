#!/usr/bin/env bash
# Procfile entry for one service: wait for Kafka and the database, make sure the topics exist,
# then exec the service so the process manager's signals reach it directly.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
name="$1"
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
for p in "${ORGA_MONGO_PORT:-27018}" "${ORGA_KAFKA_PORT:-19092}"; do
  for _ in $(seq 1 600); do port_open "$p" && break; sleep 0.2; done
done
if [[ "$name" != web ]]; then
  uv run --frozen --no-sync python -m orga_shared.messaging.topics ensure --wait 120 >/dev/null
elif [[ -z "${ORGA_WEB_SECRET_KEY:-}" ]]; then
  # a local session key drawn once, so a restart keeps people logged in (Kubernetes: a Secret)
  key_file=".local/web/secret-key"
  [[ -s "$key_file" ]] || { mkdir -p .local/web; head -c 48 /dev/urandom | base64 | tr -d '\n/+=' >"$key_file"; }
  ORGA_WEB_SECRET_KEY="$(cat "$key_file")"; export ORGA_WEB_SECRET_KEY
fi
exec uv run --frozen --no-sync "orga-$name" serve

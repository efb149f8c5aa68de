#!/usr/bin/env bash
# `make run` / `make down`: the whole system under honcho (Procfile), in the background.
#   scripts/run.sh start   start (or find running), wait until every service is ready,
#                          seed the demo data, write .local/urls.json and print the URLs
#   scripts/run.sh stop    stop what `start` started (honcho stops its children)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
LOCAL="$ROOT/.local"; mkdir -p "$LOCAL/run" "$LOCAL/logs"
PIDF="$LOCAL/run/honcho.pid"
set -a; source "$ROOT/orga.env"; set +a
SERVICES=(identity organisation campaign assessment analytics web)

running() { [[ -f "$PIDF" ]] && kill -0 "$(cat "$PIDF")" 2>/dev/null; }
port_of() { local v="ORGA_${1^^}_PORT"; echo "${!v}"; }

write_urls() {
  local json="{" sep=""
  for s in "${SERVICES[@]}"; do json+="$sep\"$s\": \"http://127.0.0.1:$(port_of "$s")\""; sep=", "; done
  json+="$sep\"mail_inbox\": \"http://127.0.0.1:${ORGA_MAIL_INBOX_PORT}\"}"
  echo "$json" | uv run --frozen --no-sync python -m json.tool >"$LOCAL/urls.json"
}

wait_ready() {
  local deadline=$((SECONDS + ${ORGA_RUN_TIMEOUT:-300}))
  for s in "${SERVICES[@]}"; do
    local url="http://127.0.0.1:$(port_of "$s")/ready"
    until curl -fsS -o /dev/null "$url" 2>/dev/null; do
      running || { tail -40 "$LOGS_FILE"; echo "run: the process manager stopped (log: $LOGS_FILE)" >&2; exit 1; }
      (( SECONDS < deadline )) || { tail -40 "$LOGS_FILE"; echo "run: $s not ready at $url" >&2; exit 1; }
      sleep 1
    done
    echo "run: $s ready"
  done
}

start() {
  LOGS_FILE="$LOCAL/logs/run.log"
  if running; then
    echo "run: already running (pid $(cat "$PIDF"))"
  else
    echo "run: starting Kafka, FerretDB and the services under honcho (log: $LOGS_FILE)"
    setsid nohup uv run --frozen --no-sync honcho -f Procfile -e orga.env start >"$LOGS_FILE" 2>&1 &
    echo $! >"$PIDF"
  fi
  wait_ready
  if [[ -f "$ROOT/scripts/seed_demo.py" ]]; then
    uv run --frozen --no-sync python scripts/seed_demo.py
  fi
  write_urls
  echo
  echo "Orga is running. Service URLs (also in .local/urls.json):"
  cat "$LOCAL/urls.json"
  echo
  echo "UI: http://127.0.0.1:${ORGA_WEB_PORT}/   logs: $LOGS_FILE   stop: make down"
}

stop() {
  if running; then
    local pid; pid="$(cat "$PIDF")"
    kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 150); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    kill -KILL -- "-$pid" 2>/dev/null || true
    echo "run: stopped"
  else
    echo "run: not running"
  fi
  rm -f "$PIDF"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac

#!/usr/bin/env bash
# Local infrastructure without Docker: Apache Kafka (KRaft, Maven Central jars) and FerretDB
# (SQLite backend, built from its Go module). Everything lives under .local/ (git-ignored).
#   scripts/infra.sh install            fetch/build what is missing (quick when present)
#   scripts/infra.sh up | down | status  background daemons, idempotent, wait for health
#   scripts/infra.sh kafka | ferretdb    run one in the foreground (used by the Procfile)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
LOCAL="${ORGA_LOCAL_DIR:-$ROOT/.local}"
KAFKA_PORT="${ORGA_KAFKA_PORT:-19092}"
CONTROLLER_PORT="${ORGA_KAFKA_CONTROLLER_PORT:-19093}"
MONGO_PORT="${ORGA_MONGO_PORT:-27018}"
KAFKA_VERSION="$(sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' "$ROOT/infra/kafka/pom.xml")"
KAFKA_HOME="$LOCAL/kafka"
FERRET_BIN="$LOCAL/bin/ferretdb"
RUN="$LOCAL/run"
LOGS="$LOCAL/logs"
mkdir -p "$RUN" "$LOGS" "$LOCAL/bin"

die() { echo "infra: $*" >&2; exit 1; }
need() { command -v "$1" >/dev/null 2>&1 || die "$1 is required ($2). Install it and retry."; }
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

install_kafka() {
  local stamp="$KAFKA_HOME/libs/.version"
  if [[ -f "$stamp" && "$(cat "$stamp")" == "$KAFKA_VERSION" ]]; then return; fi
  need java "Java 17+ runs the Kafka broker"
  need mvn "Maven fetches the Kafka jars"
  echo "infra: fetching Apache Kafka $KAFKA_VERSION jars"
  rm -rf "$KAFKA_HOME/libs" && mkdir -p "$KAFKA_HOME/libs"
  mvn -q -B -f "$ROOT/infra/kafka/pom.xml" dependency:copy-dependencies \
    -DincludeScope=runtime -DoutputDirectory="$KAFKA_HOME/libs" >"$LOGS/kafka-install.log" 2>&1 \
    || { tail -20 "$LOGS/kafka-install.log"; die "could not fetch the Kafka jars"; }
  echo "$KAFKA_VERSION" >"$stamp"
}

install_ferretdb() {
  local src="$ROOT/infra/ferretdb" stamp="$LOCAL/bin/.ferretdb.sum"
  local sum; sum="$(cat "$src/go.mod" "$src/go.sum" "$src/main.go" "$src/patch.sh" "$src"/patches/*.patch | sha256sum | cut -d' ' -f1)"
  if [[ -x "$FERRET_BIN" && -f "$stamp" && "$(cat "$stamp")" == "$sum" ]]; then return; fi
  need go "Go builds FerretDB from its module"
  echo "infra: building FerretDB $(awk '/FerretDB\/FerretDB v/{print $3; exit}' "$src/go.mod") (a few minutes the first time)"
  # Build in a scratch copy: FerretDB's module is copied there and patched (docs/adr/0011).
  local build="$LOCAL/build/ferretdb"
  rm -rf "$build" && mkdir -p "$build"
  cp "$src/go.mod" "$src/go.sum" "$src/main.go" "$build/"
  (cd "$build" && go mod download github.com/FerretDB/FerretDB \
     && cp -r "$(go list -m -f '{{.Dir}}' github.com/FerretDB/FerretDB)" ferretdb-src \
     && chmod -R u+w ferretdb-src && bash "$src/patch.sh" ferretdb-src \
     && go mod edit -replace github.com/FerretDB/FerretDB=./ferretdb-src \
     && CGO_ENABLED=0 go build -o "$FERRET_BIN" .) >"$LOGS/ferretdb-install.log" 2>&1 \
    || { tail -20 "$LOGS/ferretdb-install.log"; die "could not build FerretDB"; }
  echo "$sum" >"$stamp"
}

kafka_config() {
  mkdir -p "$KAFKA_HOME/data"
  sed -e "s#@KAFKA_PORT@#$KAFKA_PORT#g" -e "s#@CONTROLLER_PORT@#$CONTROLLER_PORT#g" \
      -e "s#@DATA_DIR@#$KAFKA_HOME/data#g" "$ROOT/infra/kafka/server.properties.in" >"$KAFKA_HOME/server.properties"
  local cp="$KAFKA_HOME/libs/*"
  if [[ ! -f "$KAFKA_HOME/data/meta.properties" ]]; then
    local id; id="$(java -cp "$cp" kafka.tools.StorageTool random-uuid 2>/dev/null | tail -1)"
    java -Dlog4j.configuration="file:$ROOT/infra/kafka/log4j.properties" -cp "$cp" \
      kafka.tools.StorageTool format -t "$id" -c "$KAFKA_HOME/server.properties" >"$LOGS/kafka-format.log" 2>&1 \
      || { tail -5 "$LOGS/kafka-format.log"; die "could not format Kafka storage"; }
  fi
}

attach_if_running() {  # name port: under the Procfile, reuse a daemon `infra.sh up` started
  if port_open "$2"; then
    echo "infra: $1 already listens on :$2 (started by 'make infra-up'); attaching"
    trap 'exit 0' TERM INT
    while port_open "$2"; do sleep 2; done
    die "$1 on :$2 went away"
  fi
}

run_kafka() {
  attach_if_running kafka "$KAFKA_PORT"
  install_kafka; kafka_config
  exec java -Xms256m -Xmx${ORGA_KAFKA_HEAP:-768m} -XX:+UseG1GC -Djava.awt.headless=true \
    -Dlog4j.configuration="file:$ROOT/infra/kafka/log4j.properties" \
    -cp "$KAFKA_HOME/libs/*" kafka.Kafka "$KAFKA_HOME/server.properties"
}

run_ferretdb() {
  attach_if_running ferretdb "$MONGO_PORT"
  install_ferretdb
  exec "$FERRET_BIN" --listen-addr "127.0.0.1:$MONGO_PORT" --sqlite-dir "$LOCAL/ferretdb/data" --log-level "${ORGA_FERRETDB_LOG_LEVEL:-warn}"
}

wait_port() {  # name port seconds logfile
  local i
  for ((i = 0; i < $3 * 5; i++)); do port_open "$2" && return 0; sleep 0.2; done
  [[ -f "$4" ]] && tail -20 "$4" >&2
  die "$1 did not open port $2 within $3 s (log: $4)"
}

start_daemon() {  # name port
  local name="$1" port="$2" pidf="$RUN/$1.pid"
  if port_open "$port"; then echo "infra: $name already up on :$port"; return; fi
  nohup "$0" "$name" >"$LOGS/$name.log" 2>&1 9>&- &
  echo $! >"$pidf"
}

up() {
  # One `up` at a time per checkout: concurrent callers (test sessions, make targets) would
  # otherwise race past the port check and start two brokers.
  exec 9>"$RUN/up.lock"; flock 9
  install_kafka; install_ferretdb
  start_daemon kafka "$KAFKA_PORT"
  start_daemon ferretdb "$MONGO_PORT"
  wait_port ferretdb "$MONGO_PORT" 60 "$LOGS/ferretdb.log"
  wait_port kafka "$KAFKA_PORT" 90 "$LOGS/kafka.log"
  # The port opens before the broker is ready: the topic tool waits for metadata, then creates topics.
  (cd "$ROOT" && uv run --frozen python -m orga_shared.messaging.topics ensure --wait 90)
  echo "infra: Kafka 127.0.0.1:$KAFKA_PORT and FerretDB 127.0.0.1:$MONGO_PORT are up"
  exec 9>&-
}

stop_one() {
  local pidf="$RUN/$1.pid"
  [[ -f "$pidf" ]] || return 0
  local pid; pid="$(cat "$pidf")"
  if kill -0 "$pid" 2>/dev/null; then
    pkill -TERM -P "$pid" 2>/dev/null || true; kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    pkill -KILL -P "$pid" 2>/dev/null || true; kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$pidf"
}

down() {
  stop_one kafka; stop_one ferretdb
  # Daemons of this checkout whose pid file was lost (a crash, an older run) are found by the
  # paths on their command line.
  pkill -TERM -f "kafka.Kafka $KAFKA_HOME/server.properties" 2>/dev/null || true
  pkill -TERM -f "$FERRET_BIN --listen-addr" 2>/dev/null || true
  for _ in $(seq 1 100); do
    pgrep -f "kafka.Kafka $KAFKA_HOME/server.properties|$FERRET_BIN --listen-addr" >/dev/null || break
    sleep 0.2
  done
  pkill -KILL -f "kafka.Kafka $KAFKA_HOME/server.properties" 2>/dev/null || true
  pkill -KILL -f "$FERRET_BIN --listen-addr" 2>/dev/null || true
  echo "infra: stopped"
}

status() {
  port_open "$KAFKA_PORT" && echo "kafka: up (:$KAFKA_PORT)" || echo "kafka: down"
  port_open "$MONGO_PORT" && echo "ferretdb: up (:$MONGO_PORT)" || echo "ferretdb: down"
}

case "${1:-}" in
  install) install_kafka; install_ferretdb ;;
  up) up ;;
  down) down ;;
  status) status ;;
  kafka) run_kafka ;;
  ferretdb) run_ferretdb ;;
  clean) down; rm -rf "$KAFKA_HOME/data" "$LOCAL/ferretdb" ;;
  *) echo "usage: $0 install|up|down|status|clean|kafka|ferretdb" >&2; exit 2 ;;
esac

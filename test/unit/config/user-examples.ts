// The two connector files from the users' own Debezium setup (reference/user-examples.md), exactly
// as they wrote them: binlogd must accept both unchanged (warnings allowed).

export const inventoryConnector = {
  "name": "mariadb-inventory-connector",
  "config": {
    "connector.class": "io.debezium.connector.mariadb.MariaDbConnector",
    "tasks.max": "1",
    "database.hostname": "mariadb-cdc.internal",
    "database.port": "3306",
    "database.user": "debezium",
    "database.password": "${secrets:mariadb/debezium:password}",
    "database.server.id": "184054",
    "topic.prefix": "dbserver",
    "database.include.list": "inventory",
    "table.include.list": "inventory.orders,inventory.order_items,inventory.products,inventory.customers",
    "include.schema.changes": "true",
    "include.query": "false",
    "snapshot.mode": "initial",
    "snapshot.locking.mode": "minimal",
    "gtid.source.includes": "1",
    "schema.history.internal.kafka.bootstrap.servers": "kafka:9092",
    "schema.history.internal.kafka.topic": "schema-changes.inventory",
    "key.converter": "io.confluent.connect.avro.AvroConverter",
    "key.converter.schema.registry.url": "http://schema-registry:8081",
    "value.converter": "io.confluent.connect.avro.AvroConverter",
    "value.converter.schema.registry.url": "http://schema-registry:8081",
    "transforms": "route,unwrap",
    "transforms.route.type": "org.apache.kafka.connect.transforms.RegexRouter",
    "transforms.route.regex": "([^.]+)\\.([^.]+)\\.([^.]+)",
    "transforms.route.replacement": "events.$3",
    "transforms.unwrap.type": "io.debezium.transforms.ExtractNewRecordState",
    "transforms.unwrap.drop.tombstones": "false",
    "transforms.unwrap.delete.handling.mode": "rewrite",
    "heartbeat.interval.ms": "10000",
    "heartbeat.action.query": "INSERT INTO inventory.debezium_heartbeat (ts) VALUES (NOW()) ON DUPLICATE KEY UPDATE ts=NOW()",
    "errors.log.enable": "true",
    "errors.log.include.messages": "true",
    "errors.tolerance": "all",
    "errors.deadletterqueue.topic.name": "dlq.inventory",
    "errors.deadletterqueue.context.headers.enable": "true"
  }
};

export const outboxConnector = {
  "name": "outbox-connector",
  "config": {
    "connector.class": "io.debezium.connector.mariadb.MariaDbConnector",
    "database.hostname": "mariadb.internal",
    "database.port": "3306",
    "database.user": "debezium",
    "database.password": "${secrets:mariadb/debezium:password}",
    "topic.prefix": "app",
    "table.include.list": "inventory.outbox",
    "tombstones.on.delete": "false",
    "transforms": "outbox",
    "transforms.outbox.type": "io.debezium.transforms.outbox.EventRouter",
    "transforms.outbox.table.fields.additional.placement": "event_type:header:eventType",
    "transforms.outbox.table.field.event.key": "aggregate_id",
    "transforms.outbox.table.field.event.type": "event_type",
    "transforms.outbox.table.field.event.payload": "payload",
    "transforms.outbox.route.by.field": "aggregate_type",
    "transforms.outbox.route.topic.replacement": "events.${routedByValue}"
  }
};

// Both connector files of our users (reference/user-examples.md, copied verbatim into
// test/fixtures/user-examples/) run unchanged against a private MariaDB with the users' server
// settings (GTID domain 1, compressed binlog events) and a private Kafka, so the fixed names they
// use (database `inventory`, topics `events.*`, `dlq.inventory`, connector names and their stored
// offsets) collide with nothing else. Only the connection properties are pointed at the local
// servers; the password comes through `${secrets:mariadb/debezium:password}` and the directory
// config provider the worker config declares.
//
// What Debezium writes for the same transforms is compared in transforms-vs-debezium.test.ts
// (streamed records) and side-topics-vs-debezium.test.ts (side topics); here the whole files run.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type mysql from 'mysql2/promise';
import { readAvroTopic, type DecodedRecord } from '../support/avro-topic.js';
import { connectorDefaults, startBinlogd, type BinlogdProcess } from '../support/binlogd-process.js';
import { connectAsRoot } from '../support/mariadb.js';
import { readRawTopic } from '../support/raw-topic.js';
import { startPrivateStack, type PrivateStack } from '../support/private-stack.js';
import { loadStackEnv, repoRoot } from '../support/stack-env.js';
import { splitSqlScript } from '../support/sql-script.js';

const FIXTURES = join(repoRoot, 'test', 'fixtures', 'user-examples');
const fixture = (file: string): { name: string; config: Record<string, string> } => JSON.parse(readFileSync(join(FIXTURES, file), 'utf8'));
const PASSWORD = 'secure_password';

/** A decoded Avro record (avsc builds class instances) as plain objects, for deepEqual. */
function plain(value: unknown): unknown {
  if (value === null || typeof value !== 'object' || Buffer.isBuffer(value)) return value;
  if (Array.isArray(value)) return value.map(plain);
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]));
}

/** The connector file as the user wrote it, its connection properties pointed at the test servers. */
function asUserWrote(file: string, stack: PrivateStack, changes: Record<string, string> = {}): { name: string; config: Record<string, string> } {
  const { name, config } = fixture(file);
  const env = loadStackEnv();
  const local: Record<string, string> = { 'database.hostname': '127.0.0.1', 'database.port': String(stack.mariadbPort) };
  for (const property of ['key.converter.schema.registry.url', 'value.converter.schema.registry.url']) {
    if (property in config) local[property] = env.schemaRegistryUrl;
  }
  if ('schema.history.internal.kafka.bootstrap.servers' in config) local['schema.history.internal.kafka.bootstrap.servers'] = stack.kafkaBrokers.join(',');
  // startBinlogd adds the stack's account and a server id: the file's own (or their absence) win.
  const unset = Object.fromEntries(Object.keys(connectorDefaults()).filter((k) => !(k in config) && !(k in local)).map((k) => [k, undefined]));
  return { name, config: { ...unset, ...config, ...local, ...changes } as Record<string, string> };
}

const INVENTORY_TABLES = `
CREATE TABLE customers (id INT PRIMARY KEY, first_name VARCHAR(255) NOT NULL, last_name VARCHAR(255) NOT NULL, email VARCHAR(255) NOT NULL UNIQUE) ENGINE=InnoDB;
CREATE TABLE products (id INT PRIMARY KEY, name VARCHAR(255) NOT NULL, description LONGTEXT, weight FLOAT) ENGINE=InnoDB;
CREATE TABLE order_items (id BIGINT PRIMARY KEY AUTO_INCREMENT, order_id BIGINT NOT NULL, product_id INT NOT NULL, quantity INT NOT NULL) ENGINE=InnoDB;
CREATE TABLE debezium_heartbeat (id INT PRIMARY KEY DEFAULT 1, ts DATETIME NOT NULL) ENGINE=InnoDB;
`;

describe("the users' connector files, unchanged, on a server with their settings", { timeout: 900_000 }, () => {
  let stack: PrivateStack;
  let db: mysql.Connection;
  let secrets: string;
  let firstOrder: number;
  const running: BinlogdProcess[] = [];
  const worker = () => ({ configProviders: { secrets: { type: 'directory', path: secrets } } });
  const read = async (topic: string, count: number, timeoutMs = 60_000): Promise<DecodedRecord[]> =>
    (await readAvroTopic(topic, count, timeoutMs, stack.kafkaBrokers)).map((r) => ({ ...r, key: plain(r.key), value: plain(r.value) }));
  const start = async (connector: { name: string; config: Record<string, string> }): Promise<BinlogdProcess> => {
    const binlogd = await startBinlogd({ ...connector, worker: worker(), kafkaBrokers: stack.kafkaBrokers, timeoutMs: 180_000 });
    running.push(binlogd);
    return binlogd;
  };
  const stop = async (binlogd: BinlogdProcess): Promise<void> => {
    assert.equal(await binlogd.stop(), 0, `binlogd exits cleanly; last logs: ${JSON.stringify(binlogd.logs.slice(-5))}`);
  };

  before(async () => {
    stack = await startPrivateStack(['mariadb-user-example', 'kafka']);
    secrets = mkdtempSync(join(tmpdir(), 'binlogd-secrets-'));
    mkdirSync(join(secrets, 'mariadb', 'debezium'), { recursive: true });
    // As `echo secure_password > …` leaves it: the provider drops the final newline.
    writeFileSync(join(secrets, 'mariadb', 'debezium', 'password'), `${PASSWORD}\n`);
    db = await connectAsRoot(stack.mariadbPort);
    // The CDC account as the user's cnf comments create it, plus what the heartbeat action query writes
    // and the one grant binlogd needs beyond Debezium's: temporary tables for its schema history.
    await db.query(`CREATE DATABASE inventory;
      CREATE USER 'debezium'@'%' IDENTIFIED BY '${PASSWORD}';
      GRANT SELECT, RELOAD, SHOW DATABASES, REPLICATION SLAVE, REPLICATION CLIENT ON *.* TO 'debezium'@'%';
      GRANT SELECT ON performance_schema.* TO 'debezium'@'%';
      GRANT CREATE TEMPORARY TABLES ON inventory.* TO 'debezium'@'%'`);
    await db.changeUser({ database: 'inventory' });
    await db.query(INVENTORY_TABLES);
    for (const statement of splitSqlScript(readFileSync(join(FIXTURES, 'outbox-schema.sql'), 'utf8'))) await db.query(statement);
    await db.query(`GRANT INSERT, UPDATE ON inventory.debezium_heartbeat TO 'debezium'@'%'`);
    await db.query(`INSERT INTO customers VALUES (1, 'Sally', 'Thomas', 'sally@example.com'), (2, 'George', 'Bailey', 'gbailey@example.com');
      INSERT INTO products VALUES (101, 'scooter', 'Small 2-wheel scooter', 3.14), (102, 'car battery', '12V car battery', 8.1)`);
    await db.query(`CALL create_order(42, 99.99, '[{"product_id": 101, "qty": 2}, {"product_id": 102, "qty": 1}]')`);
    firstOrder = Number(((await db.query('SELECT MAX(order_id) AS id FROM orders'))[0] as Array<{ id: number }>)[0]!.id);
    await db.query(`INSERT INTO order_items (order_id, product_id, quantity) VALUES (${firstOrder}, 101, 2)`);
  });

  after(async () => {
    for (const binlogd of running) await binlogd.stop().catch(() => undefined);
    await db?.end().catch(() => undefined);
    await stack?.down();
    if (secrets) rmSync(secrets, { recursive: true, force: true });
  });

  test('inventory connector: the snapshot lands unwrapped on events.<table>, schema changes on dbserver, heartbeats; gtid.source.includes=1 skips streamed rows as Debezium does, and says so', async () => {
    const binlogd = await start(asUserWrote('inventory-connector.json', stack));
    try {
      const customers = await read('events.customers', 2);
      assert.deepEqual(customers.map((r) => [r.key, r.value]), [
        [{ id: 1 }, { id: 1, first_name: 'Sally', last_name: 'Thomas', email: 'sally@example.com', __deleted: 'false' }],
        [{ id: 2 }, { id: 2, first_name: 'George', last_name: 'Bailey', email: 'gbailey@example.com', __deleted: 'false' }],
      ]);
      const products = await read('events.products', 2);
      assert.deepEqual(products.map((r) => (r.value as { name: string }).name), ['scooter', 'car battery']);
      const [order] = await read('events.orders', 1);
      const orderValue = order!.value as Record<string, unknown>;
      assert.deepEqual(order!.key, { order_id: BigInt(firstOrder) });
      assert.equal(orderValue['status'], 'PENDING');
      assert.equal(orderValue['__deleted'], 'false');
      assert.ok(!('op' in orderValue) && !('source' in orderValue), 'unwrapped: no envelope fields');
      const [item] = await read('events.order_items', 1);
      assert.deepEqual(item!.value, { id: 1n, order_id: BigInt(firstOrder), product_id: 101, quantity: 2, __deleted: 'false' });
      // Nothing on the unrouted topics, nothing dead.
      for (const topic of ['dbserver.inventory.customers', 'dlq.inventory']) assert.deepEqual(await read(topic, 0, 1000), [], topic);

      assert.equal(binlogd.logs.filter((l) => /^accepted without effect: schema\.history\.internal\.kafka\.bootstrap\.servers \(binlogd keeps its own schema history/.test(String(l['msg']))).length, 1,
        'the schema history properties are explained once');
      assert.ok(!JSON.stringify(binlogd.logs).includes(PASSWORD), 'the resolved password never appears in the logs');
      const warning = binlogd.logs.find((l) => l['subject'] === 'gtid.source');
      assert.match(String(warning?.['msg']), /gtid\.source\.includes=1 leaves out every GTID source this server has written \(1-1\)/);

      // A row change, then a DDL: the DDL's schema change record shows the row change was read.
      await db.query(`INSERT INTO customers VALUES (3, 'Edward', 'Walker', 'ed@walker.com')`);
      await db.query('ALTER TABLE customers ADD COLUMN phone VARCHAR(32) NULL');
      const changes = await read('dbserver', 1);
      const alter = changes.find((r) => /ALTER TABLE customers ADD COLUMN phone/.test(String((r.value as { ddl?: string }).ddl)));
      assert.ok(alter, `a schema change record for the ALTER: ${JSON.stringify(changes.map((r) => (r.value as { ddl?: string }).ddl))}`);
      assert.deepEqual(alter!.key, { databaseName: 'inventory' });
      assert.equal((alter!.value as { databaseName: string }).databaseName, 'inventory');
      assert.equal((await read('events.customers', 2, 2000)).length, 2, 'the streamed insert is skipped (GTID source 1-1 is not included)');

      // heartbeat.interval.ms=10000: heartbeats appear, and the action query runs.
      const heartbeats = await read('__debezium-heartbeat.dbserver', 1, 60_000);
      assert.deepEqual(heartbeats[0]!.key, { serverName: 'dbserver' });
      const [beat] = (await db.query('SELECT COUNT(*) AS n FROM inventory.debezium_heartbeat'))[0] as Array<{ n: number }>;
      assert.equal(Number(beat!.n), 1, 'the heartbeat action query wrote its row');
    } finally {
      await stop(binlogd);
    }
  });

  test('inventory connector with gtid.source.includes=1-.* (the fix the warning names): streamed changes unwrapped with __deleted, tombstones kept, an oversized row in dlq.inventory', async () => {
    const binlogd = await start(asUserWrote('inventory-connector.json', stack, { 'gtid.source.includes': '1-.*' }));
    try {
      await db.query(`INSERT INTO customers VALUES (4, 'Anne', 'Kretchmar', 'annek@noanswer.org', '555-0100')`);
      await db.query(`UPDATE customers SET email = 'sally.thomas@example.com' WHERE id = 1`);
      await db.query('DELETE FROM customers WHERE id = 2');
      await db.query(`INSERT INTO products VALUES (103, 'poison', REPEAT('x', 1500000), 1), (104, 'hammer', '16oz carpenter hammer', 1)`);
      const customers = (await read('events.customers', 6)).slice(2);
      assert.deepEqual(customers.map((r) => [r.key, r.value]), [
        [{ id: 4 }, { id: 4, first_name: 'Anne', last_name: 'Kretchmar', email: 'annek@noanswer.org', phone: '555-0100', __deleted: 'false' }],
        [{ id: 1 }, { id: 1, first_name: 'Sally', last_name: 'Thomas', email: 'sally.thomas@example.com', phone: null, __deleted: 'false' }],
        [{ id: 2 }, { id: 2, first_name: 'George', last_name: 'Bailey', email: 'gbailey@example.com', phone: null, __deleted: 'true' }],
        [{ id: 2 }, null],
      ], 'the insert of id 3 was passed in the first session and is not read again');
      const products = (await read('events.products', 3)).slice(2);
      assert.deepEqual(products.map((r) => (r.value as { name: string }).name), ['hammer'], 'the row after the oversized one is delivered');
      // Dead letter records are the failed record as JSON (the converters failed or were bypassed).
      const [dead] = await readRawTopic('dlq.inventory', 1, 60_000, stack.kafkaBrokers);
      assert.equal(dead!.key?.toString(), '{"id":103}');
      assert.equal(dead!.headers['__connect.errors.stage'], 'KAFKA_PRODUCE');
      assert.equal(dead!.headers['__connect.errors.topic'], 'dbserver.inventory.products');
      assert.equal(dead!.headers['__connect.errors.connector.name'], 'mariadb-inventory-connector');
      assert.match(dead!.headers['__connect.errors.exception.message'] ?? '', /max\.request\.size/);
    } finally {
      await stop(binlogd);
    }
  });

  test('outbox connector: the snapshot and the stored procedures yield events on events.Order keyed by aggregate_id, header eventType, the JSON payload as value', async () => {
    const binlogd = await start(asUserWrote('outbox-connector.json', stack));
    try {
      await db.query(`CALL update_order_status(${firstOrder}, 'CONFIRMED', '{"confirmed_by": "system"}')`);
      await db.query(`CALL create_order(7, 10.50, '[]')`);
      const events = await read('events.Order', 3);
      const second = firstOrder + 1;
      assert.deepEqual(events.map((r) => [r.key, r.headers['eventType']]), [
        [`order-${firstOrder}`, 'OrderCreated'], // read by the snapshot (op=r), routed like a create
        [`order-${firstOrder}`, 'OrderConfirmed'],
        [`order-${second}`, 'OrderCreated'],
      ]);
      assert.ok(events.every((r) => /^\d+$/.test(r.headers['id'] ?? '')), 'header id: the outbox row id');
      const payloads = events.map((r) => JSON.parse(String(r.value)) as Record<string, unknown>);
      assert.deepEqual([payloads[0]!['status'], String(payloads[0]!['order_id']), String(payloads[0]!['customer_id'])], ['PENDING', String(firstOrder), '42']);
      assert.deepEqual([payloads[1]!['old_status'], payloads[1]!['new_status']], ['PENDING', 'CONFIRMED']);
      assert.equal(String(payloads[2]!['order_id']), String(second));
      assert.deepEqual(await read('app.inventory.outbox', 0, 1000), [], 'nothing left on the unrouted topic');
    } finally {
      await stop(binlogd);
    }
  });
});

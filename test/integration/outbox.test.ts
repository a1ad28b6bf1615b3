// The user's outbox pattern end to end: their outbox connector file (user-examples.md, connector
// 2; only the connection, the database name and the connector name are adapted to the test stack)
// and their stored procedures. Each business write yields an event on events.Order keyed by the
// aggregate id, with header eventType and the JSON payload as the value.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { outboxConnector } from '../unit/config/user-examples.js';
import { connectAsRoot } from '../support/mariadb.js';
import { readAvroTopic } from '../support/avro-topic.js';
import { uniqueName } from '../support/stack-env.js';
import { startBinlogd } from '../support/binlogd-process.js';

// The user's schema and procedures, as written (without the client's DELIMITER lines).
const SCHEMA = `
CREATE TABLE orders (
    order_id BIGINT PRIMARY KEY AUTO_INCREMENT,
    customer_id BIGINT NOT NULL,
    status ENUM('PENDING', 'CONFIRMED', 'SHIPPED', 'DELIVERED', 'CANCELLED') DEFAULT 'PENDING',
    total_amount DECIMAL(12,2) NOT NULL,
    created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
    updated_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
    INDEX idx_customer (customer_id),
    INDEX idx_status (status)
) ENGINE=InnoDB;
CREATE TABLE outbox (
    id BIGINT PRIMARY KEY AUTO_INCREMENT,
    aggregate_type VARCHAR(100) NOT NULL,
    aggregate_id VARCHAR(100) NOT NULL,
    event_type VARCHAR(100) NOT NULL,
    payload JSON NOT NULL,
    created_at TIMESTAMP(6) DEFAULT CURRENT_TIMESTAMP(6),
    INDEX idx_created (created_at)
) ENGINE=InnoDB`;

const CREATE_ORDER = `
CREATE PROCEDURE create_order(
    IN p_customer_id BIGINT,
    IN p_total_amount DECIMAL(12,2),
    IN p_items JSON
)
BEGIN
    DECLARE v_order_id BIGINT;
    DECLARE v_event_payload JSON;
    START TRANSACTION;
    INSERT INTO orders (customer_id, status, total_amount)
    VALUES (p_customer_id, 'PENDING', p_total_amount);
    SET v_order_id = LAST_INSERT_ID();
    SET v_event_payload = JSON_OBJECT(
        'order_id', v_order_id,
        'customer_id', p_customer_id,
        'total_amount', p_total_amount,
        'items', p_items,
        'status', 'PENDING',
        'timestamp', UNIX_TIMESTAMP(NOW(6)) * 1000
    );
    INSERT INTO outbox (aggregate_type, aggregate_id, event_type, payload)
    VALUES ('Order', CONCAT('order-', v_order_id), 'OrderCreated', v_event_payload);
    COMMIT;
    SELECT v_order_id AS order_id;
END`;

const UPDATE_STATUS = `
CREATE PROCEDURE update_order_status(
    IN p_order_id BIGINT,
    IN p_new_status VARCHAR(20),
    IN p_metadata JSON
)
BEGIN
    DECLARE v_old_status VARCHAR(20);
    DECLARE v_event_type VARCHAR(100);
    DECLARE v_event_payload JSON;
    START TRANSACTION;
    SELECT status INTO v_old_status FROM orders WHERE order_id = p_order_id FOR UPDATE;
    UPDATE orders SET status = p_new_status WHERE order_id = p_order_id;
    SET v_event_type = CASE p_new_status
        WHEN 'CONFIRMED' THEN 'OrderConfirmed'
        WHEN 'SHIPPED' THEN 'OrderShipped'
        WHEN 'DELIVERED' THEN 'OrderDelivered'
        WHEN 'CANCELLED' THEN 'OrderCancelled'
        ELSE CONCAT('OrderStatusChanged_', p_new_status)
    END;
    SET v_event_payload = JSON_OBJECT(
        'order_id', p_order_id,
        'old_status', v_old_status,
        'new_status', p_new_status,
        'metadata', p_metadata,
        'timestamp', UNIX_TIMESTAMP(NOW(6)) * 1000
    );
    INSERT INTO outbox (aggregate_type, aggregate_id, event_type, payload)
    VALUES ('Order', CONCAT('order-', p_order_id), v_event_type, v_event_payload);
    COMMIT;
END`;

test("the user's outbox connector and procedures: events on events.Order keyed by aggregate_id, header eventType, JSON payload", { timeout: 180_000 }, async () => {
  const db = await connectAsRoot();
  const database = uniqueName('inventory');
  const name = uniqueName('outbox-connector');
  // events.Order is shared by every run: this run's orders get ids no other run uses.
  const firstId = 1_000_000 + Math.floor(Math.random() * 1_000_000_000);
  await db.query(`CREATE DATABASE ${database}`);
  await db.changeUser({ database });
  await db.query(SCHEMA);
  await db.query(`ALTER TABLE orders AUTO_INCREMENT = ${firstId}`);
  await db.query(CREATE_ORDER);
  await db.query(UPDATE_STATUS);
  const { config } = outboxConnector;
  const binlogd = await startBinlogd({
    name,
    config: {
      ...Object.fromEntries(Object.entries(config).filter(([k]) => !k.startsWith('database.'))),
      'table.include.list': config['table.include.list'].replace('inventory', database),
    },
  });
  try {
    await db.query(`CALL create_order(42, 99.99, '[{"product_id": 101, "qty": 2}, {"product_id": 102, "qty": 1}]')`);
    await db.query(`CALL update_order_status(${firstId}, 'CONFIRMED', '{"confirmed_by": "system"}')`);
    const ours = new Set([`order-${firstId}`]);
    const records = (await readAvroTopic('events.Order', 1, 60_000)).filter((r) => ours.has(String(r.key)));
    const deadline = Date.now() + 60_000;
    let mine = records;
    while (mine.length < 2 && Date.now() < deadline) {
      mine = (await readAvroTopic('events.Order', 1, 10_000)).filter((r) => ours.has(String(r.key)));
    }
    assert.equal(mine.length, 2, 'two events for this run\'s order');
    assert.deepEqual(mine.map((r) => r.key), [`order-${firstId}`, `order-${firstId}`]);
    assert.deepEqual(mine.map((r) => r.headers['eventType']), ['OrderCreated', 'OrderConfirmed']);
    assert.ok(mine.every((r) => /^\d+$/.test(r.headers['id'] ?? '')), 'header id holds the outbox row id');
    const created = JSON.parse(mine[0]!.value as string) as Record<string, unknown>;
    // As MariaDB's JSON_OBJECT writes the procedure's variables.
    assert.equal(String(created['order_id']), String(firstId));
    assert.equal(String(created['customer_id']), '42');
    assert.equal(created['status'], 'PENDING');
    const json = (v: unknown) => (typeof v === 'string' ? JSON.parse(v) : v);
    assert.deepEqual(json(created['items']), [{ product_id: 101, qty: 2 }, { product_id: 102, qty: 1 }]);
    const confirmed = JSON.parse(mine[1]!.value as string) as Record<string, unknown>;
    assert.deepEqual([confirmed['old_status'], confirmed['new_status'], json(confirmed['metadata'])], ['PENDING', 'CONFIRMED', { confirmed_by: 'system' }]);
  } finally {
    assert.equal(await binlogd.stop(), 0);
    await db.query(`DROP DATABASE IF EXISTS ${database}`);
    await db.end();
  }
});

// The Debezium oracle itself: a real insert comes back as Debezium's change event.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { captureWithDebezium } from '../oracle/debezium.js';
import { connectAsRoot, currentGtidPosition } from '../support/mariadb.js';
import { uniqueName } from '../support/stack-env.js';

test('the oracle captures an insert and returns Debezium\'s envelope for it', { timeout: 120_000 }, async () => {
  const db = await connectAsRoot();
  const table = uniqueName('oracle_probe');
  let gtid = '';
  try {
    await db.query(`CREATE DATABASE IF NOT EXISTS binlogd_test;
      CREATE TABLE binlogd_test.${table} (id INT PRIMARY KEY, name VARCHAR(20) NOT NULL, price DECIMAL(10,2))`);
    const { topicPrefix, records } = await captureWithDebezium({
      tables: [`binlogd_test.${table}`],
      write: async () => {
        await db.query(`INSERT INTO binlogd_test.${table} VALUES (1, 'probe', 12.34)`);
        gtid = await currentGtidPosition(db);
      },
    });

    assert.equal(records.length, 1);
    const [record] = records;
    const recordName = `${topicPrefix}.binlogd_test.${table}`;
    assert.equal(record!.topic, recordName);
    assert.deepEqual(record!.key?.payload, { id: 1 });
    const value = record!.value!;
    assert.equal((value.schema as any).name, `${recordName}.Envelope`);
    assert.equal((value.schema as any).version, 2);
    const envelope = value.payload;
    assert.equal(envelope.op, 'c');
    assert.equal(envelope.before, null);
    // DECIMAL under the default precise mode is the base64 of the unscaled two's-complement bytes.
    assert.deepEqual(envelope.after, { id: 1, name: 'probe', price: Buffer.from([0x04, 0xd2]).toString('base64') });
    assert.equal(envelope.source.connector, 'mariadb');
    assert.equal(envelope.source.db, 'binlogd_test');
    assert.equal(envelope.source.table, table);
    assert.equal(envelope.source.row, 0);
    assert.ok(gtid.split(',').includes(envelope.source.gtid), `${envelope.source.gtid} in ${gtid}`);
    assert.deepEqual(
      (value.schema as any).fields.map((f: any) => f.field),
      ['before', 'after', 'source', 'transaction', 'op', 'ts_ms', 'ts_us', 'ts_ns'],
    );
  } finally {
    await db.query(`DROP TABLE IF EXISTS binlogd_test.${table}`);
    await db.end();
  }
});

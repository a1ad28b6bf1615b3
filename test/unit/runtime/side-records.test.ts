import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ConnectStruct } from '../../../src/connect/schema.js';
import { TransactionOrder } from '../../../src/envelope/change-events.js';
import type { TableDescription } from '../../../src/envelope/schema-change-records.js';
import { SideRecords } from '../../../src/runtime/side-records.js';
import type { OutgoingRecord } from '../../../src/runtime/streaming-pipeline.js';

const header = (timestampMs: number, position = 100) => ({ file: 'f', position, nextPosition: position + 50, timestampMs });
const offset = { file: 'f', pos: 1, gtids: '0-1-1' };

function setup(tables: Record<string, TableDescription>) {
  const sent: Array<{ topic: string; key: ConnectStruct | null; value: ConnectStruct | null; ackToken?: unknown; partition?: number }> = [];
  const side = new SideRecords({
    envelope: { identity: { version: 'v', name: 'p' }, tombstonesOnDelete: true, provideTransactionMetadata: true, contextHeaders: {} },
    schemaChangeTopic: 'p', transactionTopic: 'p.transaction', heartbeatTopic: '__debezium-heartbeat.p', emitTruncates: false,
    // The "serialized" record is the struct itself, so the test can look at it.
    records: {
      convert: (records) => records.map((r) => ({ topic: r.topic, key: r.key as unknown as Buffer, value: r.value as unknown as Buffer, headers: r.headers })),
      eventFailed: (error) => { throw error; },
    },
    offsetRecord: (o) => ({ topic: 'offsets', key: null, value: Buffer.from(JSON.stringify(o)) }),
    sink: { send: (record: OutgoingRecord) => { sent.push({ topic: record.topic, key: record.key as never, value: record.value as never, ackToken: record.ackToken, partition: record.partition }); } },
    tables: { resolve: async () => null, resolveByName: async () => null },
    describeTable: async (db, table) => tables[`${db}.${table}`] ?? null,
  });
  return { side, sent };
}

const description = (column: string): TableDescription => ({ defaultCharsetName: 'utf8mb4', primaryKeyColumnNames: [], columns: [{
  name: column, jdbcType: 4, typeName: 'INT', charsetName: null, length: 11, scale: null, position: 1, optional: true,
  autoIncremented: false, generated: false, comment: null, defaultValueExpression: null, enumValues: null,
}], comment: null });

test('BEGIN carries the previous event time, END the commit time and the counts; a DDL gets a BEGIN only', async () => {
  const { side, sent } = setup({ 'd.t': description('a') });
  const order = new TransactionOrder('0-1-7');
  side.eventRead(5000);
  await side.begin({ gtid: '0-1-7', serverId: 1, order }, header(6000));
  order.next('d.t');
  order.next('d.t');
  side.eventRead(7000); // the pipeline reports every event with a header, the XID too
  await side.end({ gtid: '0-1-7', serverId: 1, order }, header(7000), () => offset);
  await side.begin({ gtid: '0-1-8', serverId: 1, order: new TransactionOrder('0-1-8') }, header(8000));
  await side.statement({ header: header(8000), sql: 'CREATE TABLE t (a INT)', database: 'd', file: 'f' }, { gtid: '0-1-8', serverId: 1, order }, offset);
  const tx = sent.filter((r) => r.topic === 'p.transaction').map((r) => [r.value!['status'], r.value!['id'], r.value!['ts_ms'], r.value!['event_count']]);
  assert.deepEqual(tx, [['BEGIN', '0-1-7', 5000n, null], ['END', '0-1-7', 7000n, 2n], ['BEGIN', '0-1-8', 7000n, null]]);
  assert.equal(sent.find((r) => r.value?.['status'] === 'END')!.ackToken, offset);
  const change = sent.find((r) => r.topic === 'p')!;
  assert.deepEqual(change.key, { databaseName: 'd' });
  assert.equal(change.ackToken, offset, 'the DDL record carries the offset after the DDL');
});

test('a table renamed or dropped before its DDL is read is shown as last seen under its old name', async () => {
  const tables: Record<string, TableDescription> = { 'd.t': description('a') };
  const { side, sent } = setup(tables);
  const ddl = (sql: string) => side.statement({ header: header(1000), sql, database: 'd', file: 'f' }, null, undefined);
  await ddl('CREATE TABLE t (a INT)');
  delete tables['d.t']; // renamed twice since: INFORMATION_SCHEMA knows neither t2 nor t3
  await ddl('RENAME TABLE t TO t2, t2 TO t3');
  const changes = sent.filter((r) => r.topic === 'p').map((r) => r.value!['tableChanges'] as ConnectStruct[]);
  assert.deepEqual(changes.map((list) => list.map((c) => [c['id'], (c['table'] as ConnectStruct | null)?.['columns'] !== undefined])), [
    [['"d"."t"', true]], [], [['"d"."t3"', true]],
  ]);
});

test('no heartbeat before a position is known; then each carries it', async () => {
  const { side, sent } = setup({});
  await side.heartbeat();
  assert.equal(sent.length, 0);
  await side.end(null, header(1000), () => offset);
  await side.heartbeat();
  assert.deepEqual(sent.map((r) => [r.topic, r.key, r.ackToken]), [['__debezium-heartbeat.p', { serverName: 'p' }, offset]]);
});

test('schema change and heartbeat records go to partition 0, as Debezium writes them; transaction records to the key hash', async () => {
  const { side, sent } = setup({ 'd.t': description('a') });
  const order = new TransactionOrder('0-1-9');
  await side.begin({ gtid: '0-1-9', serverId: 1, order }, header(1000));
  await side.end({ gtid: '0-1-9', serverId: 1, order }, header(1000), () => offset);
  await side.statement({ header: header(2000), sql: 'CREATE TABLE t (a INT)', database: 'd', file: 'f' }, null, offset);
  await side.heartbeat();
  assert.deepEqual(sent.map((r) => [r.topic, r.partition]), [
    ['p.transaction', undefined], ['p.transaction', undefined], ['p', 0], ['__debezium-heartbeat.p', 0],
  ]);
});

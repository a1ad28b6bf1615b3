// Snapshot records take the connector's record path: transforms and converters apply to `op=r`
// records as to streamed ones, and a chunk's offset reaches the sink even when a transform drops
// the record that carried it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import pino from 'pino';
import { buildTableSchema, type ColumnCodec } from '../../../src/envelope/table-schema.js';
import type { SourceOffset } from '../../../src/offsets/source-offset.js';
import { ErrorPolicy } from '../../../src/runtime/error-policy.js';
import { RecordPath } from '../../../src/runtime/record-path.js';
import { SnapshotEmitter, snapshotMarker, type SnapshotMarker } from '../../../src/runtime/snapshot-emitter.js';
import { decodeSnapshotState, encodeSnapshotState, EMPTY_SNAPSHOT_STATE, withRowEmitted, withTableDone, snapshotOffset } from '../../../src/runtime/snapshot-state.js';
import type { OutgoingRecord } from '../../../src/runtime/streaming-pipeline.js';
import { createConverter, JSON_CONVERTER } from '../../../src/serialize/converters.js';
import { buildChain } from '../../../src/transforms/chain.js';
import type { ChainStep } from '../../../src/transforms/chain.js';

const columns: ColumnCodec[] = [
  { name: 'id', schema: { type: 'int32', optional: false }, convert: (v) => Number(v) },
  { name: 'name', schema: { type: 'string', optional: true }, convert: (v) => String(v) },
];
const table = { schema: buildTableSchema({ topicPrefix: 'dbserver', db: 'inventory', table: 'customers', columns, keyColumns: ['id'] }) };
const position = { file: 'mysql-bin.000003', pos: 154, gtids: '0-1-10' };
const json = (schemasEnable: boolean) => ({ class: JSON_CONVERTER, schemasEnable, decimalFormat: 'BASE64', replaceNullWithDefault: true } as const);
const noAvro = () => { throw new Error('no Avro in this test'); };

function emitterWith(transforms: readonly ChainStep[], sent: OutgoingRecord[]): SnapshotEmitter {
  const errors = new ErrorPolicy({ connector: 'c', tolerance: 'none', logEnable: false, logIncludeMessages: false, eventProcessing: 'fail', maxRecordBytes: 1_048_576, log: pino({ level: 'silent' }) });
  const records = new RecordPath({ transforms, key: createConverter('key', json(false), noAvro), value: createConverter('value', json(false), noAvro), maxRecordBytes: 1_048_576, errors });
  return new SnapshotEmitter({
    envelope: { identity: { version: '0.1.0', name: 'dbserver' }, tombstonesOnDelete: true, provideTransactionMetadata: false, contextHeaders: {} },
    at: { ...position, serverId: 0, gtid: null }, records, sink: { send: (record) => { sent.push(record); } }, state: EMPTY_SNAPSHOT_STATE,
    offsetOf: (state) => snapshotOffset(position, state, Date.now()),
    offsetRecord: (offset) => ({ topic: 'offsets', key: Buffer.from('k'), value: Buffer.from(JSON.stringify(offset)) }),
  });
}

const rows = [{ id: 1, name: 'a' }, { id: 2, name: 'b' }, { id: 3, name: 'c' }];
const markers: SnapshotMarker[] = ['first', 'true', 'true'];
const completed: SourceOffset = { file: position.file, pos: position.pos, gtids: position.gtids };

test('snapshot records pass the transforms and the connector converters (route + unwrap, JSON without schemas)', async () => {
  const sent: OutgoingRecord[] = [];
  const transforms = buildChain([
    { alias: 'route', type: 'org.apache.kafka.connect.transforms.RegexRouter', options: { regex: '([^.]+)\\.([^.]+)\\.([^.]+)', replacement: 'events.$3' }, negate: false },
    { alias: 'unwrap', type: 'io.debezium.transforms.ExtractNewRecordState', options: { 'drop.tombstones': 'false', 'delete.handling.mode': 'rewrite' }, negate: false },
  ], { warn: () => undefined });
  const emitter = emitterWith(transforms, sent);
  // Two chunks: the first one's offset goes on its last record (id 2).
  await emitter.emit(table, rows.slice(0, 2), markers.slice(0, 2), (state) => state);
  await emitter.emit(table, rows.slice(2), markers.slice(2), (state) => state);
  await emitter.finish(completed);
  assert.deepEqual(sent.map((r) => r.topic), ['events.customers', 'events.customers', 'events.customers']);
  assert.deepEqual(sent.map((r) => JSON.parse(r.value!.toString())), [
    { id: 1, name: 'a', __deleted: 'false' }, { id: 2, name: 'b', __deleted: 'false' }, { id: 3, name: 'c', __deleted: 'false' },
  ]);
  assert.deepEqual(JSON.parse(sent[0]!.key!.toString()), { id: 1 });
  // The chunk's offset on its last record; the completed offset on the snapshot's last.
  assert.equal(sent[1]!.ackToken?.gtids, position.gtids);
  assert.notEqual(sent[1]!.ackToken?.snapshot, undefined);
  assert.equal(sent[0]!.ackToken, undefined);
  assert.deepEqual(sent[2]!.ackToken, completed);
});

test('a transform that drops the record carrying an offset: the offset is sent on its own', async () => {
  const sent: OutgoingRecord[] = [];
  const dropThree: ChainStep = { alias: 'drop', type: 'test.Drop', apply: (record) => ((record.key as { id: number }).id === 3 ? null : record) };
  const emitter = emitterWith([dropThree], sent);
  await emitter.emit(table, rows, markers, (state) => state);
  await emitter.finish(completed);
  assert.deepEqual(sent.map((r) => r.topic), ['dbserver.inventory.customers', 'dbserver.inventory.customers', 'offsets']);
  assert.deepEqual(sent[2]!.ackToken, completed);
  assert.deepEqual(JSON.parse(sent[2]!.value!.toString()), completed);
  assert.equal(emitter.count, 3);
});

test('markers as RelationalSnapshotChangeEventSource.setSnapshotMarker places them', () => {
  const m = (firstTable: boolean, lastTable: boolean, firstRow: boolean, lastRow: boolean) => snapshotMarker({ firstTable, lastTable, firstRow, lastRow });
  assert.equal(m(true, false, true, false), 'first');
  assert.equal(m(true, true, true, true), 'last');
  assert.equal(m(false, false, true, true), 'last_in_data_collection');
  assert.equal(m(false, false, true, false), 'first_in_data_collection');
  assert.equal(m(false, true, false, false), 'true');
  assert.equal(m(true, false, true, true), 'first', 'a one-row first table');
});

test('the snapshot state survives the offset as JSON, bytes included', () => {
  const state = withTableDone(withRowEmitted(withRowEmitted(EMPTY_SNAPSHOT_STATE, 'db.a', [1, 'x']), 'db.b', [Buffer.from([0, 255])]), 'db.a');
  const back = decodeSnapshotState(encodeSnapshotState(state));
  assert.deepEqual([...back.done], ['db.a']);
  assert.deepEqual(back.at.get('db.b'), [Buffer.from([0, 255])]);
  assert.equal(back.at.has('db.a'), false);
  assert.throws(() => decodeSnapshotState('{"done":[]}'), /not a binlogd snapshot state/);
});

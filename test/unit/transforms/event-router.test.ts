import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ConnectSchema, ConnectStruct } from '../../../src/connect/schema.js';
import { createEventRouter, eventRouterOptions } from '../../../src/transforms/event-router.js';
import type { ConnectRecord } from '../../../src/transforms/record.js';

const json: ConnectSchema = { type: 'string', optional: false, name: 'io.debezium.data.Json', version: 1 };
const row: ConnectSchema = {
  type: 'struct', optional: true, name: 'app.inventory.outbox.Value', fields: [
    { name: 'id', schema: { type: 'int64', optional: false } },
    { name: 'aggregate_type', schema: { type: 'string', optional: false } },
    { name: 'aggregate_id', schema: { type: 'string', optional: false } },
    { name: 'event_type', schema: { type: 'string', optional: false } },
    { name: 'payload', schema: json },
    { name: 'part', schema: { type: 'int32', optional: true } },
    { name: 'created_at', schema: { type: 'int64', optional: true, name: 'io.debezium.time.MicroTimestamp', version: 1 } },
  ],
};
const envelope: ConnectSchema = {
  type: 'struct', optional: false, name: 'app.inventory.outbox.Envelope', version: 2, fields: [
    { name: 'before', schema: row }, { name: 'after', schema: row },
    { name: 'op', schema: { type: 'string', optional: false } }, { name: 'ts_ms', schema: { type: 'int64', optional: true } },
  ],
};

function outbox(op: string, values: Partial<ConnectStruct> = {}): ConnectRecord {
  const after: ConnectStruct = {
    id: 7n, aggregate_type: 'Order', aggregate_id: 'order-1001', event_type: 'OrderCreated',
    payload: '{"order_id": 1001, "total": 99.99, "items": [{"sku": "a", "qty": 2}], "note": null}', part: 3, created_at: 1_700_000_000_123_456n, ...values,
  };
  return {
    topic: 'app.inventory.outbox', keySchema: null, key: null, valueSchema: envelope,
    value: { before: op === 'c' ? null : after, after: op === 'd' ? null : after, op, ts_ms: 1_700_000_000_999n },
    headers: { '__debezium.context.connectorName': 'mariadb' },
  };
}

function router(options: Record<string, string>) {
  const warnings: string[] = [];
  return { route: createEventRouter(eventRouterOptions.parse(options), { warn: (m) => warnings.push(m) }), warnings };
}

// The user's outbox connector (user-examples.md, connector 2).
const USER = {
  'table.fields.additional.placement': 'event_type:header:eventType',
  'table.field.event.key': 'aggregate_id',
  'table.field.event.type': 'event_type',
  'table.field.event.payload': 'payload',
  'route.by.field': 'aggregate_type',
  'route.topic.replacement': 'events.${routedByValue}',
};

test("the user's outbox config: events.Order keyed by aggregate_id, headers id and eventType, the JSON payload as value", () => {
  const out = router(USER).route(outbox('c'))!;
  assert.equal(out.topic, 'events.Order');
  assert.deepEqual([out.keySchema, out.key], [{ type: 'string', optional: false }, 'order-1001']);
  assert.equal(out.valueSchema, json);
  assert.equal(out.value, outbox('c').value && (outbox('c').value as ConnectStruct)['after'] && ((outbox('c').value as ConnectStruct)['after'] as ConnectStruct)['payload']);
  assert.deepEqual(out.headers, { '__debezium.context.connectorName': 'mariadb', id: '7', eventType: 'OrderCreated' });
  assert.equal(out.timestampMs, 1_700_000_000_999, 'the envelope ts_ms');
  assert.equal(out.partition, undefined);
});

test('deletes and tombstones are dropped; updates are dropped with a warning, or fail with fatal', () => {
  const { route, warnings } = router(USER);
  assert.equal(route(outbox('d')), null);
  assert.equal(route({ ...outbox('c'), valueSchema: null, value: null }), null);
  assert.equal(route(outbox('u')), null);
  assert.equal(warnings.length, 1);
  assert.throws(() => router({ ...USER, 'table.op.invalid.behavior': 'fatal' }).route(outbox('u')), /Unexpected update message/);
  assert.deepEqual(router(USER).route(outbox('r'))!.topic, 'events.Order', 'snapshot reads are events too');
});

test('defaults: outbox.event.<aggregatetype>, key aggregateid, payload payload', () => {
  const row2 = { aggregatetype: 'customer', aggregateid: 'c-1' };
  const record = outbox('c');
  const schema: ConnectSchema = { ...row, fields: [...row.fields!, { name: 'aggregatetype', schema: { type: 'string', optional: false } }, { name: 'aggregateid', schema: { type: 'string', optional: true } }] };
  const value = record.value as ConnectStruct;
  const input: ConnectRecord = { ...record, valueSchema: { ...envelope, fields: [{ name: 'before', schema }, { name: 'after', schema }, ...envelope.fields!.slice(2)] }, value: { ...value, after: { ...(value['after'] as ConnectStruct), ...row2 } } };
  const out = router({}).route(input)!;
  assert.equal(out.topic, 'outbox.event.customer');
  assert.equal(out.key, 'c-1');
  assert.deepEqual(out.keySchema, { type: 'string', optional: true });
});

test('envelope, header and partition placements; the value struct is named after the route-by value', () => {
  const { route } = router({ ...USER, 'table.fields.additional.placement': 'event_type:envelope:type,aggregate_id:header,part:partition', 'table.field.event.schema.version': 'part' });
  const out = route(outbox('c'))!;
  assert.equal(out.partition, 3);
  assert.equal(out.headers['aggregate_id'], 'order-1001');
  assert.equal(out.valueSchema!.name, 'app.inventory.outbox.Order.Value');
  assert.equal(out.valueSchema!.version, 3);
  assert.deepEqual(out.valueSchema!.fields!.map((f) => f.name), ['payload', 'type']);
  assert.deepEqual(out.value, { payload: ((outbox('c').value as ConnectStruct)['after'] as ConnectStruct)['payload'], type: 'OrderCreated' });
  assert.equal(route(outbox('c', { id: 8n }))!.valueSchema, out.valueSchema, 'one schema object per payload schema');
});

test('table.expand.json.payload: a struct inferred as Debezium does (int32, float64, arrays of structs, nulls left out)', () => {
  const out = router({ ...USER, 'table.expand.json.payload': 'true' }).route(outbox('c'))!;
  assert.equal(out.valueSchema!.type, 'struct');
  assert.equal(out.valueSchema!.name, 'payload');
  assert.deepEqual(out.valueSchema!.fields!.map((f) => [f.name, f.schema.type]), [['order_id', 'int32'], ['total', 'float64'], ['items', 'array']]);
  assert.deepEqual(out.value, { order_id: 1001, total: 99.99, items: [{ sku: 'a', qty: 2 }] });
  const big = router({ ...USER, 'table.expand.json.payload': 'true' }).route(outbox('c', { payload: '{"n": 12345678901}' }))!;
  assert.deepEqual(big.value, { n: 12345678901n });
  const notJson = router({ ...USER, 'table.expand.json.payload': 'true' });
  assert.equal(notJson.route(outbox('c', { payload: 'plain' }))!.value, 'plain');
});

test('route.tombstone.on.empty.payload, table.field.event.timestamp, route.topic.regex', () => {
  assert.equal(router({ ...USER, 'route.tombstone.on.empty.payload': 'true' }).route(outbox('c', { payload: '' }))!.value, null);
  assert.equal(router({ ...USER, 'table.field.event.timestamp': 'created_at' }).route(outbox('c'))!.timestampMs, 1_700_000_000_123);
  const regex = router({ ...USER, 'route.topic.regex': '(?<routedByValue>Ord).*', 'route.topic.replacement': 'x.${routedByValue}' });
  assert.equal(regex.route(outbox('c'))!.topic, 'x.Ord');
  assert.throws(() => router({ ...USER, 'table.fields.additional.placement': 'missing:header' }).route(outbox('c')), /Unable to find field missing/);
  assert.throws(() => router({ ...USER, 'table.field.event.key': 'nope' }).route(outbox('c')), /nope is not a valid field name/);
  assert.equal(router({ ...USER, 'table.fields.additional.placement': 'missing:header', 'table.fields.additional.error.on.missing': 'false' }).route(outbox('c'))!.topic, 'events.Order');
});

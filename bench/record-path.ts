// The record path's cost per record (transforms → converters → size check), against serializing
// keys and values directly as the pipeline did before the record path existed. Rows events of 10
// rows; no registry (ids from an in-memory register). Prints figures only.
//   node dist/bench/record-path.js [records]
import pino from 'pino';
import { type ConnectSchema, type ConnectValue, field, optional, struct } from '../src/connect/schema.js';
import type { ChangeRecord } from '../src/envelope/change-events.js';
import { ErrorPolicy } from '../src/runtime/error-policy.js';
import { RecordPath } from '../src/runtime/record-path.js';
import type { OutgoingRecord } from '../src/runtime/streaming-pipeline.js';
import { createConverter, type ConverterConfig } from '../src/serialize/converters.js';
import { createAvroSerializer } from '../src/serialize/serializer.js';
import { buildChain } from '../src/transforms/chain.js';
import { decimal, envelopeSchema, microTimestamp, S, sourceValue } from '../test/unit/serialize/fixtures.js';

const RECORDS = Number(process.argv[2] ?? 500_000);
const PER_EVENT = 10;

const columns = [
  field('id', S.int64), field('customer_id', S.int32), field('status', optional(S.string)), field('email', optional(S.string)),
  field('amount', decimal(12, 2)), field('discount', optional(decimal(5, 4))), field('quantity', S.int16), field('active', S.boolean),
  field('created_at', microTimestamp), field('note', optional(S.string)),
];
const valueSchema = envelopeSchema('bench.shop.orders', columns);
const keySchema: ConnectSchema = struct('bench.shop.orders.Key', [field('id', S.int64)]);

function record(i: number): ChangeRecord {
  const row = (n: number) => ({
    id: BigInt(n), customer_id: n % 10_000, status: 'shipped', email: `c${n % 10_000}@example.com`,
    amount: `${n % 100_000}.${String(n % 100).padStart(2, '0')}`, discount: n % 3 === 0 ? null : '0.1250',
    quantity: n % 100, active: n % 2 === 0, created_at: 1719990000000000n + BigInt(n), note: n % 5 === 0 ? 'gift wrap' : null,
  });
  const ts = 1719990000000n + BigInt(i);
  return {
    topic: 'bench.shop.orders', keySchema, key: { id: BigInt(i) }, valueSchema,
    value: { before: row(i), after: row(i + 1), source: sourceValue({ pos: BigInt(1000 + i), row: i % 10 }) as ConnectValue, transaction: null, op: 'u', ts_ms: ts, ts_us: ts * 1000n, ts_ns: ts * 1_000_000n },
    headers: {},
  };
}
const events = Array.from({ length: 100 }, (_, e) => Array.from({ length: PER_EVENT }, (_, i) => record(e * PER_EVENT + i)));
const origin = { table: 'shop.orders', gtid: '0-1-1', file: 'mysql-bin.000001', pos: 4 };

async function measure(label: string, convert: (records: ChangeRecord[]) => OutgoingRecord[] | Promise<OutgoingRecord[]>): Promise<void> {
  for (let i = 0; i < 2000; i++) await convert(events[i % events.length]!); // warm-up (registration)
  let bytes = 0;
  const start = process.hrtime.bigint();
  for (let i = 0; i < RECORDS / PER_EVENT; i++) {
    let out = convert(events[i % events.length]!);
    if (!Array.isArray(out)) out = await out;
    for (const r of out) bytes += r.value?.length ?? 0;
  }
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  console.log(`${label}: ${Math.round(RECORDS / seconds).toLocaleString('en-US')} records/s, ${(bytes / RECORDS).toFixed(0)} value bytes/record, ${(seconds * 1e9 / RECORDS).toFixed(0)} ns/record`);
}

const serializer = createAvroSerializer({ registerText: async () => 1 });
const log = pino({ level: 'silent' });
const errors = new ErrorPolicy({ connector: 'bench', tolerance: 'none', logEnable: false, logIncludeMessages: false, eventProcessing: 'fail', maxRecordBytes: 1_048_576, log });
const avro: ConverterConfig = { class: 'io.confluent.connect.avro.AvroConverter' };
const json: ConverterConfig = { class: 'org.apache.kafka.connect.json.JsonConverter', schemasEnable: true, decimalFormat: 'BASE64', replaceNullWithDefault: true };
const path = (converter: ConverterConfig, transforms: ReturnType<typeof buildChain> = []) => new RecordPath({
  transforms, key: createConverter('key', converter, () => serializer), value: createConverter('value', converter, () => serializer), maxRecordBytes: 1_048_576, errors,
});

// What the pipeline did before: one prepared key and value serializer per table.
const key = await serializer.prepareKey('bench.shop.orders', keySchema);
const value = await serializer.prepareValue('bench.shop.orders', valueSchema);
await measure('direct serialize (before)      ', (records) => records.map((r) => ({ topic: r.topic, key: key.serialize(r.key), value: value.serialize(r.value), headers: r.headers })));
const plain = path(avro);
await measure('record path, Avro, no transforms', (records) => plain.convert(records, origin));
const chain = path(avro, buildChain([
  { alias: 'route', type: 'org.apache.kafka.connect.transforms.RegexRouter', options: { regex: '([^.]+)\\.([^.]+)\\.([^.]+)', replacement: 'events.$3' }, negate: false },
  { alias: 'unwrap', type: 'io.debezium.transforms.ExtractNewRecordState', options: { 'drop.tombstones': 'false', 'delete.handling.mode': 'rewrite' }, negate: false },
], { warn: () => undefined }));
await measure('record path, Avro, route+unwrap ', (records) => chain.convert(records, origin));
const jsonPath = path(json);
await measure('record path, JSON with schemas  ', (records) => jsonPath.convert(records, origin));

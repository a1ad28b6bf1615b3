// Avro encode throughput for the hot path: a prepared serializer framing Debezium envelopes of a
// 10-column row (update: before and after set). No registry: ids come from an in-memory register.
// Prints figures only; nothing here asserts on time.
//   node dist/bench/avro-encode.js [records]
import { type ConnectValue, field, optional } from '../src/connect/schema.js';
import { createAvroCodec } from '../src/serialize/avro-codec.js';
import { toAvroSchema } from '../src/serialize/avro-schema.js';
import { createAvroSerializer } from '../src/serialize/serializer.js';
import { decimal, envelopeSchema, microTimestamp, S, sourceValue } from '../test/unit/serialize/fixtures.js';

const RECORDS = Number(process.argv[2] ?? 1_000_000);

const columns = [
  field('id', S.int64),
  field('customer_id', S.int32),
  field('status', optional(S.string)),
  field('email', optional(S.string)),
  field('amount', decimal(12, 2)),
  field('discount', optional(decimal(5, 4))),
  field('quantity', S.int16),
  field('active', S.boolean),
  field('created_at', microTimestamp),
  field('note', optional(S.string)),
];
const schema = envelopeSchema('bench.shop.orders', columns);

function envelope(i: number): ConnectValue {
  const row = (n: number) => ({
    id: BigInt(n), customer_id: n % 10_000, status: 'shipped', email: `c${n % 10_000}@example.com`,
    amount: `${n % 100_000}.${String(n % 100).padStart(2, '0')}`, discount: n % 3 === 0 ? null : '0.1250',
    quantity: n % 100, active: n % 2 === 0, created_at: 1719990000000000n + BigInt(n), note: n % 5 === 0 ? 'gift wrap' : null,
  });
  const ts = 1719990000000n + BigInt(i);
  return {
    before: row(i), after: row(i + 1), source: sourceValue({ pos: BigInt(1000 + i), row: i % 10 }) as ConnectValue,
    transaction: null, op: 'u', ts_ms: ts, ts_us: ts * 1000n, ts_ns: ts * 1_000_000n,
  };
}

// Values are built up front so the loop measures encoding only.
const values = Array.from({ length: 1000 }, (_, i) => envelope(i));

function measure(label: string, encode: (value: ConnectValue) => Buffer | null): void {
  for (let i = 0; i < 20_000; i++) encode(values[i % values.length] as ConnectValue); // warm-up
  let bytes = 0;
  const start = process.hrtime.bigint();
  for (let i = 0; i < RECORDS; i++) bytes += encode(values[i % values.length] as ConnectValue)?.length ?? 0;
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  console.log(`${label}: ${Math.round(RECORDS / seconds).toLocaleString('en-US')} records/s, `
    + `${(bytes / RECORDS).toFixed(0)} bytes/record, ${(seconds * 1e9 / RECORDS).toFixed(0)} ns/record`);
}

const codec = createAvroCodec(toAvroSchema(schema));
measure('codec.encode (body only)      ', (v) => codec.encode(v));
const serializer = createAvroSerializer({ registerText: async () => 1 });
const prepared = await serializer.prepareValue('bench.shop.orders', schema);
measure('prepared.serialize (framed)   ', (v) => prepared.serialize(v));

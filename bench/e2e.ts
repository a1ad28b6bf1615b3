// End-to-end benchmark: MariaDB → binlogd → Kafka, against the local stack.
//   npm run bench [-- --rows 200000 --columns 8 --rows-per-tx 100 --rate 2000 --latency-seconds 10
//                     --set connector.property=value ...]
//   npm run bench -- --snapshot [--rows 1000000]: the initial snapshot instead (bench/snapshot.ts).
//   --cpu-prof <dir>: V8 CPU profiles of binlogd's threads, written there when it exits.
// Phase 1 (throughput): writes `rows` rows as fast as MariaDB takes them; events/s is rows divided
// by the time from the first write until the topic's high watermark (acknowledged records) reaches them.
// Phase 2 (latency): writes at a fixed `rate` rows/s; per row, commit returned → record read from
// Kafka (an upper bound of commit → Kafka ack), reported as p50/p99.
// binlogd runs as its own process (`binlogd run`), so its peak RSS (VmHWM) is the daemon's alone.
// Its CPU time in phase 1 (both threads, from /proc) gives events per CPU second: a figure that
// other work on the machine disturbs far less than events/s, to compare modes on a busy machine.
import { parseArgs } from 'node:util';
import { Kafka, logLevel } from 'kafkajs';
import { loadStackEnv, uniqueName } from '../test/support/stack-env.js';
import { connectAsRoot } from '../test/support/mariadb.js';
import { connectorOverrides, cpuSeconds, peakRssMb, round, startBenchDaemon } from './binlogd-process.js';

const { values: args } = parseArgs({
  options: {
    rows: { type: 'string', default: '200000' },
    columns: { type: 'string', default: '8' },
    'rows-per-tx': { type: 'string', default: '100' },
    rate: { type: 'string', default: '2000' },
    'latency-seconds': { type: 'string', default: '10' },
    set: { type: 'string', multiple: true, default: [] },
    snapshot: { type: 'boolean', default: false },
    'cpu-prof': { type: 'string' },
  },
});
// --snapshot: the snapshot benchmark instead (bench/snapshot.ts reads the same arguments).
if (args.snapshot) {
  await import('./snapshot.js');
  process.exit(0);
}
const overrides = connectorOverrides(args.set);
const rows = Number(args.rows);
const columns = Math.max(3, Number(args.columns));
const rowsPerTx = Number(args['rows-per-tx']);
const rate = Number(args.rate);
const latencySeconds = Number(args['latency-seconds']);

const env = loadStackEnv();
const name = uniqueName('bench');
const db = await connectAsRoot();
const table = `binlogd_bench.${name}`;

// A mix of the common column kinds: integer key, varchar, decimal, datetime(6), int, text…
const extraColumns = Array.from({ length: columns - 1 }, (_, i) => {
  const kinds = ['VARCHAR(64)', 'DECIMAL(12,2)', 'DATETIME(6)', 'INT', 'BIGINT', 'VARCHAR(255)', 'DOUBLE'];
  return { name: `c${i + 1}`, type: kinds[i % kinds.length]! };
});
const values = (id: number): unknown[] => extraColumns.map((c) => {
  if (c.type.startsWith('VARCHAR')) return `value-${id}-${c.name}`;
  if (c.type.startsWith('DECIMAL')) return (id % 100000) / 100;
  if (c.type.startsWith('DATETIME')) return '2024-06-01 12:34:56.123456';
  if (c.type === 'DOUBLE') return id / 3;
  return id;
});

await db.query(`CREATE DATABASE IF NOT EXISTS binlogd_bench;
  CREATE TABLE ${table} (id BIGINT PRIMARY KEY, ${extraColumns.map((c) => `${c.name} ${c.type}`).join(', ')})`);

const topic = `${name}.${table}`;
const kafka = new Kafka({ brokers: env.kafkaBrokers, clientId: name, logLevel: logLevel.NOTHING });
const admin = kafka.admin();
await admin.connect();
await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
await admin.disconnect();

const bench = await startBenchDaemon({
  name, table, config: { 'snapshot.mode': 'no_data', ...overrides }, ready: /^streaming/,
  ...(typeof args['cpu-prof'] === 'string' ? { cpuProfDir: args['cpu-prof'] } : {}),
});
const daemon = bench.child;
const arrivals = new Map<number, number>();

let nextId = 1;
async function writeTransaction(count: number): Promise<number[]> {
  const ids = Array.from({ length: count }, () => nextId++);
  const placeholders = ids.map(() => `(?${', ?'.repeat(extraColumns.length)})`).join(', ');
  await db.query(`INSERT INTO ${table} VALUES ${placeholders}`, ids.flatMap((id) => [id, ...values(id)]));
  return ids;
}

async function waitForIds(lastId: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!arrivals.has(lastId)) {
    if (Date.now() > deadline) throw new Error(`timed out: ${arrivals.size} of ${lastId} records arrived`);
    if (daemon.exitCode !== null) throw new Error(`binlogd exited with ${daemon.exitCode}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

// Phase 1: throughput.
const cpuBefore = cpuSeconds(daemon.pid!);
const started = performance.now();
let written = 0;
while (written < rows) {
  const ids = await writeTransaction(Math.min(rowsPerTx, rows - written));
  written += ids.length;
}
const writesDone = performance.now();
await admin.connect();
const deadline = Date.now() + 300_000;
while (Number((await admin.fetchTopicOffsets(topic))[0]?.high ?? 0) < rows) {
  if (Date.now() > deadline) throw new Error('timed out waiting for the high watermark');
  if (daemon.exitCode !== null) throw new Error(`binlogd exited with ${daemon.exitCode}`);
  await new Promise((resolve) => setTimeout(resolve, 10));
}
const finished = performance.now();
const cpuUsed = cpuSeconds(daemon.pid!) - cpuBefore;
await admin.disconnect();

// The latency phase reads records as they arrive, from the end of what phase 1 wrote.
const consumer = kafka.consumer({ groupId: name, maxWaitTimeInMs: 20 });
await consumer.connect();
await consumer.subscribe({ topic, fromBeginning: false });
await consumer.run({
  eachBatch: async ({ batch }) => {
    const now = performance.now();
    for (const message of batch.messages) {
      if (message.key && message.value) arrivals.set(keyId(message.key), now);
    }
  },
});
await new Promise((resolve) => setTimeout(resolve, 3000)); // the group join

// Phase 2: latency at a fixed rate, in transactions of `rowsPerTx` rows.
const committedAt = new Map<number, number>();
const txPerSecond = Math.max(1, rate / rowsPerTx);
const latencyStart = performance.now();
for (let tx = 0; tx < txPerSecond * latencySeconds; tx++) {
  const due = latencyStart + (tx * 1000) / txPerSecond;
  const wait = due - performance.now();
  if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
  const ids = await writeTransaction(Math.max(1, Math.round(rate / txPerSecond)));
  const now = performance.now();
  for (const id of ids) committedAt.set(id, now);
}
await waitForIds(nextId - 1, 60_000);
const latencies = [...committedAt].map(([id, at]) => arrivals.get(id)! - at).sort((a, b) => a - b);
const percentile = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))]!;

const peakRss = peakRssMb(daemon.pid!);
const seconds = (finished - started) / 1000;
console.log(JSON.stringify({
  rows, columns, rowsPerTx, connectorOverrides: overrides,
  writeSeconds: round((writesDone - started) / 1000),
  endToEndSeconds: round(seconds),
  eventsPerSecond: Math.round(rows / seconds),
  binlogdCpuSeconds: round(cpuUsed),
  eventsPerCpuSecond: Math.round(rows / cpuUsed),
  latency: { rate, seconds: latencySeconds, p50Ms: round(percentile(50)), p99Ms: round(percentile(99)), maxMs: round(latencies.at(-1)!) },
  binlogdPeakRssMb: peakRss,
}, null, 2));

await consumer.disconnect();
await bench.stop();
await db.query(`DROP TABLE ${table}`);
await db.end();

/** The key struct is `{id: long}`: after the 5-byte wire header, one zig-zag varint. */
function keyId(key: Buffer): number {
  let value = 0;
  let shift = 1;
  for (let i = 5; i < key.length; i++) {
    const byte = key[i]!;
    value += (byte & 0x7f) * shift;
    if ((byte & 0x80) === 0) break;
    shift *= 128;
  }
  return value % 2 === 0 ? value / 2 : -(value + 1) / 2;
}

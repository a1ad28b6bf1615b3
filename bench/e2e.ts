// End-to-end benchmark: MariaDB → binlogd → Kafka, against the local stack.
//   npm run bench [-- --rows 200000 --columns 8 --rows-per-tx 100 --rate 2000 --latency-seconds 10
//                     --set connector.property=value ...]
//   npm run bench -- --snapshot [--rows 1000000]: the initial snapshot instead (bench/snapshot.ts).
// Phase 1 (throughput): writes `rows` rows as fast as MariaDB takes them; events/s is rows divided
// by the time from the first write until the topic's high watermark (acknowledged records) reaches them.
// Phase 2 (latency): writes at a fixed `rate` rows/s; per row, commit returned → record read from
// Kafka (an upper bound of commit → Kafka ack), reported as p50/p99.
// binlogd runs as its own process (`binlogd run`), so its peak RSS (VmHWM) is the daemon's alone.
// Its CPU time in phase 1 (both threads, from /proc) gives events per CPU second: a figure that
// other work on the machine disturbs far less than events/s, to compare modes on a busy machine.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Kafka, logLevel } from 'kafkajs';
import { loadStackEnv, repoRoot, uniqueName } from '../test/support/stack-env.js';
import { connectAsRoot } from '../test/support/mariadb.js';

const { values: args } = parseArgs({
  options: {
    rows: { type: 'string', default: '200000' },
    columns: { type: 'string', default: '8' },
    'rows-per-tx': { type: 'string', default: '100' },
    rate: { type: 'string', default: '2000' },
    'latency-seconds': { type: 'string', default: '10' },
    set: { type: 'string', multiple: true, default: [] },
    snapshot: { type: 'boolean', default: false },
    'cpu-prof': { type: 'string' }, // bench/snapshot.ts only
  },
});
// --snapshot: the snapshot benchmark instead (bench/snapshot.ts reads the same arguments).
if (args.snapshot) {
  await import('./snapshot.js');
  process.exit(0);
}
const connectorOverrides = Object.fromEntries(args.set.map((pair) => {
  const eq = pair.indexOf('=');
  if (eq < 1) throw new Error(`--set expects property=value, got '${pair}'`);
  return [pair.slice(0, eq), pair.slice(eq + 1)];
}));
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

const daemon = await startBinlogd();
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

const peakRssMb = readPeakRssMb(daemon.pid!);
const seconds = (finished - started) / 1000;
console.log(JSON.stringify({
  rows, columns, rowsPerTx, connectorOverrides,
  writeSeconds: round((writesDone - started) / 1000),
  endToEndSeconds: round(seconds),
  eventsPerSecond: Math.round(rows / seconds),
  binlogdCpuSeconds: round(cpuUsed),
  eventsPerCpuSecond: Math.round(rows / cpuUsed),
  latency: { rate, seconds: latencySeconds, p50Ms: round(percentile(50)), p99Ms: round(percentile(99)), maxMs: round(latencies.at(-1)!) },
  binlogdPeakRssMb: peakRssMb,
}, null, 2));

await consumer.disconnect();
daemon.kill('SIGTERM');
await new Promise((resolve) => daemon.once('exit', resolve));
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

function round(n: number): number {
  return Math.round(n * 100) / 100;
}

/** User + system CPU time of the process so far (all threads), from /proc/<pid>/stat, in seconds. */
function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the parenthesized command name: state is field 3; utime and stime are 14 and 15.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticksPerSecond = 100; // USER_HZ on Linux
  return (Number(fields[11]) + Number(fields[12])) / ticksPerSecond;
}

function readPeakRssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return Math.round(kb / 1024);
}

/** Starts `binlogd run` on a connector for the bench table; resolves once it streams. */
async function startBinlogd(): Promise<ChildProcess> {
  const dir = mkdtempSync(join(tmpdir(), 'binlogd-bench-'));
  mkdirSync(join(dir, 'connectors'));
  writeFileSync(join(dir, 'worker.json'), JSON.stringify({
    kafka: { brokers: env.kafkaBrokers }, schemaRegistry: { url: env.schemaRegistryUrl },
    http: { host: '127.0.0.1', port: 0 }, log: { level: 'info' },
  }));
  writeFileSync(join(dir, 'connectors', 'bench.json'), JSON.stringify({
    name,
    config: {
      'connector.class': 'io.debezium.connector.mariadb.MariaDbConnector',
      'database.hostname': env.mariadb.host, 'database.port': String(env.mariadb.port),
      'database.user': env.mariadb.user, 'database.password': env.mariadb.password,
      'database.server.id': String(300_000 + Math.floor(Math.random() * 100_000)),
      'topic.prefix': name, 'table.include.list': table.replace('.', '\\.'),
      'snapshot.mode': 'no_data',
      ...connectorOverrides,
    },
  }));
  const child = spawn(process.execPath, [join(repoRoot, 'dist/src/cli.js'), 'run', '--config', join(dir, 'worker.json'), '--connectors', join(dir, 'connectors')], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve, reject) => {
    let buffered = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      if (/"msg":"streaming/.test(buffered)) resolve();
      if (buffered.length > 1e6) buffered = buffered.slice(-1000);
    });
    child.once('exit', (code) => reject(new Error(`binlogd exited with ${code} before streaming`)));
  });
  child.stdout!.resume();
  return child;
}

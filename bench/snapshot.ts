// Snapshot benchmark: a table of `rows` rows (default 1,000,000, 8 columns like bench/e2e.ts) read
// by binlogd's initial snapshot into Kafka with Avro, exactly once by default.
//   npm run bench -- --snapshot [--rows 1000000 --set snapshot.max.threads=2 ... --cpu-prof <dir>]
// rows/s = rows / (first log line of the snapshot → last increase of the topic's high watermark,
// i.e. every record acknowledged); peak RSS is binlogd's own (VmHWM, it runs as its own process).
// The table is filled with sql_log_bin=0: the snapshot does not need its binlog, and the other
// binlog readers sharing the server are spared a million row events.
import { parseArgs } from 'node:util';
import { Kafka, logLevel } from 'kafkajs';
import { loadStackEnv, uniqueName } from '../test/support/stack-env.js';
import { connectAsRoot } from '../test/support/mariadb.js';
import { connectorOverrides, cpuSeconds, peakRssMb, round, startBenchDaemon } from './binlogd-process.js';

const { values: args } = parseArgs({
  strict: false,
  options: {
    rows: { type: 'string', default: '1000000' },
    set: { type: 'string', multiple: true, default: [] },
    'cpu-prof': { type: 'string' },
  },
});
const rows = Number(args.rows);
const overrides = connectorOverrides(args.set as string[]);

const env = loadStackEnv();
const name = uniqueName('snapbench');
const table = `binlogd_bench.${name}`;
const topic = `${name}.${table}`;
const db = await connectAsRoot();
await db.query(`CREATE DATABASE IF NOT EXISTS binlogd_bench;
  CREATE TABLE ${table} (id BIGINT PRIMARY KEY, c1 VARCHAR(64), c2 DECIMAL(12,2), c3 DATETIME(6), c4 INT, c5 BIGINT, c6 VARCHAR(255), c7 DOUBLE)`);
const fillStarted = performance.now();
await db.query('SET SESSION sql_log_bin = 0');
for (let from = 1; from <= rows; from += 100_000) {
  const to = Math.min(rows, from + 99_999);
  await db.query(`INSERT INTO ${table} SELECT seq, CONCAT('value-', seq, '-c1'), (seq % 100000) / 100,
    '2024-06-01 12:34:56.123456', seq, seq, CONCAT('value-', seq, '-c6'), seq / 3 FROM binlogd_bench.seq_${from}_to_${to}`);
}
await db.query('ANALYZE TABLE ' + table);
const fillSeconds = (performance.now() - fillStarted) / 1000;

const kafka = new Kafka({ brokers: env.kafkaBrokers, clientId: name, logLevel: logLevel.NOTHING });
const admin = kafka.admin();
await admin.connect();
await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });

const started = performance.now();
const daemon = await startBenchDaemon({
  name, table, config: { 'snapshot.mode': 'initial', ...overrides }, ready: /^snapshot started/,
  ...(typeof args['cpu-prof'] === 'string' ? { cpuProfDir: args['cpu-prof'] } : {}),
});
const snapshotStarted = performance.now();
const { child, logs } = daemon;
let high = 0;
let lastIncrease = 0;
const deadline = Date.now() + 900_000;
for (;;) {
  if (child.exitCode !== null) throw new Error(`binlogd exited with ${child.exitCode}`);
  if (Date.now() > deadline) throw new Error(`timed out at ${high} of ${rows} records`);
  const now = Number((await admin.fetchTopicOffsets(topic))[0]?.high ?? 0);
  if (now > high) { high = now; lastIncrease = performance.now(); }
  // Done once the snapshot has completed and the watermark (records + transaction markers) rests.
  if (high >= rows && logs.some((l) => l['msg'] === 'streaming') && performance.now() - lastIncrease > 1000) break;
  await new Promise((resolve) => setTimeout(resolve, 20));
}
const cpuUsed = cpuSeconds(child.pid!);
const peakRss = peakRssMb(child.pid!);
const seconds = (lastIncrease - snapshotStarted) / 1000;
const completed = logs.find((l) => l['msg'] === 'snapshot completed');
console.log(JSON.stringify({
  rows, columns: 8, connectorOverrides: overrides,
  fillSeconds: round(fillSeconds),
  startToSnapshotSeconds: round((snapshotStarted - started) / 1000),
  snapshotSeconds: round(seconds),
  rowsPerSecond: Math.round(rows / seconds),
  binlogdReportedSeconds: completed?.['seconds'],
  binlogdPeakRssMb: peakRss,
  // CPU time of binlogd (all threads, start included): comparable across runs on a busy machine.
  binlogdCpuSeconds: round(cpuUsed),
  binlogdCpuMicrosPerRow: round(cpuUsed * 1e6 / rows),
}, null, 2));

await daemon.stop();
await admin.disconnect();
await db.query(`DROP TABLE ${table}`);
await db.end();

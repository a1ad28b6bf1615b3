// One binlogd streaming the change workload (change-workload.ts) while a test disturbs something
// under it (restarts a server): binlogd must get through by itself, without being restarted, and
// stop cleanly at the end; the caller then checks the topics.
import assert from 'node:assert/strict';
import type mysql from 'mysql2/promise';
import { readAvroTopic } from './avro-topic.js';
import { startBinlogd, type BinlogdProcess } from './binlogd-process.js';
import { kill, ReconnectingWriter, sleep, waitUntilCovered, Workload } from './change-workload.js';
import { uniqueName } from './stack-env.js';

const DB = 'binlogd_test';

export interface DisturbedStreamOptions {
  prefix: string;
  /** A root connection to the MariaDB binlogd reads (a new one after a restart). */
  connect: () => Promise<mysql.Connection>;
  /** binlogd's database.port when not the shared server's. */
  mariadbPort?: number;
  kafkaBrokers?: string[];
  config?: Record<string, string>;
  transactions: number;
  /**
   * Runs while the writer writes; `committed()` is the number of transactions committed so far,
   * `logs` binlogd's log lines so far.
   */
  disturb: (committed: () => number, logs: ReadonlyArray<Record<string, unknown>>) => Promise<void>;
}

export interface DisturbedStream {
  workload: Workload;
  topics: [string, string];
  logs: Array<Record<string, unknown>>;
  writerReconnects: number;
  /** Seconds spent writing (with the disturbance) and then waiting for the last changes in Kafka. */
  seconds: { writing: number; catchingUp: number };
}

const isFailure = (l: Record<string, unknown>) => String(l['msg']).startsWith('connector failed');

export async function streamThrough(options: DisturbedStreamOptions): Promise<DisturbedStream> {
  const name = uniqueName(options.prefix);
  const tables = [`${DB}.${name}_a`, `${DB}.${name}_b`] as const;
  const markers = `${DB}.${name}_tx`;
  const topics: [string, string] = [`${name}.${tables[0]}`, `${name}.${tables[1]}`];
  const config = {
    'topic.prefix': name,
    'table.include.list': tables.map((t) => t.replace('.', '\\.')).join(','),
    'snapshot.mode': 'no_data',
    ...(options.mariadbPort === undefined ? {} : { 'database.port': String(options.mariadbPort) }),
    ...options.config,
  };
  const setup = await options.connect();
  await setup.query(`CREATE DATABASE IF NOT EXISTS ${DB};
    CREATE TABLE ${tables[0]} (id INT PRIMARY KEY, v VARCHAR(64)); CREATE TABLE ${tables[1]} (id INT PRIMARY KEY, v VARCHAR(64));
    CREATE TABLE ${markers} (tx INT PRIMARY KEY)`);
  await setup.end();
  const workload = new Workload(tables);
  const writer = new ReconnectingWriter(options.connect, markers);
  const brokers = options.kafkaBrokers;
  let proc: BinlogdProcess | undefined;
  try {
    proc = await startBinlogd({ name, config, timeoutMs: 60_000, ...(brokers === undefined ? {} : { kafkaBrokers: brokers }) });
    // Both topics exist and an offset is stored before the disturbance.
    await writer.commit(0, [...workload.build(0), ...workload.build(1)]);
    await readAvroTopic(topics[0], workload.expected[0].length, 60_000, brokers);
    await readAvroTopic(topics[1], workload.expected[1].length, 60_000, brokers);

    const started = Date.now();
    let committed = 1;
    const writing = (async () => {
      for (let tx = 2; tx < options.transactions; tx++) {
        await writer.commit(tx, workload.build(tx));
        committed++;
        await sleep(100 + Math.random() * 300);
      }
    })();
    await options.disturb(() => committed, proc.logs);
    await writing;
    const written = Date.now();

    try {
      await waitUntilCovered(topics[0], workload.expected[0], brokers);
      await waitUntilCovered(topics[1], workload.expected[1], brokers);
    } catch (error) {
      const warnings = proc.logs.filter((l) => Number(l['level']) >= 40).slice(-8);
      throw new Error(`${(error as Error).message}; binlogd's last warnings: ${JSON.stringify(warnings, null, 1)}`, { cause: error });
    }
    const seconds = { writing: (written - started) / 1000, catchingUp: (Date.now() - written) / 1000 };
    assert.deepEqual(proc.logs.filter(isFailure), [], 'the connector never failed');
    assert.equal(await proc.stop(), 0, 'binlogd stops cleanly');
    return { workload, topics, logs: proc.logs, writerReconnects: writer.reconnects, seconds };
  } finally {
    if (proc !== undefined) await kill(proc);
    await writer.end();
    const cleanup = await options.connect().catch(() => undefined);
    await cleanup?.query(`DROP TABLE IF EXISTS ${tables[0]}, ${tables[1]}, ${markers}`).catch(() => undefined);
    await cleanup?.end();
  }
}

/** Waits until the writer committed `n` transactions in all (or `timeoutMs` passed). */
export async function untilCommitted(committed: () => number, n: number, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (committed() < n && Date.now() < deadline) await sleep(100);
}

/** Waits until `n` log lines say `msg` (or `timeoutMs` passed). */
export async function untilLogged(logs: ReadonlyArray<Record<string, unknown>>, msg: string, n: number, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (logs.filter((l) => l['msg'] === msg).length < n && Date.now() < deadline) await sleep(100);
}

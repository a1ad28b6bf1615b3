// Delivery guarantees against the real stack, with binlogd as a process killed at random moments:
// exactly once by default (each Kafka transaction carries its records and the offset that covers
// them, and readAvroTopic's kafkajs consumer reads read_committed — kafkajs' default isolation
// level, consumer/index.js), at least once with exactly.once.support=false, and a second instance
// of the same connector fencing the first. Each runs against every Kafka line of the stack (3.9, and
// 4.x with transactions v2, where every transaction bumps the producer epoch).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connectAsRoot } from '../support/mariadb.js';
import { kafkaLines, uniqueName, type KafkaLine } from '../support/stack-env.js';
import { startBinlogd, type BinlogdProcess } from '../support/binlogd-process.js';
import { readAvroTopic, type DecodedRecord } from '../support/avro-topic.js';
import { assertAtLeastOnce, assertExactlyOnce, changes, commit, kill, sleep, waitUntilCovered, Workload } from '../support/change-workload.js';

const DB = 'binlogd_test';

interface CrashRun {
  workload: Workload;
  topics: [string, string];
  kills: number;
  brokers: string[];
}

/**
 * Creates two tables, starts binlogd, commits a first transaction and waits until it is in Kafka
 * (so an offset is stored), then writes the other transactions while binlogd is SIGKILLed after
 * 300–1500 ms of streaming and restarted at once, `kills` times at least. A last instance catches
 * up and stops cleanly.
 */
async function crashLoop(options: { prefix: string; kills: number; transactions: number; kafka: KafkaLine; config?: Record<string, string> }, check: (run: CrashRun) => Promise<void>): Promise<void> {
  const brokers = options.kafka.brokers;
  const db = await connectAsRoot();
  const name = uniqueName(options.prefix);
  const tables = [`${DB}.${name}_a`, `${DB}.${name}_b`] as const;
  const topics: [string, string] = [`${name}.${tables[0]}`, `${name}.${tables[1]}`];
  const config = {
    'topic.prefix': name,
    'table.include.list': tables.map((t) => t.replace('.', '\\.')).join(','),
    'snapshot.mode': 'no_data',
    ...options.config,
  };
  await db.query(`CREATE DATABASE IF NOT EXISTS ${DB};
    CREATE TABLE ${tables[0]} (id INT PRIMARY KEY, v VARCHAR(64)); CREATE TABLE ${tables[1]} (id INT PRIMARY KEY, v VARCHAR(64))`);
  const workload = new Workload(tables);
  let proc: BinlogdProcess | undefined;
  try {
    proc = await startBinlogd({ name, config, kafkaBrokers: brokers });
    // Both tables get a row, so both topics exist and an offset is stored before the first kill.
    await commit(db, [...workload.build(0), ...workload.build(1)]);
    await readAvroTopic(topics[0], workload.expected[0].length, 60_000, brokers);
    await readAvroTopic(topics[1], workload.expected[1].length, 60_000, brokers);

    let writing = true;
    const writer = (async () => {
      try {
        for (let tx = 2; tx < options.transactions; tx++) {
          await commit(db, workload.build(tx));
          await sleep(200 + Math.random() * 700);
        }
      } finally {
        writing = false;
      }
    })();
    let kills = 0;
    while (kills < options.kills || writing) {
      await sleep(300 + Math.random() * 1200);
      await kill(proc);
      kills++;
      proc = await startBinlogd({ name, config, timeoutMs: 60_000, kafkaBrokers: brokers });
    }
    await writer;

    await waitUntilCovered(topics[0], workload.expected[0], brokers);
    await waitUntilCovered(topics[1], workload.expected[1], brokers);
    assert.equal(await proc.stop(), 0, 'the last instance stops cleanly');
    await check({ workload, topics, kills, brokers });
  } finally {
    if (proc !== undefined) await kill(proc);
    await db.query(`DROP TABLE IF EXISTS ${tables[0]}, ${tables[1]}`);
    await db.end();
  }
}

for (const [index, kafka] of kafkaLines().entries()) {
  // The main line takes the full run; each further line a shorter one (a kill costs a restart of
  // a few seconds), which keeps the suite's time while every line still sees several kills.
  const main = index === 0;
  const run = main ? { eos: { kills: 20, transactions: 60 } } : { eos: { kills: 8, transactions: 24 } };

  test(`${kafka.label}: SIGKILLed ${run.eos.kills} times while writing: every change exactly once, in commit order, nothing else`, { timeout: 300_000 }, async () => {
    await crashLoop({ prefix: 'eos_crash', ...run.eos, kafka }, async ({ workload, topics, brokers }) => {
      for (const t of [0, 1] as const) await assertExactlyOnce(topics[t], workload.expected[t], brokers);
    });
  });

  // At-least-once writes without Kafka transactions, where the lines differ (4.x: transactions v2): the main line suffices.
  if (main) {
    test(`${kafka.label}: SIGKILLed with exactly.once.support=false: every change at least once, in commit order`, { timeout: 240_000 }, async () => {
      await crashLoop({ prefix: 'alo_crash', kills: 5, transactions: 30, kafka, config: { 'exactly.once.support': 'false' } }, async ({ workload, topics, brokers }) => {
        for (const t of [0, 1] as const) await assertAtLeastOnce(topics[t], workload.expected[t], brokers);
      });
    });
  }

  test(`${kafka.label}: a second instance of the connector fences the first, which fails with KAFKA_FENCED and stops writing`, { timeout: 180_000 }, () => fenced(kafka.brokers));
}

async function fenced(brokers: string[]): Promise<void> {
  const db = await connectAsRoot();
  const name = uniqueName('eos_fence');
  const table = `${DB}.${name}`;
  const topic = `${name}.${table}`;
  const config = { 'topic.prefix': name, 'table.include.list': table.replace('.', '\\.'), 'snapshot.mode': 'no_data' };
  await db.query(`CREATE DATABASE IF NOT EXISTS ${DB}; CREATE TABLE ${table} (id INT PRIMARY KEY, v VARCHAR(64))`);
  const insert = (from: number, to: number) =>
    db.query(`INSERT INTO ${table} VALUES ${Array.from({ length: to - from + 1 }, (_, i) => `(${from + i}, 'row ${from + i}')`).join(', ')}`);
  const ids = (records: readonly DecodedRecord[]) => changes(records).map((c) => c.id);
  const processes: BinlogdProcess[] = [];
  try {
    const first = await startBinlogd({ name, config, kafkaBrokers: brokers });
    processes.push(first);
    await insert(1, 10);
    await readAvroTopic(topic, 10, 60_000, brokers);

    const second = await startBinlogd({ name, config, kafkaBrokers: brokers });
    processes.push(second);
    await insert(11, 20);
    await insert(21, 30);
    const fenced = (l: Record<string, unknown>) => l['code'] === 'KAFKA_FENCED' && String(l['msg']).startsWith('connector failed');
    for (let waited = 0; !first.logs.some(fenced) && waited < 30_000; waited += 100) await sleep(100);
    assert.ok(first.logs.some(fenced), `the first instance failed with KAFKA_FENCED: ${JSON.stringify(first.logs.filter((l) => Number(l['level']) >= 50))}`);
    assert.ok(first.logs.some((l) => /another instance of connector .* took over/.test(String(l['msg']))), 'says who took over');
    assert.ok(!second.logs.some((l) => Number(l['level']) >= 50), `the second instance logged no error: ${JSON.stringify(second.logs.filter((l) => Number(l['level']) >= 50))}`);

    // Written after the fence: only the second instance may write them.
    await insert(31, 40);
    const records = await readAvroTopic(topic, 40, 60_000, brokers);
    await sleep(1000);
    const again = await readAvroTopic(topic, 40, 60_000, brokers);
    assert.deepEqual(ids(again), Array.from({ length: 40 }, (_, i) => i + 1), 'every row exactly once, in order');
    assert.equal(records.length, 40);
  } finally {
    for (const p of processes) await kill(p);
    await db.query(`DROP TABLE IF EXISTS ${table}`);
    await db.end();
  }
}

// Delivery guarantees against the real stack, with binlogd as a process killed at random moments:
// exactly once by default (each Kafka transaction carries its records and the offset that covers
// them, and readAvroTopic's kafkajs consumer reads read_committed — kafkajs' default isolation
// level, consumer/index.js), at least once with exactly.once.support=false, and a second instance
// of the same connector fencing the first.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connectAsRoot } from '../support/mariadb.js';
import { uniqueName } from '../support/stack-env.js';
import { startBinlogd, type BinlogdProcess } from '../support/binlogd-process.js';
import { asJsonPayload, readAvroTopic, type DecodedRecord } from '../support/avro-topic.js';

const DB = 'binlogd_test';
type Db = Awaited<ReturnType<typeof connectAsRoot>>;

/** One record as the test compares it: `t` is the tombstone after a delete. */
interface Change {
  id: number;
  op: 'c' | 'u' | 'd' | 't';
  v: string | null;
}

interface Statement {
  sql: string;
  params: unknown[];
}

/** A deterministic PRNG (mulberry32): the workload is the same on every run. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Writes transactions of inserts, updates and deletes on two tables and derives, from a model of
 * the tables, the change records Debezium semantics call for, per table in commit order.
 */
class Workload {
  readonly expected: [Change[], Change[]] = [[], []];
  private live: [number[], number[]] = [[], []];
  private readonly nextId: [number, number] = [1, 1];
  private readonly random = prng(20240601);

  constructor(readonly tables: readonly [string, string]) {}

  /** The statements of transaction `tx`; the expected changes are recorded as they are built. */
  build(tx: number): Statement[] {
    const pick = (n: number) => Math.floor(this.random() * n);
    const statements: Statement[] = [];
    if (tx % 10 === 3 || tx % 10 === 7) statements.push(this.insert(tx % 2 === 0 ? 0 : 1, 200, tx));
    else if (tx % 10 === 9) {
      statements.push(this.update(0, 200, tx, 0));
      statements.push(this.remove(1, 20));
    } else {
      const count = 1 + pick(4);
      for (let s = 0; s < count; s++) {
        const table = pick(2) === 0 ? 0 : 1;
        const kind = this.live[table].length < 5 ? 0 : pick(3);
        if (kind === 0) statements.push(this.insert(table, 1 + pick(15), tx));
        else if (kind === 1) statements.push(this.update(table, 1 + pick(10), tx, s));
        else statements.push(this.remove(table, 1 + pick(5)));
      }
    }
    return statements.filter((s) => s.sql !== '');
  }

  private insert(table: 0 | 1, n: number, tx: number): Statement {
    const rows: unknown[] = [];
    for (let i = 0; i < n; i++) {
      const id = this.nextId[table]++;
      const v = `c${tx}-${id}`;
      rows.push(id, v);
      this.live[table].push(id);
      this.expected[table].push({ id, op: 'c', v });
    }
    return { sql: `INSERT INTO ${this.tables[table]} (id, v) VALUES ${Array(n).fill('(?, ?)').join(', ')}`, params: rows };
  }

  /** Some live rows, in primary key order (the order the server changes them in). */
  private choose(table: 0 | 1, n: number, remove: boolean): number[] {
    const live = this.live[table];
    const chosen = new Set<number>();
    const want = Math.min(n, live.length);
    while (chosen.size < want) chosen.add(live[Math.floor(this.random() * live.length)]!);
    if (remove) this.live[table] = live.filter((id) => !chosen.has(id));
    return [...chosen].sort((a, b) => a - b);
  }

  private update(table: 0 | 1, n: number, tx: number, s: number): Statement {
    const ids = this.choose(table, n, false);
    if (ids.length === 0) return { sql: '', params: [] };
    const prefix = `u${tx}.${s}-`;
    for (const id of ids) this.expected[table].push({ id, op: 'u', v: `${prefix}${id}` });
    return { sql: `UPDATE ${this.tables[table]} SET v = CONCAT(?, id) WHERE id IN (${ids.join(', ')})`, params: [prefix] };
  }

  private remove(table: 0 | 1, n: number): Statement {
    const ids = this.choose(table, n, true);
    if (ids.length === 0) return { sql: '', params: [] };
    for (const id of ids) this.expected[table].push({ id, op: 'd', v: null }, { id, op: 't', v: null });
    return { sql: `DELETE FROM ${this.tables[table]} WHERE id IN (${ids.join(', ')})`, params: [] };
  }
}

async function commit(db: Db, statements: readonly Statement[]): Promise<void> {
  await db.beginTransaction();
  for (const s of statements) await db.query(s.sql, s.params);
  await db.commit();
}

function changes(records: readonly DecodedRecord[]): Change[] {
  return records.map((r) => {
    const id = (asJsonPayload(r.key) as { id: number }).id;
    if (r.value === null) return { id, op: 't', v: null };
    const value = r.value as { op: 'c' | 'u' | 'd'; after: { v: string } | null };
    return { id, op: value.op, v: value.op === 'd' ? null : value.after!.v };
  });
}

function byKey(list: readonly Change[]): Map<number, string[]> {
  const out = new Map<number, string[]>();
  for (const c of list) {
    let seq = out.get(c.id);
    if (seq === undefined) out.set(c.id, (seq = []));
    seq.push(c.op === 'c' || c.op === 'u' ? `${c.op}:${c.v}` : c.op);
  }
  return out;
}

/** Waits until the topic holds every expected change (at least once), reading it again as it grows. */
async function waitUntilCovered(topic: string, expected: readonly Change[]): Promise<void> {
  const want = new Set(expected.map((c) => `${c.id}/${c.op}/${c.v}`));
  let count = expected.length;
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    const records = changes(await readAvroTopic(topic, count, 15_000));
    const seen = new Set(records.map((c) => `${c.id}/${c.op}/${c.v}`));
    if ([...want].every((c) => seen.has(c))) return;
    count = Math.max(count, records.length + 1);
  }
  throw new Error(`${topic} did not get every change within 120 s`);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function kill(proc: BinlogdProcess): Promise<void> {
  if (proc.child.exitCode !== null || proc.child.signalCode !== null) return;
  const exited = new Promise((resolve) => proc.child.once('exit', resolve));
  proc.child.kill('SIGKILL');
  await exited;
}

interface CrashRun {
  workload: Workload;
  topics: [string, string];
  kills: number;
}

/**
 * Creates two tables, starts binlogd, commits a first transaction and waits until it is in Kafka
 * (so an offset is stored), then writes the other transactions while binlogd is SIGKILLed after
 * 300–1500 ms of streaming and restarted at once, `kills` times at least. A last instance catches
 * up and stops cleanly.
 */
async function crashLoop(options: { prefix: string; kills: number; transactions: number; config?: Record<string, string> }, check: (run: CrashRun) => Promise<void>): Promise<void> {
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
    proc = await startBinlogd({ name, config });
    // Both tables get a row, so both topics exist and an offset is stored before the first kill.
    await commit(db, [...workload.build(0), ...workload.build(1)]);
    await readAvroTopic(topics[0], workload.expected[0].length, 60_000);
    await readAvroTopic(topics[1], workload.expected[1].length, 60_000);

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
      proc = await startBinlogd({ name, config, timeoutMs: 60_000 });
    }
    await writer;

    await waitUntilCovered(topics[0], workload.expected[0]);
    await waitUntilCovered(topics[1], workload.expected[1]);
    assert.equal(await proc.stop(), 0, 'the last instance stops cleanly');
    await check({ workload, topics, kills });
  } finally {
    if (proc !== undefined) await kill(proc);
    await db.query(`DROP TABLE IF EXISTS ${tables[0]}, ${tables[1]}`);
    await db.end();
  }
}

test('SIGKILLed 20 times while writing: every change exactly once, in commit order, nothing else', { timeout: 300_000 }, async () => {
  await crashLoop({ prefix: 'eos_crash', kills: 20, transactions: 60 }, async ({ workload, topics }) => {
    for (const t of [0, 1] as const) {
      const expected = workload.expected[t];
      const actual = changes(await readAvroTopic(topics[t], expected.length, 60_000));
      const want = byKey(expected);
      const got = byKey(actual);
      for (const [id, seq] of want) assert.deepEqual(got.get(id), seq, `${topics[t]}: key ${id}`);
      assert.deepEqual([...got.keys()].filter((id) => !want.has(id)), [], `${topics[t]}: no other keys`);
      assert.equal(actual.length, expected.length, `${topics[t]}: ${actual.length} records for ${expected.length} changes`);
    }
  });
});

test('SIGKILLed with exactly.once.support=false: every change at least once, in commit order', { timeout: 240_000 }, async () => {
  await crashLoop({ prefix: 'alo_crash', kills: 5, transactions: 30, config: { 'exactly.once.support': 'false' } }, async ({ workload, topics }) => {
    for (const t of [0, 1] as const) {
      const expected = workload.expected[t];
      const actual = changes(await readAvroTopic(topics[t], expected.length, 60_000));
      // A repeat replays records already written, so per key the first occurrences keep the order.
      const got = byKey(actual);
      for (const [id, seq] of byKey(expected)) {
        assert.deepEqual([...new Set(got.get(id) ?? [])], seq, `${topics[t]}: key ${id}`);
      }
      assert.ok(actual.length >= expected.length);
    }
  });
});

test('a second instance of the connector fences the first, which fails with KAFKA_FENCED and stops writing', { timeout: 180_000 }, async () => {
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
    const first = await startBinlogd({ name, config });
    processes.push(first);
    await insert(1, 10);
    await readAvroTopic(topic, 10, 60_000);

    const second = await startBinlogd({ name, config });
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
    const records = await readAvroTopic(topic, 40, 60_000);
    await sleep(1000);
    const again = await readAvroTopic(topic, 40, 60_000);
    assert.deepEqual(ids(again), Array.from({ length: 40 }, (_, i) => i + 1), 'every row exactly once, in order');
    assert.equal(records.length, 40);
  } finally {
    for (const p of processes) await kill(p);
    await db.query(`DROP TABLE IF EXISTS ${table}`);
    await db.end();
  }
});

// The crash tests' workload and checks, shared by every test that disturbs binlogd while it
// streams (SIGKILLs, server restarts): a writer commits a deterministic sequence of transactions
// (inserts, updates, deletes on two tables, some multi-row, some large) and a model of the tables
// gives the change records Debezium semantics call for, per table in commit order; the checks
// read the topics back read_committed and compare per key.
import assert from 'node:assert/strict';
import type mysql from 'mysql2/promise';
import type { BinlogdProcess } from './binlogd-process.js';
import { asJsonPayload, readAvroTopic, type DecodedRecord } from './avro-topic.js';

type Db = mysql.Connection;

/** One record as the test compares it: `t` is the tombstone after a delete. */
export interface Change {
  id: number;
  op: 'c' | 'u' | 'd' | 't';
  v: string | null;
}

export interface Statement {
  sql: string;
  params: unknown[];
}

/** A deterministic PRNG (mulberry32): the workload is the same on every run. */
export function prng(seed: number): () => number {
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
export class Workload {
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

export async function commit(db: Db, statements: readonly Statement[]): Promise<void> {
  await db.beginTransaction();
  for (const s of statements) await db.query(s.sql, s.params);
  await db.commit();
}

export function changes(records: readonly DecodedRecord[]): Change[] {
  return records.map((r) => {
    const id = (asJsonPayload(r.key) as { id: number }).id;
    if (r.value === null) return { id, op: 't', v: null };
    const value = r.value as { op: 'c' | 'u' | 'd'; after: { v: string } | null };
    return { id, op: value.op, v: value.op === 'd' ? null : value.after!.v };
  });
}

export function byKey(list: readonly Change[]): Map<number, string[]> {
  const out = new Map<number, string[]>();
  for (const c of list) {
    let seq = out.get(c.id);
    if (seq === undefined) out.set(c.id, (seq = []));
    seq.push(c.op === 'c' || c.op === 'u' ? `${c.op}:${c.v}` : c.op);
  }
  return out;
}

/** Waits until the topic holds every expected change (at least once), reading it again as it grows. */
export async function waitUntilCovered(topic: string, expected: readonly Change[], brokers?: string[]): Promise<void> {
  const want = new Set(expected.map((c) => `${c.id}/${c.op}/${c.v}`));
  let count = expected.length;
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    const records = changes(await readAvroTopic(topic, count, 15_000, brokers));
    const seen = new Set(records.map((c) => `${c.id}/${c.op}/${c.v}`));
    if ([...want].every((c) => seen.has(c))) return;
    count = Math.max(count, records.length + 1);
  }
  throw new Error(`${topic} did not get every change within 120 s`);
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function kill(proc: BinlogdProcess): Promise<void> {
  if (proc.child.exitCode !== null || proc.child.signalCode !== null) return;
  const exited = new Promise((resolve) => proc.child.once('exit', resolve));
  proc.child.kill('SIGKILL');
  await exited;
}


/** Every expected change exactly once, in commit order per key, and nothing else. */
export async function assertExactlyOnce(topic: string, expected: readonly Change[], brokers?: string[]): Promise<void> {
  const actual = changes(await readAvroTopic(topic, expected.length, 60_000, brokers));
  const want = byKey(expected);
  const got = byKey(actual);
  for (const [id, seq] of want) assert.deepEqual(got.get(id), seq, `${topic}: key ${id}`);
  assert.deepEqual([...got.keys()].filter((id) => !want.has(id)), [], `${topic}: no other keys`);
  assert.equal(actual.length, expected.length, `${topic}: ${actual.length} records for ${expected.length} changes`);
}

/** Every expected change at least once; a repeat replays records already written, so per key the first occurrences keep the order. */
export async function assertAtLeastOnce(topic: string, expected: readonly Change[], brokers?: string[]): Promise<void> {
  const actual = changes(await readAvroTopic(topic, expected.length, 60_000, brokers));
  const got = byKey(actual);
  for (const [id, seq] of byKey(expected)) assert.deepEqual([...new Set(got.get(id) ?? [])], seq, `${topic}: key ${id}`);
  assert.ok(actual.length >= expected.length);
}

/**
 * Commits transactions through a server restart: each also inserts its number into `markers` (a
 * table binlogd does not capture); after a lost connection the writer reconnects and commits the
 * same statements again unless the marker shows the first commit went through (its answer may be
 * what was lost). The statements are replayed on unchanged rows, so the model stays right.
 */
export class ReconnectingWriter {
  private db: Db | undefined;
  reconnects = 0;

  constructor(private readonly connect: () => Promise<Db>, private readonly markers: string) {}

  async commit(tx: number, statements: readonly Statement[], timeoutMs = 120_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (let attempt = 0; ; attempt++) {
      try {
        this.db ??= await this.connect();
        if (attempt > 0) {
          const [rows] = await this.db.query<mysql.RowDataPacket[]>(`SELECT 1 FROM ${this.markers} WHERE tx = ?`, [tx]);
          if (rows.length > 0) return;
        }
        await commit(this.db, [...statements, { sql: `INSERT INTO ${this.markers} (tx) VALUES (?)`, params: [tx] }]);
        return;
      } catch (error) {
        this.db?.destroy();
        this.db = undefined;
        this.reconnects++;
        if (Date.now() > deadline) throw error;
        await sleep(300);
      }
    }
  }

  async end(): Promise<void> {
    await this.db?.end().catch(() => undefined);
  }
}

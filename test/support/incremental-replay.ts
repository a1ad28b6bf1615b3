// What incremental snapshot tests check on a table's topic: replayed in order, the records reach
// the table's final state, no deleted row comes back, and which rows the snapshot read how often.
import assert from 'node:assert/strict';
import type mysql from 'mysql2/promise';
import { asJsonPayload, type DecodedRecord } from './avro-topic.js';
import type { BinlogdProcess } from './binlogd-process.js';
import { readTopicUntil } from './change-replay.js';

const END_ID = 1_000_000_000;

/** The table a test snapshots (`db.table`), a root connection to it, and the connector's topic.prefix. */
export interface TableUnderTest {
  db: mysql.Connection;
  table: string;
  prefix: string;
}

export async function waitForLog(binlogd: BinlogdProcess, matches: (msg: string) => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!binlogd.logs.some((l) => typeof l['msg'] === 'string' && matches(l['msg']))) {
    if (binlogd.child.exitCode !== null) throw new Error(`binlogd exited: ${JSON.stringify(binlogd.logs.slice(-8))}`);
    if (Date.now() > deadline) throw new Error(`no log line as expected within ${timeoutMs} ms: ${JSON.stringify(binlogd.logs.filter((l) => l['msg'] !== 'summary').slice(-8))}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

export interface Replayed {
  state: Map<number, Record<string, unknown>>;
  /** Keys read by the snapshot, with how often. */
  reads: Map<number, number>;
}

/** Snapshot reads set the row; an update or delete of a row already known starts from its state so far. */
export function replay(records: readonly DecodedRecord[]): Replayed {
  const state = new Map<number, Record<string, unknown>>();
  const reads = new Map<number, number>();
  records.forEach((record, i) => {
    if (record.value === null) return;
    const value = asJsonPayload(record.value) as { op: string; before: Record<string, unknown> | null; after: Record<string, unknown> | null; source: { snapshot: string } };
    const id = Number((value.after ?? value.before)!['id']);
    const where = `record ${i} (${value.op} ${id})`;
    if (value.op === 'r') {
      assert.equal(value.source.snapshot, 'incremental', `${where}: source.snapshot`);
      reads.set(id, (reads.get(id) ?? 0) + 1);
    } else if (value.op !== 'c' && state.has(id)) {
      assert.deepEqual(value.before, state.get(id), `${where}: changed from a state the records never reached`);
    }
    if (value.op === 'd') state.delete(id);
    else state.set(id, value.after!);
  });
  return { state, reads };
}

export async function assertFinalState(f: TableUnderTest, replayed: Replayed): Promise<void> {
  const [rows] = await f.db.query(`SELECT id, val, note FROM ${f.table}`) as unknown as [Array<{ id: number; val: number; note: string | null }>];
  assert.equal(replayed.state.size, rows.length, 'as many rows in Kafka as in the table (no deleted row resurrected)');
  for (const row of rows) assert.deepEqual(replayed.state.get(row.id), { id: row.id, val: row.val, note: row.note }, `row ${row.id}`);
}

/** Inserts a last row and reads the table's topic up to its record (found by its value: a keyless table's records have no key). */
export async function endMarker(f: TableUnderTest, atLeast: number): Promise<DecodedRecord[]> {
  await f.db.query(`INSERT INTO ${f.table} VALUES (${END_ID}, 0, 'end')`);
  return readTopicUntil(`${f.prefix}.${f.table}`, (r) => (asJsonPayload(r.value) as { after?: { id?: number } | null } | null)?.after?.id === END_ID, atLeast, 300_000);
}

/** One transaction: an insert, updates across the key range, a delete. */
export async function writeSome(db: mysql.Connection, table: string, rows: number, id: number): Promise<void> {
  const pick = (): number => 1 + Math.floor(Math.random() * rows);
  await db.query(`BEGIN;
    INSERT INTO ${table} VALUES (${id}, 1, 'new');
    UPDATE ${table} SET val = val + 1, note = CONCAT('updated ', val + 1) WHERE id IN (${pick()}, ${pick()}, ${id - 1});
    DELETE FROM ${table} WHERE id = ${pick()};
    COMMIT`);
}

export interface BackgroundWriter {
  /** Stops after the transaction under way; resolves with the number of rounds written. */
  stop(): Promise<number>;
}

/** writeSome on each of `tables` in rounds (new ids from rows + 1) until stopped. */
export function startWriter(db: mysql.Connection, tables: readonly string[], rows: number): BackgroundWriter {
  let writing = true;
  let rounds = 0;
  const done = (async () => {
    for (let next = rows + 1; writing; next++) {
      for (const table of tables) await writeSome(db, table, rows, next);
      rounds++;
    }
  })();
  return {
    async stop() {
      writing = false;
      await done;
      return rounds;
    },
  };
}

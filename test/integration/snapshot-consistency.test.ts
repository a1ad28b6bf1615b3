// A snapshot taken while writers keep inserting, updating and deleting: once streaming has caught
// up, Kafka holds every row exactly once in its final state, each snapshot row once, and every
// streamed update and delete starts from the state the records before it left (no change missed
// between the snapshot and streaming, none applied twice).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type mysql from 'mysql2/promise';
import { connectAsRoot } from '../support/mariadb.js';
import { uniqueName } from '../support/stack-env.js';
import { startBinlogd } from '../support/binlogd-process.js';
import { asJsonPayload } from '../support/avro-topic.js';
import { readTopicUntil, replayChanges } from '../support/change-replay.js';

const DB = 'binlogd_test';
const ROWS = 20_000;
const END_ID = 1_000_000_000;

test('writes during the snapshot: every row once, in its final state, after streaming catches up', { timeout: 600_000 }, async () => {
  const db = await connectAsRoot();
  const writer = await connectAsRoot();
  const table = uniqueName('snap_writes');
  const qualified = `${DB}.${table}`;
  const prefix = uniqueName('snapw');
  await db.query(`CREATE DATABASE IF NOT EXISTS ${DB}`);
  await db.query(`CREATE TABLE ${qualified} (id INT PRIMARY KEY, val INT NOT NULL, note VARCHAR(40))`);
  await db.query(`INSERT INTO ${qualified} SELECT seq, 0, CONCAT('row ', seq) FROM ${DB}.seq_1_to_${ROWS}`);

  let writing = true;
  let writes = 0;
  const writes$ = (async () => {
    let next = ROWS + 1;
    while (writing) await writeSome(writer, qualified, () => next++).then(() => { writes++; });
  })();
  let binlogd: Awaited<ReturnType<typeof startBinlogd>> | undefined;
  try {
    binlogd = await startBinlogd({
      name: prefix,
      config: { 'topic.prefix': prefix, 'snapshot.mode': 'initial', 'snapshot.fetch.size': '500', 'snapshot.max.threads': '2', 'table.include.list': `${DB}\\.${table}` },
      timeoutMs: 300_000,
    });
    await new Promise((resolve) => setTimeout(resolve, 2000)); // writes after streaming began too
    writing = false;
    await writes$;
    await db.query(`INSERT INTO ${qualified} VALUES (${END_ID}, 0, 'end')`);
    const records = await readTopicUntil(`${prefix}.${qualified}`, (r) => (asJsonPayload(r.key) as { id?: number } | null)?.id === END_ID, ROWS, 300_000);
    const replay = replayChanges(records, (row) => String(row['id']));
    const [rows] = await db.query(`SELECT id, val, note FROM ${qualified}`) as unknown as [Array<{ id: number; val: number; note: string | null }>];
    assert.equal(replay.state.size, rows.length, 'as many rows in Kafka as in the table');
    for (const row of rows) assert.deepEqual(replay.state.get(String(row.id)), { id: row.id, val: row.val, note: row.note }, `row ${row.id}`);
    assert.ok(writes > 0, 'the writers ran during the snapshot');
    const completed = binlogd.logs.find((l) => l['msg'] === 'snapshot completed');
    assert.ok(completed, 'the snapshot completed');
    assert.equal(replay.snapshotRows, completed['rows'], 'the records hold the rows the snapshot read, once each');
    console.log(`snapshot rows ${replay.snapshotRows}, write transactions during the run ${writes}, records ${records.length}`);
  } finally {
    writing = false;
    await writes$.catch(() => undefined);
    const code = await binlogd?.stop();
    if (code !== undefined && code !== 0) console.error(JSON.stringify(binlogd!.logs.slice(-8), null, 1), binlogd!.stderr.join(''));
    await db.query(`DROP TABLE IF EXISTS ${qualified}`);
    await writer.end();
    await db.end();
  }
});

/** One transaction: an insert, updates of rows across the key range, a delete. */
async function writeSome(db: mysql.Connection, table: string, nextId: () => number): Promise<void> {
  const id = nextId();
  const a = 1 + Math.floor(Math.random() * ROWS);
  const b = 1 + Math.floor(Math.random() * ROWS);
  const gone = 1 + Math.floor(Math.random() * ROWS);
  await db.query(`BEGIN;
    INSERT INTO ${table} VALUES (${id}, 1, 'new');
    UPDATE ${table} SET val = val + 1, note = CONCAT('updated ', val + 1) WHERE id IN (${a}, ${b}, ${id - 1});
    DELETE FROM ${table} WHERE id = ${gone};
    COMMIT`);
}

// Incremental snapshots against Debezium's own: the same tables and the same execute-snapshot
// signals — every table (several column types, a composite key, a UNIQUE-only key, a keyless
// table Debezium skips), one table again with additional-conditions, the keyless table with a
// surrogate-key — captured by the real Debezium connector and by binlogd, one signal at a time.
// Compared record by record: the op=r records of every table (keys, values, source block, headers,
// registered schemas) and the signal table's own records (the signals and the watermark rows both
// write, window for window). Allowed differences: processing times, source.version, the topic
// prefix, the watermark ids (random UUIDs) and their timestamps (Debezium prints nanoseconds,
// binlogd milliseconds), and the binlog positions, which are each connector's own: every op=r
// record must carry the position of the close-window row that ended its window, in both streams.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type mysql from 'mysql2/promise';
import { captureWithDebezium, debeziumOffset } from '../oracle/debezium.js';
import { createOffsetStore } from '../../src/offsets/offset-store.js';
import { connectAsRoot } from '../support/mariadb.js';
import { loadStackEnv, uniqueName } from '../support/stack-env.js';
import { startBinlogd, type BinlogdProcess } from '../support/binlogd-process.js';
import { asJsonPayload, readAvroTopic, type DecodedRecord } from '../support/avro-topic.js';
import { compareRecords } from '../support/debezium-compare.js';
import { DB, typesRows, typesTable } from '../support/column-types.js';

const CHUNK = 2;
/** Source fields whose values belong to the run: times, version, and the connector's own watermark positions. */
const RUN_SOURCE_FIELDS = ['version', 'ts_ms', 'ts_us', 'ts_ns', 'file', 'pos', 'gtid'];

interface Tables {
  types: string;
  composite: string;
  unique: string;
  keyless: string;
  signals: string;
}

async function createTables(db: mysql.Connection): Promise<Tables> {
  const t: Tables = {
    types: `${DB}.${uniqueName('iv_types')}`, composite: `${DB}.${uniqueName('iv_comp')}`, unique: `${DB}.${uniqueName('iv_uniq')}`,
    keyless: `${DB}.${uniqueName('iv_keyless')}`, signals: `${DB}.${uniqueName('iv_sig')}`,
  };
  const bare = (name: string) => name.slice(DB.length + 1);
  await db.query(`CREATE DATABASE IF NOT EXISTS ${DB}`);
  await db.query(typesTable(bare(t.types)));
  for (const sql of typesRows(bare(t.types))) await db.query(sql);
  // Debezium's JDBC reads fail on zero dates (see snapshot-vs-debezium): that row cannot be compared.
  await db.query(`DELETE FROM ${t.types} WHERE id = 4`);
  await db.query(`CREATE TABLE ${t.composite} (region CHAR(2) NOT NULL, n INT NOT NULL, v INT, PRIMARY KEY (region, n));
    INSERT INTO ${t.composite} VALUES ('eu', 1, 10), ('eu', 2, 25), ('us', 1, 30), ('ap', 7, 5), ('us', 3, 40)`);
  await db.query(`CREATE TABLE ${t.unique} (code VARCHAR(10) NOT NULL, label VARCHAR(20), UNIQUE KEY (code));
    INSERT INTO ${t.unique} VALUES ('b', 'bee'), ('a', 'ay'), ('c', NULL)`);
  await db.query(`CREATE TABLE ${t.keyless} (a INT, b VARCHAR(10));
    INSERT INTO ${t.keyless} VALUES (3, 'z'), (1, 'x'), (2, NULL), (5, 'v'), (4, 'w')`);
  await db.query(`CREATE TABLE ${t.signals} (id VARCHAR(42) PRIMARY KEY, type VARCHAR(32) NOT NULL, data VARCHAR(2048) NULL)`);
  await db.query(`GRANT INSERT ON ${t.signals} TO '${loadStackEnv().mariadb.user}'@'127.0.0.1'`);
  return t;
}

function signalsFor(t: Tables): Array<{ id: string; data: unknown }> {
  return [
    { id: 'ad-hoc-all', data: { 'data-collections': [t.types, t.composite, t.unique, t.keyless], type: 'incremental' } },
    {
      id: 'ad-hoc-filtered',
      data: { 'data-collections': [t.composite], type: 'incremental', 'additional-conditions': [{ 'data-collection': t.composite, filter: 'v >= 25' }] },
    },
    { id: 'ad-hoc-surrogate', data: { 'data-collections': [t.keyless], type: 'incremental', 'surrogate-key': 'a' } },
  ];
}

const isRead = (payload: unknown) => (payload as { op?: string } | null)?.op === 'r';

test('incremental snapshot: binlogd reads what Debezium reads, record for record', { timeout: 900_000 }, async () => {
  const db = await connectAsRoot();
  const t = await createTables(db);
  const data = [t.types, t.composite, t.unique, t.keyless];
  const all = [...data, t.signals];
  const config = { 'signal.data.collection': t.signals, 'incremental.snapshot.chunk.size': String(CHUNK) };
  const insertSignal = (s: { id: string; data: unknown }) =>
    db.query(`INSERT INTO ${t.signals} (id, type, data) VALUES (?, 'execute-snapshot', ?)`, [s.id, JSON.stringify(s.data)]);
  /** Debezium's records per table after each signal was handled: binlogd is waited for up to the same counts. */
  const phases: Array<Map<string, number>> = [];
  let binlogd: BinlogdProcess | undefined;
  try {
    const capture = await captureWithDebezium({
      tables: all, config, timeoutMs: 300_000,
      write: async ({ records }) => {
        for (const s of signalsFor(t)) {
          await insertSignal(s);
          await settled(() => records.length, () => records.some((r) => r.value?.payload?.after?.id === s.id));
          phases.push(new Map(all.map((table) => [table, records.filter((r) => r.topic.endsWith(`.${table}`)).length])));
        }
      },
    });
    await db.query(`DELETE FROM ${t.signals}`);

    const prefix = uniqueName('bdincr');
    binlogd = await startBinlogd({
      name: prefix, timeoutMs: 120_000,
      config: { 'topic.prefix': prefix, 'snapshot.mode': 'no_data', 'table.include.list': all.map((x) => x.replace('.', '\\.')).join(','), ...config },
    });
    for (const [i, s] of signalsFor(t).entries()) {
      await insertSignal(s);
      for (const table of all) await readAvroTopic(`${prefix}.${table}`, phases[i]!.get(table)!, 60_000);
      if (s.id === 'ad-hoc-surrogate') await readAvroTopic(`${prefix}.${t.keyless}`, 5, 60_000);
    }
    const theirs = (table: string) => capture.records.filter((r) => r.topic === `${capture.topicPrefix}.${table}`);
    const ours = new Map<string, DecodedRecord[]>();
    // A moment for records past Debezium's counts (there must be none).
    await new Promise((resolve) => setTimeout(resolve, 2000));
    for (const table of all) ours.set(table, await readAvroTopic(`${prefix}.${table}`, table === t.keyless ? 5 : theirs(table).length, 10_000));

    const differences: string[] = [];
    const quirks = new Set<string>();
    for (const table of data) {
      const expected = theirs(table).filter((r) => isRead(r.value?.payload));
      let actual = ours.get(table)!.filter((r) => isRead(asJsonPayload(r.value)));
      if (table === t.keyless) {
        // Debezium keeps a chunk's rows in a map by record key, null for every row of a keyless
        // table: read by a surrogate-key, only the last row of each chunk comes out. binlogd emits
        // them all; the ones Debezium emits are compared.
        assert.deepEqual(actual.map((r) => (asJsonPayload(r.value) as any).after.a), [1, 2, 3, 4, 5], 'binlogd reads every row of the keyless table');
        const emitted = new Set(expected.map((r) => r.value?.payload?.after?.a));
        console.log(`keyless table by surrogate-key: Debezium emitted a = ${[...emitted].join(', ')} of 1..5`);
        actual = actual.filter((r) => emitted.has((asJsonPayload(r.value) as any).after.a));
      } else {
        assert.equal(ours.get(table)!.length, theirs(table).length, `${table}: as many records as Debezium's`);
      }
      await compareRecords(expected, actual, { table, theirPrefix: capture.topicPrefix, ourPrefix: prefix, differences, quirks, ignoredSource: RUN_SOURCE_FIELDS });
    }
    assert.deepEqual(differences, [], 'values that differ from Debezium\'s incremental snapshot');
    console.log(`columns differing only by Debezium's snapshot quirks: ${[...quirks].join(', ') || 'none'}`);
    // The UNIQUE-only table is read by its key, as Debezium's MariaDB parser makes that its primary key.
    assert.equal(theirs(t.unique).length, 3);
    const theirSignals = theirs(t.signals).map((r) => ({ key: r.key?.payload, value: r.value?.payload }));
    const ourSignals = ours.get(t.signals)!.map((r) => ({ key: asJsonPayload(r.key), value: asJsonPayload(r.value) }));
    assert.deepEqual(normalizeSignals(ourSignals, prefix), normalizeSignals(theirSignals, capture.topicPrefix), 'the signal table\'s records: the signals and the same watermark windows');
    // Its schemas too, on the one record with the same values both ways (the first signal).
    await compareRecords(theirs(t.signals).slice(0, 1), ours.get(t.signals)!.slice(0, 1), {
      table: t.signals, theirPrefix: capture.topicPrefix, ourPrefix: prefix, differences, quirks, ignoredSource: RUN_SOURCE_FIELDS,
    });
    for (const [who, signals, reads] of [
      ['Debezium', theirSignals, data.flatMap((table) => theirs(table).map((r) => r.value?.payload))],
      ['binlogd', ourSignals, data.flatMap((table) => ours.get(table)!.map((r) => asJsonPayload(r.value)))],
    ] as const) {
      const closes = new Set(signals.filter((r) => (r.value as any)?.after?.type === 'snapshot-window-close').map((r) => position((r.value as any).source)));
      for (const read of reads) assert.ok(closes.has(position((read as any).source)), `${who}: a read at ${position((read as any).source)}, where no window closed`);
    }
    assert.ok(binlogd.logs.some((l) => String(l['msg']).startsWith(`incremental snapshot: skipping ${t.keyless}: it has no primary key`)), 'binlogd says why the keyless table is skipped');

    // A surrogate-key the table lacks: binlogd names it and goes on with the next table (Debezium's snapshot hangs, README).
    await db.query(`BEGIN;
      INSERT INTO ${t.signals} VALUES ('ad-hoc-bad', 'execute-snapshot', '{"data-collections":["${t.keyless}"],"surrogate-key":"nope"}');
      INSERT INTO ${t.signals} VALUES ('ad-hoc-next', 'execute-snapshot', '{"data-collections":["${t.unique}"]}'); COMMIT`);
    await readAvroTopic(`${prefix}.${t.unique}`, 2 * theirs(t.unique).length, 60_000);
    assert.ok(binlogd.logs.some((l) => String(l['msg']).startsWith(`incremental snapshot: skipping ${t.keyless}: its surrogate-key column 'nope' does not exist`)));
  } finally {
    const code = await binlogd?.stop();
    if (code !== undefined && code !== 0) console.error(JSON.stringify(binlogd!.logs.slice(-8), null, 1), binlogd!.stderr.join(''));
    await db.query(`REVOKE INSERT ON ${t.signals} FROM '${loadStackEnv().mariadb.user}'@'127.0.0.1'`).catch(() => undefined);
    await db.query(`DROP TABLE IF EXISTS ${Object.values(t).join(', ')}`);
    await db.end();
  }
});

function position(source: { file: string; pos: number; gtid: string | null; row: number; server_id: number }): string {
  return `${source.file}:${source.pos}:${source.gtid}:${source.server_id}:${source.row}`;
}

/** The signal rows with the watermark ids numbered in order of appearance and their timestamps blanked. */
function normalizeSignals(records: Array<{ key: unknown; value: unknown }>, prefix: string): unknown[] {
  const ids = new Map<string, string>();
  const id = (text: string) => text.replace(/^([0-9a-f-]{36})-(open|close)$/, (_, uuid: string, end: string) => {
    if (!ids.has(uuid)) ids.set(uuid, `window-${ids.size + 1}`);
    return `${ids.get(uuid)}-${end}`;
  });
  return records.map(({ key, value }) => {
    const v = value as { op: string; before: unknown; after: { id: string; type: string; data: string | null } | null; source: Record<string, unknown> } | null;
    const after = v?.after && {
      ...v.after, id: id(v.after.id),
      data: v.after.type.startsWith('snapshot-window-') ? v.after.data?.replace(/"\d{4}-\d\d-\d\dT[\d:.]+Z"/g, '"<time>"') : v.after.data,
    };
    const source = v && Object.fromEntries(Object.entries(v.source).filter(([k]) => !RUN_SOURCE_FIELDS.includes(k)).map(([k, x]) => [k, k === 'name' ? String(x).replace(prefix, '<prefix>') : x]));
    return { key: key && { id: id((key as { id: string }).id) }, op: v?.op, before: v?.before, after, source };
  });
}

/** Waits until `seen()` holds and `count()` has not moved for three seconds (the snapshot is over). */
async function settled(count: () => number, seen: () => boolean): Promise<void> {
  const deadline = Date.now() + 180_000;
  let last = -1;
  let since = Date.now();
  for (;;) {
    const now = count();
    if (now !== last) { last = now; since = Date.now(); }
    if (seen() && Date.now() - since >= 3000) return;
    if (Date.now() > deadline) throw new Error('Debezium\'s incremental snapshot did not settle within 180 s');
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}


test('a paused incremental snapshot: the progress binlogd stores in its offset next to Debezium\'s', { timeout: 600_000 }, async () => {
  const db = await connectAsRoot();
  const table = `${DB}.${uniqueName('iv_off')}`;
  const signals = `${DB}.${uniqueName('iv_offsig')}`;
  await db.query(`CREATE TABLE ${table} (id INT PRIMARY KEY, v VARCHAR(10)); INSERT INTO ${table} SELECT seq, 'x' FROM ${DB}.seq_1_to_10`);
  await db.query(`CREATE TABLE ${signals} (id VARCHAR(42) PRIMARY KEY, type VARCHAR(32) NOT NULL, data VARCHAR(2048) NULL)`);
  await db.query(`GRANT INSERT ON ${signals} TO '${loadStackEnv().mariadb.user}'@'127.0.0.1'`);
  const config = { 'signal.data.collection': signals, 'incremental.snapshot.chunk.size': String(CHUNK) };
  // Paused in the signal's own transaction: the first chunk is read and emitted, then the snapshot waits.
  const executeThenPause = () => db.query(`BEGIN;
    INSERT INTO ${signals} VALUES ('ad-hoc-off', 'execute-snapshot', '{"data-collections":["${table}"],"type":"incremental"}');
    INSERT INTO ${signals} VALUES ('ad-hoc-pause', 'pause-snapshot', NULL); COMMIT`);
  let binlogd: BinlogdProcess | undefined;
  try {
    let theirs: Record<string, unknown> | null = null;
    let theirsAfter: Record<string, unknown> | null = null;
    await captureWithDebezium({
      tables: [table, signals], config, timeoutMs: 240_000,
      write: async ({ records, connector }) => {
        await executeThenPause();
        await settled(() => records.length, () => records.filter((r) => isRead(r.value?.payload)).length >= CHUNK);
        const deadline = Date.now() + 30_000;
        while (!(theirs = await debeziumOffset(connector))?.['incremental_snapshot_primary_key'] && Date.now() < deadline) await new Promise((r) => setTimeout(r, 300));
        await db.query(`INSERT INTO ${signals} VALUES ('ad-hoc-resume', 'resume-snapshot', NULL)`);
        await settled(() => records.length, () => records.filter((r) => isRead(r.value?.payload)).length >= 10);
        while ((theirsAfter = await debeziumOffset(connector))?.['incremental_snapshot_collections'] && Date.now() < deadline + 30_000) await new Promise((r) => setTimeout(r, 300));
      },
    });
    await db.query(`DELETE FROM ${signals}`);
    const prefix = uniqueName('bdoff');
    const binlogdConfig = { 'topic.prefix': prefix, 'snapshot.mode': 'no_data', 'table.include.list': [table, signals].map((x) => x.replace('.', '\\.')).join(','), ...config };
    binlogd = await startBinlogd({ name: prefix, timeoutMs: 120_000, config: binlogdConfig });
    await executeThenPause();
    await readAvroTopic(`${prefix}.${table}`, CHUNK, 60_000);
    await new Promise((resolve) => setTimeout(resolve, 2000));
    assert.equal(await binlogd.stop(), 0);
    const env = loadStackEnv();
    const store = createOffsetStore({ kafka: { brokers: env.kafkaBrokers, clientId: 'incr-offsets-test' }, topic: 'binlogd-offsets' });
    const ours = await store.latest(prefix, prefix);
    // Restarted, binlogd goes on after the stored chunk (the pause is not kept, as in Debezium) and finishes.
    binlogd = await startBinlogd({ name: prefix, timeoutMs: 120_000, config: binlogdConfig });
    await readAvroTopic(`${prefix}.${table}`, 10, 60_000);
    await new Promise((resolve) => setTimeout(resolve, 2000));
    assert.equal(await binlogd.stop(), 0);
    const oursAfter = await store.latest(prefix, prefix);
    await store.close();
    const progress = (offset: Record<string, unknown> | null | undefined) =>
      Object.fromEntries(Object.entries(offset ?? {}).filter(([k]) => k.startsWith('incremental_snapshot_')));
    const theirProgress = progress(theirs);
    const ourProgress = progress(ours);
    // The same collection queue (Debezium's JSON, key for key) and correlation id (the signal's id).
    assert.equal(ourProgress['incremental_snapshot_correlation_id'], 'ad-hoc-off');
    assert.equal(theirProgress['incremental_snapshot_correlation_id'], 'ad-hoc-off');
    assert.deepEqual(JSON.parse(String(ourProgress['incremental_snapshot_collections'])), JSON.parse(String(theirProgress['incremental_snapshot_collections'])));
    // The chunk position: Debezium's a Java-serialized Object[] (hex; here one Integer, its last four bytes),
    // binlogd's its own JSON under its own key (README: Incremental snapshots).
    assert.match(String(theirProgress['incremental_snapshot_primary_key']), /^aced0005.*00000002$/);
    assert.match(String(theirProgress['incremental_snapshot_maximum_key']), /^aced0005.*0000000a$/);
    assert.deepEqual(JSON.parse(String(ourProgress['incremental_snapshot_binlogd_keys'])), { last: [2], max: [10] });
    assert.deepEqual(Object.keys(ourProgress).sort(),
      ['incremental_snapshot_binlogd_keys', 'incremental_snapshot_collections', 'incremental_snapshot_correlation_id']);
    assert.deepEqual(Object.keys(theirProgress).sort(),
      ['incremental_snapshot_collections', 'incremental_snapshot_correlation_id', 'incremental_snapshot_maximum_key', 'incremental_snapshot_primary_key']);
    // Once the snapshot is over, neither keeps any of it.
    assert.deepEqual(progress(oursAfter), {});
    assert.deepEqual(progress(theirsAfter), {});
  } finally {
    await binlogd?.stop();
    await db.query(`REVOKE INSERT ON ${signals} FROM '${loadStackEnv().mariadb.user}'@'127.0.0.1'`).catch(() => undefined);
    await db.query(`DROP TABLE IF EXISTS ${table}, ${signals}`);
    await db.end();
  }
});

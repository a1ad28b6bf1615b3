// Online schema change tools against Debezium itself: pt-online-schema-change (run for real) and
// gh-ost (its statements reproduced) change a table while a writer keeps writing to it. One binlogd
// and one Debezium connector keep up; another binlogd and another Debezium connector are both stopped
// at the same point before the change starts and restarted once it is over, as a user's would be, so
// they read the whole change behind the writers. Each binlogd is compared with the Debezium connector
// run as it was. Both must write
// what Debezium writes for the table (op, key, before, after, source, key and value schemas) and
// the same schema change records, every change of the table once and in order, with the schema the
// row had when it was written, and must not capture the tools' helper tables, which Debezium
// captures when the include list names them (as its documentation tells users to do).
// Each tool runs in its own database; differences are collected field by field and listed at once.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isDeepStrictEqual } from 'node:util';
import { Kafka, logLevel } from 'kafkajs';
import { captureWithDebezium, connectorState, connectRest, type Capture, type DebeziumRecord } from '../oracle/debezium.js';
import { waitFor } from '../support/wait.js';
import { connectAsRoot } from '../support/mariadb.js';
import { loadStackEnv, uniqueName } from '../support/stack-env.js';
import { startBinlogd, type BinlogdProcess } from '../support/binlogd-process.js';
import { asJsonPayload, readAvroTopic, registeredSchema, type DecodedRecord } from '../support/avro-topic.js';
import { avroFor } from '../support/debezium-compare.js';
import { runGhostMigration, runPtOnlineSchemaChange, TableWriter } from '../support/online-schema-change.js';

const SNAPSHOT_MARKERS = new Set(['true', 'first', 'last', 'first_in_data_collection', 'last_in_data_collection']);
const TABLE = `(id int(11) NOT NULL, a varchar(10) DEFAULT 'aa', c int(11) NOT NULL DEFAULT 0, PRIMARY KEY (id)) COMMENT='changed online'`;
/** A column added with a default and a comment, one widened, one dropped: every row shows which table wrote it. */
const ALTER = `ADD COLUMN note varchar(20) NOT NULL DEFAULT 'new' COMMENT 'added online', MODIFY c bigint(20) NOT NULL DEFAULT 0, DROP COLUMN a`;
const SEED_ROWS = 200;
const WRITES_AROUND = 6;

type Tool = 'pt-online-schema-change' | 'gh-ost';
const HELPERS: Record<Tool, string[]> = { 'pt-online-schema-change': ['_t_new', '_t_old'], 'gh-ost': ['_t_gho', '_t_ghc', '_t_del'] };

for (const tool of Object.keys(HELPERS) as Tool[]) {
  test(`${tool} while binlogd keeps up and while it lags: the records Debezium writes, helper tables left out`, { timeout: 600_000 }, async () => {
    const root = await connectAsRoot();
    const db = uniqueName(tool === 'gh-ost' ? 'osc_ghost' : 'osc_ptosc');
    const tables = ['t', ...HELPERS[tool]].map((name) => `${db}.${name}`);
    // The include list a Debezium user sets for these tools: the table and its helper tables.
    // binlogd's schema history replays the DDL of the captured databases in temporary tables.
    const include = tables.map((t) => t.replace('.', '\\.')).join(',');
    const config = { 'snapshot.mode': 'no_data', 'include.schema.changes': 'true', 'database.include.list': db, 'table.include.list': include };
    const keepPrefix = uniqueName('bdkeep');
    const lagPrefix = uniqueName('bdlag');
    const start = (prefix: string) => startBinlogd({ name: prefix, config: { ...config, 'topic.prefix': prefix }, timeoutMs: 60_000 });
    const running: BinlogdProcess[] = [];
    const writerConn = await connectAsRoot();
    const writer = new TableWriter(writerConn, `\`${db}\`.\`t\``);
    const problems: string[] = [];
    try {
      await root.query(`CREATE DATABASE ${db}; CREATE TABLE ${db}.t ${TABLE};
        INSERT INTO ${db}.t (id, a, c) SELECT seq, CONCAT('a', seq), seq FROM ${db}.seq_1_to_${SEED_ROWS}`);
      running.push(await start(keepPrefix));
      let lagging = await start(lagPrefix);
      running.push(lagging);
      const debezium = { tables, config: { 'include.schema.changes': 'true' }, topics: (p: string) => [p], timeoutMs: 400_000 };
      let laggingCapture: Capture | undefined;
      const keepingCapture = await captureWithDebezium({
        ...debezium,
        write: async () => {
          laggingCapture = await captureWithDebezium({
            ...debezium,
            write: async ({ records, connector }) => {
              for (let i = 0; i < WRITES_AROUND; i++) await writer.write();
              // The lagging binlogd and Debezium store their positions after these, then both miss the whole change.
              await readAvroTopic(`${lagPrefix}.${db}.t`, WRITES_AROUND, 60_000);
              await waitFor(() => records.filter((r) => r.topic.endsWith(`.${db}.t`)).length >= WRITES_AROUND, 'the lagging Debezium reads the rows before the stop');
              assert.equal(await lagging.stop(), 0, 'the lagging binlogd stops cleanly');
              await connectRest('PUT', `/connectors/${connector}/stop`);
              await waitFor(async () => (await connectorState(connector)) === 'STOPPED', 'the lagging Debezium stops');
              if (tool === 'gh-ost') await runGhostMigration({ db, table: 't', alter: ALTER }, writer, ['id', 'c']);
              else await runPtOnlineSchemaChange({ db, table: 't', alter: ALTER }, writer);
              for (let i = 0; i < WRITES_AROUND; i++) await writer.write();
              lagging = await start(lagPrefix);
              running.push(lagging);
              await connectRest('PUT', `/connectors/${connector}/resume`);
            },
          });
        },
      });
      const truth = await tableRows(root, `${db}.t`);

      for (const [mode, prefix, capture] of [['keeping up', keepPrefix, keepingCapture], ['lagging', lagPrefix, laggingCapture!]] as const) {
        const theirs = capture.records;
        const expected = theirs.filter((r) => r.topic === `${capture.topicPrefix}.${db}.t`);
        assert.ok(expected.length >= 2 * WRITES_AROUND + 5, `${mode}: Debezium wrote ${expected.length} records of t`);
        // Debezium's schema snapshot at start (every table of the server) is not binlogd's to match; its last
        // record is marked "last", which depends on how many databases the server holds.
        const expectedChanges = theirs.filter((r) => r.topic === capture.topicPrefix && r.value?.payload.databaseName === db && !SNAPSHOT_MARKERS.has(String(r.value.payload.source.snapshot)));
        const theirHelpers = HELPERS[tool].filter((h) => theirs.some((r) => r.topic === `${capture.topicPrefix}.${db}.${h}`));
        const actual = await readAvroTopic(`${prefix}.${db}.t`, expected.length, 90_000);
        problems.push(...await recordDifferences(`${mode}: t`, expected, actual, capture.topicPrefix, prefix));
        problems.push(...finalStateDifferences(`${mode}: t`, actual, truth));
        const actualChanges = await readMatching(prefix, (r) => (r.value as { databaseName?: string } | null)?.databaseName === db, expectedChanges.length);
        problems.push(...await schemaChangeDifferences(`${mode}: schema changes`, expectedChanges, actualChanges, capture.topicPrefix, prefix));
        const helperTopics = await topicsNamed(HELPERS[tool].map((h) => `${prefix}.${db}.${h}`));
        if (helperTopics.length > 0) problems.push(`${mode}: helper tables captured: ${helperTopics.join(', ')}`);
        console.log(`${tool}, ${mode}: Debezium wrote ${expected.length} records of t, ${expectedChanges.length} schema changes `
          + `(${expectedChanges.map((r) => JSON.stringify(r.value!.payload.ddl.replace(/\s+/g, ' ').slice(0, 160))).join(', ')}), `
          + `records of helper tables ${theirHelpers.join(', ') || 'none'}; writer statements ${writer.written}`);
        assert.ok(theirHelpers.length > 0, `${mode}: Debezium captures helper tables that its include list names`);
      }
      if (problems.length > 0) assert.fail(`${problems.length} differences from Debezium:\n${summarize(problems).join('\n')}`);
    } finally {
      for (const binlogd of running) {
        const code = await binlogd.stop();
        // Warnings and errors explain differences (a connector that failed midway, a DDL it could not replay).
        const notable = binlogd.logs.filter((l) => Number(l['level']) >= 40).slice(-6);
        if (code !== 0 || (problems.length > 0 && notable.length > 0)) console.error(code, JSON.stringify(notable).slice(0, 3000), binlogd.stderr.join('').slice(0, 2000));
      }
      await writerConn.end();
      await root.query(`DROP DATABASE IF EXISTS ${db}`);
      await root.end();
    }
  });
}

/** The differences grouped by what differs: the same field of many records is one line, with the records' numbers. */
function summarize(problems: readonly string[]): string[] {
  const groups = new Map<string, number[]>();
  for (const line of problems) {
    const at = /record (\d+) \([^)]*\) /.exec(line);
    const pattern = at ? line.replace(at[0], 'record # ') : line;
    const records = groups.get(pattern) ?? [];
    records.push(at ? Number(at[1]) : -1);
    groups.set(pattern, records);
  }
  return [...groups].map(([pattern, records]) => records[0] === -1 ? pattern
    : `${pattern}  [${records.length} records: ${records.length > 6 ? `${records.slice(0, 3).join(', ')} … ${records.slice(-2).join(', ')}` : records.join(', ')}]`);
}

/** Every field of every record of a table topic that differs from Debezium's, one line each. */
async function recordDifferences(label: string, expected: DebeziumRecord[], actual: DecodedRecord[], theirPrefix: string, ourPrefix: string): Promise<string[]> {
  const out: string[] = [];
  const rename = <T>(value: T): T => JSON.parse(JSON.stringify(value).replaceAll(theirPrefix, ourPrefix)) as T;
  if (actual.length !== expected.length) out.push(`${label}: ${actual.length} records, Debezium ${expected.length}`);
  for (let i = 0; i < Math.min(actual.length, expected.length); i++) {
    const theirs = rename(expected[i]!);
    const ours = actual[i]!;
    const their = theirs.value?.payload as Record<string, any> | undefined;
    const where = `${label} record ${i} (${JSON.stringify(theirs.key?.payload ?? null)} ${their?.['op'] ?? 'tombstone'})`;
    diff(`${where} key`, asJsonPayload(ours.key), theirs.key?.payload ?? null, out);
    if (theirs.key && ours.keySchemaId !== null) diff(`${where} key schema`, JSON.parse(await registeredSchema(ours.keySchemaId)), avroFor(theirs.key.schema), out);
    if (!their) {
      if (ours.value !== null) out.push(`${where}: binlogd wrote a value where Debezium wrote a tombstone`);
      continue;
    }
    if (ours.value === null) { out.push(`${where}: binlogd wrote a tombstone`); continue; }
    const mine = asJsonPayload(ours.value) as Record<string, any>;
    for (const field of ['op', 'before', 'after', 'transaction']) diff(`${where} ${field}`, mine[field], their[field], out);
    diff(`${where} source`, { ...mine['source'], version: '' }, { ...their['source'], version: '' }, out);
    diff(`${where} value schema`, JSON.parse(await registeredSchema(ours.valueSchemaId!)), avroFor(theirs.value!.schema), out);
  }
  return out;
}

async function schemaChangeDifferences(label: string, expected: DebeziumRecord[], actual: DecodedRecord[], theirPrefix: string, ourPrefix: string): Promise<string[]> {
  const out: string[] = [];
  const rename = <T>(value: T): T => JSON.parse(JSON.stringify(value).replaceAll(theirPrefix, ourPrefix)) as T;
  const ddl = (r: { ddl?: string } | null | undefined) => String(r?.ddl ?? '').replace(/\s+/g, ' ');
  const shown = (text: string) => JSON.stringify(text.slice(0, 70));
  // Paired by statement, so one missing record is reported as such rather than shifting the rest.
  let next = 0;
  for (const [i, record] of expected.entries()) {
    const theirs = rename(record);
    const statement = ddl(theirs.value?.payload);
    const found = actual.findIndex((r, j) => j >= next && ddl(r.value as { ddl?: string }) === statement);
    if (found < 0) { out.push(`${label} ${i}: missing, Debezium wrote ${shown(statement)}`); continue; }
    for (const extra of actual.slice(next, found)) out.push(`${label}: binlogd wrote ${shown(ddl(extra.value as { ddl?: string }))} where Debezium did not`);
    next = found + 1;
    const ours = actual[found]!;
    const where = `${label} ${i} (${shown(statement)})`;
    diff(`${where} key`, asJsonPayload(ours.key), theirs.key?.payload ?? null, out);
    const normalize = (v: Record<string, any>) => ({ ...v, ts_ms: 0, source: { ...v['source'], version: '' } });
    const differences: string[] = [];
    diff(`${where} value`, normalize(asJsonPayload(ours.value) as Record<string, any>), normalize(theirs.value!.payload), differences);
    out.push(...differences.filter((line) => !isUnwrittenIntegerWidth(line, `${where} value`, theirs.value!.payload)));
    diff(`${where} value schema`, JSON.parse(await registeredSchema(ours.valueSchemaId!)), avroFor(theirs.value!.schema), out);
  }
  for (const extra of actual.slice(next)) out.push(`${label}: binlogd wrote ${shown(ddl(extra.value as { ddl?: string }))} where Debezium did not`);
  return out;
}

const INTEGER_TYPES = new Set(['TINYINT', 'SMALLINT', 'MEDIUMINT', 'INT', 'INTEGER', 'BIGINT']);

/**
 * The one documented difference (README, schema changes): an integer column created without a
 * display width (gh-ost's own `id bigint unsigned`, `id int`) has no length in Debezium, which reads
 * it from the DDL text; binlogd, with no DDL parser, has the width MariaDB shows (`bigint(20)`).
 */
function isUnwrittenIntegerWidth(line: string, prefix: string, theirs: { tableChanges?: Array<{ table?: { columns?: Array<{ name: string; typeName: string }> } }> }): boolean {
  const m = /^\.tableChanges\[(\d+)\]\.table\.columns\[([^\]]+)\]\.length: binlogd \d+, Debezium null$/.exec(line.slice(prefix.length));
  if (!line.startsWith(prefix) || !m) return false;
  const column = theirs.tableChanges?.[Number(m[1])]?.table?.columns?.find((c) => c.name === m[2]);
  return column !== undefined && INTEGER_TYPES.has(column.typeName.replace(/ UNSIGNED$/, ''));
}

/** Replaying the records must give the table as it is: every change once, none lost. */
function finalStateDifferences(label: string, records: DecodedRecord[], truth: Map<number, Record<string, unknown>>): string[] {
  const replayed = new Map<number, Record<string, unknown> | null>();
  for (const record of records) {
    const value = asJsonPayload(record.value) as { op: string; before: { id: number } | null; after: Record<string, unknown> | null } | null;
    if (!value) continue;
    if (value.op === 'd') replayed.set(value.before!.id, null);
    else replayed.set(Number(value.after!['id']), value.after);
  }
  const out: string[] = [];
  for (const [id, after] of replayed) {
    const found = truth.get(id);
    // A row last written before the change has no `note` in its record; the table shows its default.
    const row = found && after && !('note' in after) ? { id: found['id'], c: found['c'] } : found ?? null;
    const seen = after && ('note' in after ? { id: after['id'], c: after['c'], note: after['note'] } : { id: after['id'], c: after['c'] });
    if (!isDeepStrictEqual(seen, row)) out.push(`${label}: row ${id} replayed as ${JSON.stringify(seen)}, the table has ${JSON.stringify(row)}`);
  }
  return out;
}

async function tableRows(conn: Awaited<ReturnType<typeof connectAsRoot>>, table: string): Promise<Map<number, Record<string, unknown>>> {
  const [rows] = await conn.query(`SELECT id, c, note FROM ${table}`);
  return new Map((rows as Array<{ id: number; c: number | string; note: string }>).map((r) => [r.id, { id: r.id, c: Number(r.c), note: r.note }]));
}

/** Field-level differences under `path`, as `path: binlogd X, Debezium Y`. */
function diff(path: string, ours: unknown, theirs: unknown, out: string[]): void {
  if (isDeepStrictEqual(ours, theirs)) return;
  const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;
  if (Array.isArray(ours) && Array.isArray(theirs)) {
    const named = (list: unknown[]) => list.every((item, i) => label(item, i) !== String(i));
    if (ours.length !== theirs.length && named(ours) && named(theirs)) {
      // Schema fields: compare by name, so one missing field does not shift the rest.
      const mine = new Map(ours.map((item, i) => [label(item, i), item]));
      const their = new Map(theirs.map((item, i) => [label(item, i), item]));
      for (const name of new Set([...mine.keys(), ...their.keys()])) diff(`${path}[${name}]`, mine.get(name), their.get(name), out);
      diff(`${path} order`, ours.map(label), theirs.map(label), out);
      return;
    }
    if (ours.length === theirs.length) {
      ours.forEach((item, i) => diff(`${path}[${label(item, i)}]`, item, theirs[i], out));
      return;
    }
  }
  if (isObject(ours) && isObject(theirs) && !Array.isArray(ours) && !Array.isArray(theirs)) {
    for (const key of new Set([...Object.keys(ours), ...Object.keys(theirs)])) diff(`${path}.${key}`, ours[key], theirs[key], out);
    return;
  }
  out.push(`${path}: binlogd ${short(ours)}, Debezium ${short(theirs)}`);
}

function label(item: unknown, i: number): string {
  const named = item as { name?: unknown; field?: unknown } | null;
  return typeof named?.name === 'string' ? named.name : typeof named?.field === 'string' ? named.field : String(i);
}

function short(value: unknown): string {
  const text = JSON.stringify(value) ?? 'undefined';
  return text.length > 160 ? `${text.slice(0, 160)}…` : text;
}

/**
 * The records of a shared topic that `mine` selects, once `count` of them arrived or 15 s passed
 * (they precede the table's last records, which were read already).
 */
async function readMatching(topic: string, mine: (r: DecodedRecord) => boolean, count: number): Promise<DecodedRecord[]> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const records = (await readAvroTopic(topic, count === 0 ? 0 : 1, 30_000)).filter((r) => r.value !== null && mine(r));
    if (records.length >= count || Date.now() > deadline) return records;
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}

async function topicsNamed(names: string[]): Promise<string[]> {
  const kafka = new Kafka({ brokers: loadStackEnv().kafkaBrokers, clientId: uniqueName('osc-topics'), logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    return names.filter((n) => existing.has(n));
  } finally {
    await admin.disconnect();
  }
}



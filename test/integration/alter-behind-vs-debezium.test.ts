// Reading behind nine ALTER TABLE steps, against Debezium itself: binlogd and the oracle capture one
// table, are both stopped at the same point, the steps run with rows written between them, and both
// restart and read it all behind. Every record is compared field by field: op, key, before, after,
// source, headers, key and value schemas, and the schema change records. A second run SIGKILLs
// binlogd in the middle of reading the sequence: every record once (exactly-once), equal to Debezium's.
//
// Two kinds of expectation, kept apart so that neither is skipped:
// - STRUCTURE: what a row's TABLE_MAP event carries (names, types, optionality, keys) and the
//   values; it must hold with binlogd's TABLE_MAP description alone.
// - HISTORY: what only the table's definition as of that point knows (defaults, comments as the
//   schemas' docs) and the schema change records (the table after each statement). Those need the
//   schema history; with definitions read as the table is now they fail for older rows whose
//   columns changed since.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isDeepStrictEqual } from 'node:util';
import { Kafka, logLevel } from 'kafkajs';
import { captureWithDebezium, connectorState, connectRest, type DebeziumRecord } from '../oracle/debezium.js';
import { waitFor } from '../support/wait.js';
import { connectAsRoot } from '../support/mariadb.js';
import { loadStackEnv, uniqueName } from '../support/stack-env.js';
import { startBinlogd, type BinlogdProcess } from '../support/binlogd-process.js';
import { asJsonPayload, readAvroTopic, registeredSchema, type DecodedRecord } from '../support/avro-topic.js';
import { avroFor } from '../support/debezium-compare.js';

const DB = 'binlogd_test';

type Db = Awaited<ReturnType<typeof connectAsRoot>>;

// Declared as SHOW CREATE TABLE prints it (`int(11)`): how Debezium reads a table it did not see created.
const CREATE = (t: string) => `CREATE TABLE ${t} (id int(11) NOT NULL, a int(11) NOT NULL, b varchar(10) DEFAULT NULL,
  c int(11) DEFAULT NULL, d int(11) DEFAULT NULL, e enum('x','y') DEFAULT 'x', f int(11) NOT NULL DEFAULT 7 COMMENT 'the f',
  g varchar(5) DEFAULT 'gee', PRIMARY KEY (id)) COMMENT='read behind'`;

/** Rows read by both before they stop. */
const BEFORE_STOP = (t: string) => [
  `INSERT INTO ${t} (id, a, b, c, d, e, g) VALUES (1, 1, 'b1', 1, 1, 'x', 'g1'), (2, 2, NULL, 2, 2, 'y', NULL), (3, 3, 'b3', 3, 3, 'x', 'g3')`,
];

/** Written while both are stopped: rows, then each ALTER TABLE step followed by rows. */
const STEPS = (t: string): Array<{ ddl?: string; rows: string[] }> => [
  { rows: [
    `INSERT INTO ${t} (id, a, b, c, d, e, g) VALUES (4, 4, NULL, 4, 4, 'y', 'g4')`,
    `UPDATE ${t} SET d = d * 10 WHERE id = 1`,
    // Under PRIMARY KEY (id): an update, not a key change.
    `UPDATE ${t} SET a = a + 10 WHERE id = 2`,
    `DELETE FROM ${t} WHERE id = 3`,
  ] },
  { ddl: `ALTER TABLE ${t} MODIFY d varchar(20) DEFAULT NULL`, rows: [
    `INSERT INTO ${t} (id, a, b, c, d, g) VALUES (5, 5, 'b5', 5, 'five', 'g5')`,
    `UPDATE ${t} SET d = 'one' WHERE id = 1`,
  ] },
  { ddl: `ALTER TABLE ${t} DROP PRIMARY KEY, ADD PRIMARY KEY (id, a)`, rows: [
    // Under PRIMARY KEY (id, a): a key change (delete, tombstone, create).
    `UPDATE ${t} SET a = a + 10 WHERE id = 1`,
    `INSERT INTO ${t} (id, a, d, e) VALUES (6, 6, 'six', 'y')`,
  ] },
  { ddl: `ALTER TABLE ${t} MODIFY c bigint(20) DEFAULT NULL`, rows: [
    `INSERT INTO ${t} (id, a, b, c, d) VALUES (7, 7, 'b7', 7000000000, 'seven')`,
    `UPDATE ${t} SET c = c + 1 WHERE id = 4`,
    `UPDATE ${t} SET b = 'nob' WHERE b IS NULL`,
  ] },
  { ddl: `ALTER TABLE ${t} MODIFY b varchar(10) NOT NULL DEFAULT 'bee'`, rows: [
    `INSERT INTO ${t} (id, a, c, d) VALUES (8, 8, 8, 'eight')`,
    `UPDATE ${t} SET b = 'b4' WHERE id = 4`,
  ] },
  { ddl: `ALTER TABLE ${t} ADD COLUMN h int(11) DEFAULT 5 COMMENT 'the h'`, rows: [
    `INSERT INTO ${t} (id, a, b, d) VALUES (9, 9, 'b9', 'nine')`,
    `UPDATE ${t} SET h = 50 WHERE id = 5`,
  ] },
  { ddl: `ALTER TABLE ${t} ALTER COLUMN h SET DEFAULT 6`, rows: [
    `INSERT INTO ${t} (id, a) VALUES (10, 10)`,
    `UPDATE ${t} SET h = 60 WHERE id = 9`,
  ] },
  { ddl: `ALTER TABLE ${t} RENAME COLUMN g TO g2`, rows: [
    `INSERT INTO ${t} (id, a, g2) VALUES (11, 11, 'g11')`,
    `UPDATE ${t} SET g2 = 'g1b' WHERE id = 1`,
  ] },
  { ddl: `ALTER TABLE ${t} DROP COLUMN f`, rows: [
    `INSERT INTO ${t} (id, a) VALUES (12, 12)`,
    `DELETE FROM ${t} WHERE id = 4`,
  ] },
  { ddl: `ALTER TABLE ${t} MODIFY e enum('x','y','z') DEFAULT 'x'`, rows: [
    `INSERT INTO ${t} (id, a, e) VALUES (13, 13, 'z')`,
    `UPDATE ${t} SET e = 'z' WHERE id = 5`,
  ] },
];

/** Records the rows of STEPS up to and including step `last` make (a key change: 3, a delete: 2). */
const RECORDS_THROUGH_STEP = [5, 2, 4, 5, 2, 2, 2, 2, 3, 2];

interface Findings {
  /** Must be empty with the TABLE_MAP description alone. */
  structure: string[];
  /** Need the table's definition as of each point (the schema history). */
  history: string[];
}

for (const crash of [false, true]) {
  test(crash ? 'nine ALTER TABLE steps read behind, binlogd SIGKILLed in the middle: every record once, equal to Debezium\'s'
    : 'nine ALTER TABLE steps read behind: every record equals Debezium\'s', { timeout: 420_000 }, async (t) => {
    const findings = await readBehind(crash);
    await t.test('structure: op, key, before, after, source, headers, schema types and optionality', () => {
      assert.deepEqual(findings.structure, []);
    });
    // Depends on the schema history (defaults, docs, schema change records as of each point).
    await t.test('history: schema defaults and docs, schema change records', () => {
      assert.deepEqual(findings.history, []);
    });
  });
}

async function readBehind(crash: boolean): Promise<Findings> {
  const db = await connectAsRoot();
  const table = `${DB}.${uniqueName('behind')}`;
  const prefix = uniqueName('bd');
  await db.query(`CREATE DATABASE IF NOT EXISTS ${DB}`);
  await db.query(CREATE(table));
  const shared = { 'include.schema.changes': 'true' };
  const binlogdConfig = { ...shared, 'snapshot.mode': 'no_data', 'table.include.list': table.replace('.', '\\.'), 'topic.prefix': prefix };
  let binlogd: BinlogdProcess | undefined = await startBinlogd({ name: prefix, config: binlogdConfig });
  const findings: Findings = { structure: [], history: [] };
  try {
    const capture = await captureWithDebezium({
      tables: [table],
      config: shared,
      topics: (p) => [p],
      timeoutMs: 300_000,
      write: async ({ records, connector }) => {
        for (const statement of BEFORE_STOP(table)) await db.query(statement);
        await waitFor(() => records.filter((r) => r.topic.endsWith(`.${table}`)).length >= 3, 'Debezium reads the rows before the stop');
        await readAvroTopic(`${prefix}.${table}`, 3);
        // `MODIFY d INT -> VARCHAR` is no BACKWARD-compatible Avro change: with the AvroConverter, Debezium
        // needs the same compatibility setting for the subjects.
        for (const subject of ['key', 'value']) await allowAnyChange(`${prefix}.${table}-${subject}`);
        // Both stop at the same point: after the rows above.
        assert.equal(await binlogd!.stop(), 0, 'binlogd exits 0 on SIGTERM');
        binlogd = undefined;
        await connectRest('PUT', `/connectors/${connector}/stop`);
        await waitFor(async () => (await connectorState(connector)) === 'STOPPED', 'Debezium stops');

        for (const step of STEPS(table)) {
          if (step.ddl) await db.query(step.ddl);
          for (const statement of step.rows) await db.query(statement);
        }

        binlogd = await startBinlogd({ name: prefix, config: binlogdConfig });
        if (crash) {
          // SIGKILL once the records of the 4th ALTER's rows are in Kafka, then start again.
          const through = 3 + RECORDS_THROUGH_STEP.slice(0, 5).reduce((a, b) => a + b, 0);
          await waitForCount(`${prefix}.${table}`, through);
          binlogd.child.kill('SIGKILL');
          await binlogd.exited;
          binlogd = await startBinlogd({ name: prefix, config: binlogdConfig });
        }
        await connectRest('PUT', `/connectors/${connector}/resume`);
      },
    });
    const theirs = capture.records.map((r) => renamed(r, capture.topicPrefix, prefix));
    const expected = theirs.filter((r) => r.topic === `${prefix}.${table}`);
    assert.equal(expected.length, 3 + RECORDS_THROUGH_STEP.reduce((a, b) => a + b, 0), 'Debezium\'s records of the table');
    const actual = await readAvroTopic(`${prefix}.${table}`, expected.length, 60_000);
    if (actual.length !== expected.length) findings.structure.push(`binlogd wrote ${actual.length} records, Debezium ${expected.length}`);
    for (let i = 0; i < Math.min(actual.length, expected.length); i++) await compareRecord(`record ${i}`, actual[i]!, expected[i]!, findings);

    // Schema change records of this table's statements (after Debezium's snapshot of the schema).
    const name = table.split('.')[1]!;
    const expectedChanges = theirs.filter((r) => r.topic === prefix && r.value?.payload.source.snapshot === 'false' && String(r.value.payload.ddl).includes(name));
    const actualChanges = (await readAvroTopic(prefix, expectedChanges.length, 30_000))
      .filter((r) => r.value !== null && String((r.value as { ddl?: string }).ddl).includes(name));
    assert.equal(expectedChanges.length, STEPS(table).filter((s) => s.ddl).length, 'Debezium\'s schema change records');
    if (actualChanges.length !== expectedChanges.length) findings.history.push(`binlogd wrote ${actualChanges.length} schema changes, Debezium ${expectedChanges.length}`);
    for (let i = 0; i < Math.min(actualChanges.length, expectedChanges.length); i++) {
      const where = `schema change ${i} (${expectedChanges[i]!.value!.payload.ddl})`;
      const normalize = (v: Record<string, any>) => ({ ...v, ts_ms: 0, source: { ...v['source'], version: '' } });
      differ(findings.history, `${where}: value`, normalize(asJsonPayload(actualChanges[i]!.value) as Record<string, any>), normalize(expectedChanges[i]!.value!.payload));
      differ(findings.history, `${where}: key`, asJsonPayload(actualChanges[i]!.key), expectedChanges[i]!.key?.payload ?? null);
    }
    return findings;
  } finally {
    const code = await binlogd?.stop();
    if (code !== undefined && code !== 0) console.error(JSON.stringify(binlogd?.logs.slice(-8), null, 1), binlogd?.stderr.join(''));
    const warnings = binlogd?.logs.filter((l) => Number(l['level']) >= 40).map((l) => JSON.stringify(l)) ?? [];
    if (warnings.length > 0) console.error(`binlogd warned:\n${warnings.join('\n')}`);
    await db.query(`DROP TABLE IF EXISTS ${table}`);
    await db.end();
  }
}

const schemaCache = new Map<number, unknown>();

async function schemaOf(id: number): Promise<unknown> {
  if (!schemaCache.has(id)) schemaCache.set(id, JSON.parse(await registeredSchema(id)));
  return schemaCache.get(id);
}

async function compareRecord(label: string, ours: DecodedRecord, theirs: DebeziumRecord, findings: Findings): Promise<void> {
  const where = `${label} (${JSON.stringify(theirs.key?.payload ?? null)} ${theirs.value?.payload.op ?? 'tombstone'})`;
  differ(findings.structure, `${where}: key`, asJsonPayload(ours.key), theirs.key?.payload ?? null);
  const headers = (h: Record<string, string>) => Object.fromEntries(Object.entries(h).filter(([k]) => k !== '__debezium.context.runId'));
  differ(findings.structure, `${where}: headers`, headers(ours.headers), headers(theirs.headers));
  if (theirs.key) await compareSchemas(findings, `${where}: key schema`, await schemaOf(ours.keySchemaId!), avroFor(theirs.key.schema));
  if (!theirs.value) {
    differ(findings.structure, `${where}: tombstone`, ours.value, null);
    return;
  }
  if (!ours.value) {
    findings.structure.push(`${where}: binlogd wrote a tombstone`);
    return;
  }
  const mine = asJsonPayload(ours.value) as Record<string, any>;
  const their = theirs.value.payload as Record<string, any>;
  for (const field of ['op', 'transaction']) differ(findings.structure, `${where}: ${field}`, mine[field], their[field]);
  for (const side of ['before', 'after']) compareRow(findings, `${where}: ${side}`, mine[side], their[side], rowDefaults(theirs.value.schema));
  const source = (s: Record<string, unknown>) => ({ ...s, ts_ms: 0, ts_us: 0, ts_ns: 0, version: '' });
  differ(findings.structure, `${where}: source`, source(mine['source']), source(their['source']));
  await compareSchemas(findings, `${where}: value schema`, await schemaOf(ours.valueSchemaId!), avroFor(theirs.value.schema));
}

/** Types, names and optionality must match from the TABLE_MAP alone; defaults and docs need the history. */
async function compareSchemas(findings: Findings, where: string, ours: unknown, theirs: unknown): Promise<void> {
  if (isDeepStrictEqual(ours, theirs)) return;
  const structural = differ(findings.structure, `${where} (without defaults and docs)`, withoutAnnotations(ours), withoutAnnotations(theirs));
  if (structural) return;
  const mine = new Map(rowFields(ours).map((f) => [f.name, f]));
  const differing = rowFields(theirs).filter((f) => !isDeepStrictEqual(mine.get(f.name), f))
    .map((f) => `${f.name}: binlogd ${JSON.stringify(mine.get(f.name))}, Debezium ${JSON.stringify(f)}`);
  findings.history.push(`${where}: defaults or docs differ: ${differing.length > 0 ? differing.join('; ') : `binlogd ${JSON.stringify(ours)}, Debezium ${JSON.stringify(theirs)}`}`);
}

/** The row struct's fields of an Avro envelope (`before`) or key schema. */
function rowFields(schema: unknown): Array<{ name: string }> {
  const record = schema as { name?: string; fields?: Array<{ name: string; type: unknown }> };
  if (record.name !== 'Envelope') return record.fields ?? [];
  const before = record.fields?.find((f) => f.name === 'before')?.type;
  return (Array.isArray(before) ? before.find((t) => typeof t === 'object') as { fields?: Array<{ name: string }> } : undefined)?.fields ?? [];
}

/** The defaults of the row struct's fields in a Debezium (JsonConverter) envelope schema. */
function rowDefaults(envelope: unknown): Map<string, unknown> {
  const fields = (envelope as { fields: Array<{ field: string; fields?: Array<{ field: string; default?: unknown }> }> }).fields;
  return new Map((fields.find((f) => f.field === 'before')?.fields ?? []).filter((f) => 'default' in f).map((f) => [f.field, f.default]));
}

/**
 * Column by column. Connect's JsonConverter writes a NULL as the field's default (and binlogd
 * too): where binlogd has NULL and Debezium the default, binlogd's schema lacked that default.
 */
function compareRow(findings: Findings, where: string, ours: Record<string, unknown> | null, theirs: Record<string, unknown> | null,
  defaults: Map<string, unknown>): void {
  if (ours === null || theirs === null || !isDeepStrictEqual(Object.keys(ours), Object.keys(theirs))) {
    differ(findings.structure, where, ours, theirs);
    return;
  }
  for (const [column, value] of Object.entries(theirs)) {
    if (isDeepStrictEqual(ours[column], value)) continue;
    const defaulted = ours[column] === null && defaults.has(column) && isDeepStrictEqual(defaults.get(column), value);
    (defaulted ? findings.history : findings.structure)
      .push(`${where}.${column}: binlogd ${JSON.stringify(ours[column])}, Debezium ${JSON.stringify(value)}${defaulted ? ' (its default)' : ''}`);
  }
}

/** An Avro schema without what comes from the table definition rather than the TABLE_MAP. */
function withoutAnnotations(schema: unknown): unknown {
  // A field with a default puts its type before "null" in the union, and a primitive type with a
  // default is an object ({"type": "int", "connect.default": 7}).
  if (Array.isArray(schema)) return schema.map(withoutAnnotations).sort((a, b) => Number(b === 'null') - Number(a === 'null'));
  if (schema === null || typeof schema !== 'object') return schema;
  const kept = Object.entries(schema as Record<string, unknown>)
    .filter(([k]) => !['default', 'doc', 'connect.default', 'connect.doc'].includes(k))
    .map(([k, v]) => [k, withoutAnnotations(v)] as const);
  return kept.length === 1 && kept[0]![0] === 'type' && typeof kept[0]![1] === 'string' ? kept[0]![1] : Object.fromEntries(kept);
}

/** Records a difference; true when there was one. */
function differ(into: string[], where: string, ours: unknown, theirs: unknown): boolean {
  if (isDeepStrictEqual(ours, theirs)) return false;
  into.push(`${where}: binlogd ${JSON.stringify(ours)}, Debezium ${JSON.stringify(theirs)}`);
  return true;
}

function renamed(record: DebeziumRecord, from: string, to: string): DebeziumRecord {
  return JSON.parse(JSON.stringify(record).replaceAll(from, to)) as DebeziumRecord;
}

/** Waits until the topic holds `count` committed records (a read_committed consumer's view). */
async function waitForCount(topic: string, count: number): Promise<void> {
  const env = loadStackEnv();
  const kafka = new Kafka({ brokers: env.kafkaBrokers, clientId: uniqueName('counter'), logLevel: logLevel.NOTHING });
  const consumer = kafka.consumer({ groupId: uniqueName('counter') });
  let seen = 0;
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({ eachMessage: async () => { seen += 1; } });
    await waitFor(() => seen >= count, `${count} records in ${topic}`);
  } finally {
    await consumer.disconnect();
  }
}

async function allowAnyChange(subject: string): Promise<void> {
  // Apicurio's Confluent API maps compatibility NONE to "no subject rule", which falls back to the
  // stack's global BACKWARD rule; its own API sets a subject rule of NONE.
  const native = loadStackEnv().schemaRegistryUrl.replace(/\/apis\/ccompat\/v7$/, '/apis/registry/v3');
  const response = await fetch(`${native}/groups/default/artifacts/${encodeURIComponent(subject)}/rules`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ ruleType: 'COMPATIBILITY', config: 'NONE' }),
  });
  assert.ok(response.ok, `registry: compatibility NONE for ${subject}: ${response.status} ${await response.text()}`);
}


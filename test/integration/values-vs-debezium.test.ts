// FLOAT and DOUBLE values, and NULLs in columns that have a DEFAULT, against Debezium 3.5 reading the
// same rows, snapshot and streaming, with Connect's null handling both ways:
// - JsonConverter, byte for byte (Java 17's Float/Double.toString, null or the default as
//   replace.null.with.default says, source.snapshot null on streamed rows when it is false);
// - AvroConverter, by value (ignore.default.for.nullables=false reads like replace.null.with.default=true).
// One difference is Debezium's, not ours: its snapshot reads a FLOAT as SELECT prints it (6 digits),
// where its streaming has the stored float32; binlogd gives the stored float32 both ways, so a
// snapshot row's FLOAT is compared with Debezium's record of the same values streamed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { captureWithDebezium, type DebeziumRecord } from '../oracle/debezium.js';
import { connectAsRoot } from '../support/mariadb.js';
import { uniqueName } from '../support/stack-env.js';
import { startBinlogd, type BinlogdProcess } from '../support/binlogd-process.js';
import { readRawTopic } from '../support/raw-topic.js';
import { asJsonPayload, readAvroTopic } from '../support/avro-topic.js';
import { prng } from '../support/change-workload.js';

const DB = 'binlogd_test';
const JSON_CONVERTER = 'org.apache.kafka.connect.json.JsonConverter';
const ROWS = 40;
/** Streamed twins of the snapshot rows: the same values, the id moved by this much. */
const TWIN = 1000;
const FLOAT_COLUMNS = ['f', 'fd'];

// Declared as SHOW CREATE TABLE prints it, so that Debezium's DDL parser and binlogd describe it alike.
const createTable = (qualified: string) => `CREATE TABLE ${qualified} (id int(11) NOT NULL, d double DEFAULT NULL, f float DEFAULT NULL, ` +
  `fmd float(10,4) DEFAULT NULL, fd float DEFAULT 1.5, dd double DEFAULT 2.5, s varchar(10) DEFAULT 'x', n int(11) DEFAULT 7, PRIMARY KEY (id))`;

function rowValues(): string[] {
  const random = prng(0xf10a7);
  const magnitude = (): number => 10 ** Math.floor(random() * 50 - 25);
  // Values whose Java text differs from JavaScript's shortest one, then random ones.
  const edges = ['1.17549435e-38', '-1.17549435e-38', '3.4028234e38', '16777217', '1e10', '0.001', '1e-4', '9999999'];
  return Array.from({ length: ROWS }, (_, i) => {
    const d = i < edges.length ? edges[i]! : String((random() < 0.25 ? -1 : 1) * random() * magnitude());
    const f = i < edges.length ? edges[i]! : String(Math.fround((random() - 0.5) * magnitude()));
    const fmd = ((random() - 0.5) * 1e5).toFixed(4);
    // Every third row leaves the columns with defaults NULL.
    const rest = i % 3 === 0 ? 'NULL, NULL, NULL, NULL' : `${String(Math.fround(random() * 100))}, ${String(random())}, 'v${i}', ${i}`;
    return `${d}, ${f}, ${fmd}, ${rest}`;
  });
}

interface Run { label: string; table: string; prefix: string; config: Record<string, string>; process?: BinlogdProcess }

/** `{"col":value,…}` of a raw JSON payload's before or after, split by column (the values hold no commas or braces). */
function rawColumns(text: string | null): Map<string, string> | null {
  if (text === null || text === 'null') return null;
  return new Map(text.slice(1, -1).split(',').map((pair) => {
    const colon = pair.indexOf(':');
    return [JSON.parse(pair.slice(0, colon)) as string, pair.slice(colon + 1)];
  }));
}

interface RawParts { schema: string; before: string | null; after: string | null; snapshot: string; op: string }

function rawParts(value: string, theirPrefix?: string): RawParts {
  const text = (theirPrefix ? value.replaceAll(theirPrefix, '<prefix>') : value);
  const match = (re: RegExp): string => {
    const m = re.exec(text);
    assert.ok(m, `${re} in ${text.slice(0, 300)}`);
    return m[1]!;
  };
  return {
    schema: match(/^\{"schema":(.*),"payload":\{"before"/),
    before: match(/"payload":\{"before":(null|\{[^}]*\}),"after"/),
    after: match(/,"after":(null|\{[^}]*\}),"source"/),
    snapshot: match(/"source":\{[^}]*"snapshot":(null|"[^"]*")/),
    op: match(/"op":"(.)"/),
  };
}

function keyId(key: string | null): number {
  return Number(/"id":(\d+)/.exec(key ?? '')?.[1]);
}

test('FLOAT, DOUBLE and NULLs with a DEFAULT: JsonConverter bytes and Avro values equal Debezium 3.5\'s, replace.null.with.default true and false', { timeout: 600_000 }, async () => {
  const db = await connectAsRoot();
  await db.query(`CREATE DATABASE IF NOT EXISTS ${DB}`);
  const values = rowValues();
  const tables = { replaced: uniqueName('vals_rd'), kept: uniqueName('vals_nd') };
  for (const table of Object.values(tables)) {
    await db.query(createTable(`${DB}.${table}`));
    await db.query(`INSERT INTO ${DB}.${table} VALUES ${values.map((v, i) => `(${i + 1}, ${v})`).join(', ')}`);
  }
  const runs: Run[] = [
    { label: 'JSON, replace.null.with.default=true', table: tables.replaced, prefix: uniqueName('vj1'), config: { 'key.converter': JSON_CONVERTER, 'value.converter': JSON_CONVERTER } },
    { label: 'Avro', table: tables.replaced, prefix: uniqueName('va1'), config: {} },
    { label: 'JSON, replace.null.with.default=false', table: tables.kept, prefix: uniqueName('vj0'), config: { 'key.converter': JSON_CONVERTER, 'value.converter': JSON_CONVERTER, 'value.converter.replace.null.with.default': 'false' } },
    { label: 'Avro, ignore.default.for.nullables=true', table: tables.kept, prefix: uniqueName('va0'), config: { 'value.converter.ignore.default.for.nullables': 'true' } },
  ];
  try {
    for (const run of runs) {
      run.process = await startBinlogd({
        name: run.prefix, timeoutMs: 120_000,
        config: { ...run.config, 'topic.prefix': run.prefix, 'snapshot.mode': 'initial', 'table.include.list': `${DB}\\.${run.table}` },
      });
    }
    const write = (table: string) => async () => {
      await db.query(`INSERT INTO ${DB}.${table} VALUES ${values.map((v, i) => `(${TWIN + i + 1}, ${v})`).join(', ')}`);
      await db.query(`UPDATE ${DB}.${table} SET d = 0.5 WHERE id = ${TWIN + 1}`);
      await db.query(`DELETE FROM ${DB}.${table} WHERE id = ${TWIN + 4}`);
    };
    const expectedCount = 2 * ROWS + 3;
    const debezium = async (table: string, replace: boolean): Promise<{ prefix: string; records: DebeziumRecord[] }> => {
      const capture = await captureWithDebezium({
        tables: [`${DB}.${table}`], snapshot: true, timeoutMs: 180_000, write: write(table),
        config: { 'key.converter': JSON_CONVERTER, 'value.converter': JSON_CONVERTER, 'value.converter.replace.null.with.default': String(replace) },
      });
      const records = capture.records.filter((r) => r.topic === `${capture.topicPrefix}.${DB}.${table}`);
      assert.equal(records.length, expectedCount, `Debezium: ${expectedCount} records of ${table}`);
      return { prefix: capture.topicPrefix, records };
    };
    const theirs = { [tables.replaced]: await debezium(tables.replaced, true), [tables.kept]: await debezium(tables.kept, false) };

    const differences: string[] = [];
    for (const run of runs) {
      const expected = theirs[run.table]!;
      const byKey = new Map(expected.records.filter((r) => r.rawValue !== null).map((r) => [`${r.value!.payload.op}/${keyId(r.rawKey)}`, r]));
      const topic = `${run.prefix}.${DB}.${run.table}`;
      const twinOf = (id: number) => byKey.get(`c/${id + TWIN}`)!;
      if (run.label.startsWith('JSON')) {
        const ours = (await readRawTopic(topic, expectedCount, 120_000)).filter((r) => r.value !== null);
        assert.equal(ours.length, expectedCount - 1, `${run.label}: records`);
        for (const record of ours) {
          const key = record.key!.toString();
          const mine = rawParts(record.value!.toString().replaceAll(run.prefix, '<prefix>'));
          const their = byKey.get(`${mine.op}/${keyId(key)}`);
          assert.ok(their, `${run.label}: Debezium has ${mine.op} ${key}`);
          const parts = rawParts(their.rawValue!, expected.prefix);
          const where = `${run.label} ${mine.op} ${keyId(key)}`;
          assert.equal(key.replaceAll(run.prefix, '<prefix>'), their.rawKey!.replaceAll(expected.prefix, '<prefix>'), `${where}: key bytes`);
          assert.equal(mine.schema, parts.schema, `${where}: value schema bytes`);
          if (mine.snapshot !== parts.snapshot) differences.push(`${where}: source.snapshot ${mine.snapshot}, Debezium ${parts.snapshot}`);
          if (mine.before !== parts.before) differences.push(`${where}: before ${mine.before}, Debezium ${parts.before}`);
          if (mine.op !== 'r') {
            if (mine.after !== parts.after) differences.push(`${where}: after ${mine.after}, Debezium ${parts.after}`);
            continue;
          }
          const twin = rawColumns(rawParts(twinOf(keyId(key)).rawValue!, expected.prefix).after)!;
          const snapshot = rawColumns(parts.after)!;
          for (const [column, text] of rawColumns(mine.after)!) {
            const want = FLOAT_COLUMNS.includes(column) ? twin.get(column) : snapshot.get(column);
            if (text !== want) differences.push(`${where}: after.${column} ${text}, Debezium ${want}`);
          }
        }
      } else {
        const ours = (await readAvroTopic(topic, expectedCount, 120_000)).filter((r) => r.value !== null);
        assert.equal(ours.length, expectedCount - 1, `${run.label}: records`);
        for (const record of ours) {
          const mine = asJsonPayload(record.value) as Record<string, any>;
          const id = (asJsonPayload(record.key) as { id: number }).id;
          const their = byKey.get(`${mine['op']}/${id}`);
          assert.ok(their, `${run.label}: Debezium has ${mine['op']} ${id}`);
          const payload = their.value!.payload as Record<string, any>;
          const where = `${run.label} ${mine['op']} ${id}`;
          if (mine['source']['snapshot'] !== payload['source']['snapshot']) differences.push(`${where}: source.snapshot ${mine['source']['snapshot']}, Debezium ${payload['source']['snapshot']}`);
          for (const side of ['before', 'after'] as const) {
            if (payload[side] === null) { assert.equal(mine[side], null, `${where}: ${side}`); continue; }
            for (const [column, value] of Object.entries(payload[side] as Record<string, unknown>)) {
              const want = mine['op'] === 'r' && FLOAT_COLUMNS.includes(column) ? twinOf(id).value!.payload['after'][column] : value;
              const got = mine[side][column];
              const same = typeof got === 'number' && typeof want === 'number' ? Math.fround(got) === Math.fround(want) && (FLOAT_COLUMNS.includes(column) || got === want) : got === want;
              if (!same) differences.push(`${where}: ${side}.${column} ${JSON.stringify(got)}, Debezium ${JSON.stringify(want)}`);
            }
          }
        }
      }
    }
    // Counted by run, op and field first: the full list is long and the assertion output cuts it.
    const counts = new Map<string, number>();
    for (const d of differences) {
      const kind = d.replace(/ \d+: ([a-z.]+).*/, ': $1');
      counts.set(kind, (counts.get(kind) ?? 0) + 1);
    }
    assert.deepEqual(differences, [], `values that differ from Debezium's: ${JSON.stringify(Object.fromEntries(counts))}`);
  } finally {
    for (const run of runs) if (run.process) assert.equal(await run.process.stop(), 0, `${run.label}: binlogd exits 0`);
    await db.query(`DROP TABLE IF EXISTS ${Object.values(tables).map((t) => `${DB}.${t}`).join(', ')}`);
    await db.end();
  }
});

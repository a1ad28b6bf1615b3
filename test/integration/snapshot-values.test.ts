// The same rows read two ways must give identical records apart from op and source: tables filled
// before binlogd starts are read by the snapshot (SELECT), their twins filled after by streaming
// (the binlog). Every column type with edge values, every kind of default, through Avro.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isDeepStrictEqual } from 'node:util';
import { connectAsRoot } from '../support/mariadb.js';
import { uniqueName } from '../support/stack-env.js';
import { startBinlogd } from '../support/binlogd-process.js';
import { asJsonPayload, readAvroTopic, registeredSchema, type DecodedRecord } from '../support/avro-topic.js';
import { DB, defaultsRows, defaultsTable as fullDefaultsTable, typesRows, typesTable } from '../support/column-types.js';
import { prng } from '../support/change-workload.js';

// Left out, whichever path reads the table: Apicurio cannot tell the type of an Avro schema holding
// the JSON column default '{}' (422, "Failed to discover artifact type from content"), and the test
// reader's decoder fails on the long default 18446744073709551615 ("Do not know how to serialize a BigInt").
const defaultsTable = (t: string, outOfDay: boolean) => fullDefaultsTable(t, outOfDay)
  .replace("j JSON NOT NULL DEFAULT '{}', ", '').replace('biu BIGINT UNSIGNED NOT NULL DEFAULT 18446744073709551615,', '');

// Random DOUBLE and FLOAT values from a seeded generator: mysql2's own text-to-number parsing was off
// in the last digit for about 2% of such doubles, and SELECT prints a FLOAT to 6 digits.
const FLOAT_ROWS = 300;
const floatsTable = (t: string) => `CREATE TABLE ${DB}.${t} (id INT PRIMARY KEY, d DOUBLE, f FLOAT, fmd FLOAT(12,4), dmd DOUBLE(20,6))`;

function floatsRows(t: string): string[] {
  const random = prng(0x5eed);
  const magnitude = (): number => random() < 0.8 ? 10 ** Math.floor(random() * 13) : 10 ** Math.floor(random() * 70 - 35);
  const values: string[] = [];
  for (let id = 1; id <= FLOAT_ROWS; id++) {
    // Mostly positive: a 16-digit text without a sign is where mysql2's digit loop goes wrong.
    const d = (random() < 0.25 ? -1 : 1) * random() * magnitude();
    const f = Math.fround((random() - 0.5) * magnitude());
    const md = ((random() - 0.5) * 1e7).toFixed(4);
    values.push(`(${id}, ${String(d)}, ${String(f)}, ${md}, ${((random() - 0.5) * 1e12).toFixed(6)})`);
  }
  return [`INSERT INTO ${DB}.${t} VALUES ${values.join(', ')}`];
}

const RUNS: Array<{ label: string; config: Record<string, string> }> = [
  { label: 'the default modes', config: {} },
  {
    label: 'isostring, decimal string, precise unsigned, hex binary',
    config: { 'time.precision.mode': 'isostring', 'decimal.handling.mode': 'string', 'bigint.unsigned.handling.mode': 'precise', 'binary.handling.mode': 'hex' },
  },
];

for (const run of RUNS) {
  test(`a snapshot row and the same row from the binlog give the same record (${run.label})`, { timeout: 240_000 }, async () => {
    const db = await connectAsRoot();
    const prefix = uniqueName('snapval');
    const names = { types: uniqueName('sv_types'), defaults: uniqueName('sv_defaults'), floats: uniqueName('sv_floats') };
    const twins = { types: `${names.types}_b`, defaults: `${names.defaults}_b`, floats: `${names.floats}_b` };
    const outOfDay = run.config['time.precision.mode'] !== 'isostring';
    const all = [names.types, names.defaults, names.floats, twins.types, twins.defaults, twins.floats];
    await db.query(`CREATE DATABASE IF NOT EXISTS ${DB}`);
    await db.query(typesTable(names.types));
    await db.query(typesTable(twins.types));
    await db.query(defaultsTable(names.defaults, outOfDay));
    await db.query(defaultsTable(twins.defaults, outOfDay));
    await db.query(floatsTable(names.floats));
    await db.query(floatsTable(twins.floats));
    for (const sql of [...typesRows(names.types), ...defaultsRows(names.defaults), ...floatsRows(names.floats)]) await db.query(sql);
    // DATETIME DEFAULT CURRENT_TIMESTAMP and TIMESTAMP columns differ between the twins by the
    // time of the insert: give both tables the same values.
    const binlogd = await startBinlogd({
      name: prefix,
      config: { ...run.config, 'topic.prefix': prefix, 'snapshot.mode': 'initial', 'table.include.list': all.map((t) => `${DB}\\.${t}`).join(',') },
      timeoutMs: 120_000,
    });
    try {
      for (const sql of [...typesRows(twins.types), ...defaultsRows(twins.defaults), ...floatsRows(twins.floats)]) await db.query(sql);
      await db.query(`UPDATE ${DB}.${twins.defaults} b JOIN ${DB}.${names.defaults} a USING (id) SET b.dtmct = a.dtmct, b.dtmctn = a.dtmctn, b.ts = a.ts, b.ts6 = a.ts6, b.tsn = a.tsn`);
      const differences: string[] = [];
      for (const kind of ['types', 'defaults', 'floats'] as const) {
        if (process.env['I5_DEBUG']) console.error(`reading ${kind}`);
        const [rows] = await db.query(`SELECT COUNT(*) AS n FROM ${DB}.${names[kind]}`) as unknown as [Array<{ n: number }>];
        const snapshot = await readAvroTopic(`${prefix}.${DB}.${names[kind]}`, Number(rows[0]!.n), 60_000);
        const streamed = await readAvroTopic(`${prefix}.${DB}.${twins[kind]}`, { types: 8, defaults: 4, floats: FLOAT_ROWS }[kind], 60_000);
        assert.equal(snapshot.length, Number(rows[0]!.n), `${kind}: one snapshot record per row`);
        const finalState = new Map<string, DecodedRecord>();
        for (const r of streamed) if (r.value !== null) finalState.set(JSON.stringify(asJsonPayload(r.key)), r);
        for (const record of snapshot) {
          const key = JSON.stringify(asJsonPayload(record.key));
          const twin = finalState.get(key);
          assert.ok(twin, `${kind} ${key}: streamed twin`);
          const ours = asJsonPayload(record.value) as Record<string, any>;
          const theirs = asJsonPayload(twin.value) as Record<string, any>;
          assert.equal(ours['op'], 'r');
          for (const column of Object.keys(theirs['after'])) {
            if (!isDeepStrictEqual(ours['after'][column], theirs['after'][column])) {
              differences.push(`${kind} ${key} after.${column}: snapshot ${JSON.stringify(ours['after'][column])}, binlog ${JSON.stringify(theirs['after'][column])}`);
            }
          }
          assert.deepEqual(Object.keys(ours['after']), Object.keys(theirs['after']), `${kind}: columns`);
          const schema = async (r: DecodedRecord, table: string) => (await registeredSchema(r.valueSchemaId!)).replaceAll(table, 'T');
          assert.equal(await schema(record, names[kind]), await schema(twin, twins[kind]), `${kind}: value schema`);
        }
      }
      assert.deepEqual(differences, [], 'values that differ between the snapshot and the binlog');
    } finally {
      const code = await binlogd.stop();
      if (code !== 0) console.error(JSON.stringify(binlogd.logs.slice(-8), null, 1), binlogd.stderr.join(''));
      await db.query(`DROP TABLE IF EXISTS ${all.map((t) => `${DB}.${t}`).join(', ')}`);
      await db.end();
    }
  });
}

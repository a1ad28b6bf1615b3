// Compares binlogd's records of one topic with Debezium's, field by field: keys in order, before,
// op, transaction, every `after` column (up to Debezium's known snapshot quirks), the source block
// (minus the fields the caller names as run-dependent), headers (minus the run id) and the
// registered Avro schemas against the AvroConverter's translation of Debezium's Connect schemas.
import assert from 'node:assert/strict';
import { isDeepStrictEqual } from 'node:util';
import type { DebeziumRecord } from '../oracle/debezium.js';
import { asJsonPayload, registeredSchema, type DecodedRecord } from './avro-topic.js';
import { fromJsonConverterSchema, type JsonConverterSchema } from './connect-from-json.js';
import { buildAvroSchema } from '../../src/serialize/avro-schema.js';

export interface Comparison {
  table: string;
  theirPrefix: string;
  ourPrefix: string;
  /** Source fields whose values depend on the run (timestamps, version, positions). */
  ignoredSource: readonly string[];
  /** Value differences found (asserted on by the caller, so all are listed at once). */
  differences: string[];
  /** `table.column`s that differed only by one of Debezium's snapshot quirks. */
  quirks: Set<string>;
}

export async function compareRecords(expected: readonly DebeziumRecord[], actual: readonly DecodedRecord[], c: Comparison): Promise<void> {
  const rename = <T>(value: T): T => JSON.parse(JSON.stringify(value).replaceAll(c.theirPrefix, c.ourPrefix)) as T;
  assert.deepEqual(actual.map((r) => JSON.stringify(asJsonPayload(r.key))), expected.map((r) => JSON.stringify(r.key?.payload ?? null)), `${c.table}: the same keys in the same order`);
  for (let i = 0; i < expected.length; i++) {
    const theirs = rename(expected[i]!);
    const ours = actual[i]!;
    const where = `${c.table} record ${i} (${JSON.stringify(theirs.key?.payload ?? null)})`;
    if (theirs.key) assert.deepEqual(JSON.parse(await registeredSchema(ours.keySchemaId!)), avroFor(theirs.key.schema), `${where}: key schema`);
    const mine = asJsonPayload(ours.value) as Record<string, any>;
    const their = theirs.value!.payload as Record<string, any>;
    for (const field of ['before', 'op', 'transaction']) assert.deepEqual(mine[field], their[field], `${where}: ${field}`);
    for (const column of Object.keys(their['after'])) {
      const a = mine['after'][column];
      const b = their['after'][column];
      // Avro float32 read back as a double: compare as float32, as JsonConverter printed it.
      if (typeof a === 'number' && typeof b === 'number' && Math.fround(a) === Math.fround(b)) continue;
      if (isDeepStrictEqual(a, b)) continue;
      if (debeziumSnapshotQuirk(afterField(theirs.value!.schema, column), a, b)) { c.quirks.add(`${c.table}.${column}`); continue; }
      c.differences.push(`${where} after.${column}: binlogd ${JSON.stringify(a)}, Debezium ${JSON.stringify(b)}`);
    }
    assert.deepEqual(Object.keys(mine['after']), Object.keys(their['after']), `${where}: columns`);
    const comparedSource = (source: Record<string, unknown>) => ({ ...source, ...Object.fromEntries(c.ignoredSource.map((k) => [k, undefined])) });
    assert.deepEqual(comparedSource(mine['source']), comparedSource(their['source']), `${where}: source`);
    assert.deepEqual(JSON.parse(await registeredSchema(ours.valueSchemaId!)), avroFor(theirs.value!.schema), `${where}: value schema`);
    const headers = (h: Record<string, string>) => Object.fromEntries(Object.entries(h).filter(([k]) => k !== '__debezium.context.runId'));
    assert.deepEqual(headers(ours.headers), headers(theirs.headers), `${where}: headers`);
  }
}

/**
 * Where Debezium's own snapshot disagrees with its own streaming, binlogd's snapshot gives what
 * the binlog gives (the same value both ways): Debezium's snapshot (JDBC) shows ENUM/SET labels
 * unescaped where streaming shows them as in the schema's `allowed` list (`x\\,y`), ENUM index 0 as
 * '' where streaming has null, ZonedTimestamp fractions without trailing zeros where
 * streaming keeps the column's precision, and a FLOAT as MariaDB prints it in a SELECT, to 6
 * significant digits, where streaming has the stored float32.
 */
function debeziumSnapshotQuirk(field: { name?: string; type?: string } | undefined, ours: unknown, theirs: unknown): boolean {
  const schemaName = field?.name;
  if (field?.type === 'float' && typeof ours === 'number' && typeof theirs === 'number') {
    return Math.fround(Number(Math.fround(ours).toPrecision(6))) === Math.fround(theirs);
  }
  if (schemaName === 'io.debezium.data.Enum' || schemaName === 'io.debezium.data.EnumSet') {
    return (ours === null && theirs === '') || (typeof theirs === 'string' && ours === theirs.replaceAll(',', '\\,'));
  }
  if (schemaName === 'io.debezium.time.ZonedTimestamp' && typeof ours === 'string') {
    return ours.replace(/\.?0+Z$/, 'Z') === theirs;
  }
  return false;
}

function afterField(envelope: unknown, column: string): { name?: string; type?: string } | undefined {
  const after = (envelope as { fields: Array<{ field: string; fields?: Array<{ field: string; name?: string; type?: string }> }> }).fields.find((f) => f.field === 'after');
  return after?.fields?.find((f) => f.field === column);
}

export function avroFor(schema: unknown): unknown {
  return buildAvroSchema(fromJsonConverterSchema(schema as JsonConverterSchema)).json;
}

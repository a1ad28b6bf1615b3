// Debezium prints TIMESTAMP(n) columns (io.debezium.time.ZonedTimestamp) differently in its two
// readers: the binlog reader with exactly n fraction digits ("…05.500Z"), the snapshot's JDBC
// reader through ISO_OFFSET_DATE_TIME, which drops trailing zeros ("…05.5Z", "…59Z"); measured
// with Debezium 3.5 (snapshot-transforms-vs-debezium.test.ts). binlogd's one decode table prints the
// binlog form; snapshot rows get the snapshot form here, so both match Debezium byte for byte.
import type { ConnectSchema, ConnectStruct } from '../connect/schema.js';

const ZONED_TIMESTAMP = 'io.debezium.time.ZonedTimestamp';

type Adjust = (struct: ConnectStruct | null) => ConnectStruct | null;

const identity: Adjust = (struct) => struct;
const cache = new WeakMap<ConnectSchema, Adjust>();

/** The snapshot form of a struct of `schema` (key or row): the same object when nothing changes. */
export function snapshotTimestamps(schema: ConnectSchema | null): Adjust {
  if (schema === null) return identity;
  let adjust = cache.get(schema);
  if (adjust === undefined) {
    const fields = (schema.fields ?? []).filter((f) => f.schema.name === ZONED_TIMESTAMP).map((f) => f.name);
    adjust = fields.length === 0 ? identity : (struct) => {
      if (struct === null) return null;
      let out: ConnectStruct | undefined;
      for (const name of fields) {
        const value = struct[name];
        if (typeof value !== 'string') continue;
        const trimmed = trimFraction(value);
        if (trimmed !== value) (out ??= { ...struct })[name] = trimmed;
      }
      return out ?? struct;
    };
    cache.set(schema, adjust);
  }
  return adjust;
}

/** '…05.500Z' → '…05.5Z', '…59.000Z' → '…59Z' (Java's ISO_LOCAL_TIME fraction). */
export function trimFraction(text: string): string {
  const match = /\.(\d+)Z$/.exec(text);
  if (!match) return text;
  const digits = match[1]!.replace(/0+$/, '');
  return text.slice(0, match.index) + (digits === '' ? '' : `.${digits}`) + 'Z';
}

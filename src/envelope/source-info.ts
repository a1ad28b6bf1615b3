// The `source` block of every change event: Debezium's io.debezium.connector.mariadb.Source (v1,
// Debezium 3.1+), field for field in Debezium's order (SchemaFactory / BinlogSourceInfoStructMaker).
import { field, optional, struct, type ConnectSchema, type ConnectStruct } from '../connect/schema.js';

const string: ConnectSchema = { type: 'string', optional: false };
const int64: ConnectSchema = { type: 'int64', optional: false };
const int32: ConnectSchema = { type: 'int32', optional: false };

/** Since Debezium 3.0.5 the Enum lists every snapshot marker; streaming rows carry null, which converters write as the default. */
export const SNAPSHOT_MARKERS = 'true,first,first_in_data_collection,last_in_data_collection,last,false,incremental';

export const SOURCE_SCHEMA: ConnectSchema = struct('io.debezium.connector.mariadb.Source', [
  field('version', string),
  field('connector', string),
  field('name', string),
  field('ts_ms', int64),
  field('snapshot', {
    type: 'string', optional: true, name: 'io.debezium.data.Enum', version: 1,
    parameters: { allowed: SNAPSHOT_MARKERS }, defaultValue: 'false',
  }),
  field('db', string),
  field('sequence', optional(string)),
  field('ts_us', optional(int64)),
  field('ts_ns', optional(int64)),
  field('table', optional(string)),
  field('server_id', int64),
  field('gtid', optional(string)),
  field('file', string),
  field('pos', int64),
  field('row', int32),
  field('thread', optional(int64)),
  field('query', optional(string)),
], { version: 1 });

export interface SourcePosition {
  /** Event header time in ms (second resolution for binlog events). */
  timestampMs: number;
  db: string;
  table: string;
  serverId: number;
  gtid: string | null;
  file: string;
  pos: number;
  row: number;
  snapshot?: string;
  query?: string | null;
}

export interface SourceIdentity {
  /** What `source.version` says: binlogd's own version, not a Debezium release. */
  version: string;
  /** topic.prefix: Debezium's logical server name. */
  name: string;
}

export function sourceStruct(identity: SourceIdentity, at: SourcePosition): ConnectStruct {
  const ms = BigInt(at.timestampMs);
  return {
    version: identity.version,
    connector: 'mariadb',
    name: identity.name,
    ts_ms: ms,
    snapshot: at.snapshot ?? null,
    db: at.db,
    sequence: null,
    ts_us: ms * 1000n,
    ts_ns: ms * 1_000_000n,
    table: at.table,
    server_id: BigInt(at.serverId),
    gtid: at.gtid,
    file: at.file,
    pos: BigInt(at.pos),
    row: at.row,
    thread: null,
    query: at.query ?? null,
  };
}

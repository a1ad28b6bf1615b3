// Reads the binlog as a MariaDB replica. The only file importing zongji: it turns zongji's events
// into the plain events below (a TABLE_MAP into the plain TableMap its rows are described by),
// tracks the binlog file and event start positions, and gives the pipeline pause/resume so a full
// queue stops the server from sending more.
import ZongJi from '@vlasky/zongji';
import { asBinlogdError, BinlogdError } from '../errors.js';
import { EventPositions } from './event-positions.js';
import { missingColumns } from './row-image.js';
import { sqlError, type SqlEndpoint } from './sql-client.js';
import type { TableMap, TableMapColumn } from './table-map.js';

export type { TableMap } from './table-map.js';

/** Where an event sits in the binlog, and when and by which server it was written. */
export interface EventHeader {
  file: string;
  /** Start position of the event in `file`. */
  position: number;
  nextPosition: number;
  /** Event header time: second resolution, in ms. */
  timestampMs: number;
}

export type RawRow = Record<string, unknown>;

export type BinlogEvent =
  | { kind: 'gtid'; header: EventHeader; gtid: string; serverId: number; standalone: boolean }
  | { kind: 'rows'; header: EventHeader; op: 'c' | 'u' | 'd'; tableId: number; table: TableMap;
      /** insert/delete: the rows; update: `{ before, after }` pairs. */
      rows: RawRow[] | Array<{ before: RawRow; after: RawRow }>;
      /** Columns a row image leaves out (binlog_row_image MINIMAL/NOBLOB); zongji reads them as null. */
      missingColumns: string[] }
  | { kind: 'xid'; header: EventHeader }
  | { kind: 'query'; header: EventHeader; sql: string; database: string }
  | { kind: 'annotate'; header: EventHeader; statement: string }
  | { kind: 'rotate'; file: string; position: number }
  /** Only counted: Debezium's offsets count table maps among a transaction's events. */
  | { kind: 'tablemap' };

export interface BinlogClientOptions {
  endpoint: SqlEndpoint;
  /** Unique among the server's replicas (database.server.id). */
  serverId: number;
  /** MariaDB GTID position to continue after; '' reads every binlog the server still has. */
  gtidPosition: string;
  requestAnnotateRows?: boolean;
}

export interface BinlogClient {
  start(onEvent: (event: BinlogEvent) => void, onError: (error: BinlogdError) => void): Promise<void>;
  /** Stops reading from the socket; the server's sends back up in TCP buffers. */
  pause(): void;
  resume(): void;
  /** Idempotent. */
  stop(): Promise<void>;
}

const TABLE_MAP: BinlogEvent = { kind: 'tablemap' };

// Two corrections to zongji 0.9.0's TABLE_MAP parsing, applied as each event is parsed (so zongji
// decodes the rows with them too). It reads the column nullability bitmap and throws it away;
// binlogd needs it (a row written before `MODIFY b ... NOT NULL` is optional). The bitmap sits
// right before the optional metadata block (sql/log_event_server.cc Table_map_log_event::
// write_data_body). And it leaves GEOMETRY columns out of the charset lists, where the server
// counts them (a geometry is a BLOB there): every character column after a geometry column got
// its neighbour's charset (`ADD COLUMN v VARCHAR(10)` after a POINT read as VARBINARY(40)).
// The module is reached by its file, as zongji's own import reaches it, so the patch applies to
// the class zongji uses.
interface ZongJiParser { _buffer: Buffer; _offset: number; _packetEnd: number }
const zongjiEvents = await import(new URL('lib/binlog_event.js', import.meta.resolve('@vlasky/zongji')).href) as {
  TableMap: { prototype: { _readOptionalMetadata(this: ZongJiTableMap, parser: ZongJiParser, zongji: { useChecksum?: boolean }): void } };
};
const readOptionalMetadata = zongjiEvents.TableMap.prototype._readOptionalMetadata;
zongjiEvents.TableMap.prototype._readOptionalMetadata = function (this: ZongJiTableMap, parser, zongji): void {
  const bitmapSize = Math.floor((this.columnCount + 7) / 8);
  const start = parser._offset;
  const end = parser._packetEnd - (zongji?.useChecksum ? 4 : 0);
  this.nullBitmap = Buffer.from(parser._buffer.subarray(start, start + bitmapSize));
  this.rawMetadata = parser._buffer.toString('latin1', start, end);
  readOptionalMetadata.call(this, parser, zongji);
  if (this._columnCharsetIds === undefined) return;
  const characterColumns = Array.from({ length: this.columnCount }, (_, i) => i).filter((i) => CHARSET_LIST_TYPES.has(this._effectiveColumnType(i)));
  const collations = characterCollations(parser._buffer.subarray(start + bitmapSize, end), characterColumns.length);
  if (collations) characterColumns.forEach((column, i) => { this._columnCharsetIds![column] = collations[i]; });
};

// The server's is_character_type() (sql/log_event_server.cc): the columns DEFAULT_CHARSET and
// COLUMN_CHARSET list, by their TABLE_MAP type; ENUM and SET have their own lists.
const CHARSET_LIST_TYPES = new Set([15 /* VARCHAR */, 253 /* VAR_STRING */, 254 /* STRING */, 252 /* BLOB */, 249, 250, 251 /* sized BLOBs */,
  255 /* GEOMETRY */, 140, 141 /* MariaDB's compressed BLOB and VARCHAR */]);

/** The collation of each listed character column, from the optional metadata block; undefined when it has no charset field. */
function characterCollations(block: Buffer, count: number): number[] | undefined {
  let offset = 0;
  const number = (): number => {
    const first = block[offset++] ?? 0;
    if (first < 0xfb) return first;
    const size = first === 0xfc ? 2 : first === 0xfd ? 3 : 8;
    const value = block.readUIntLE(offset, Math.min(size, 6));
    offset += size;
    return value;
  };
  while (offset < block.length) {
    const type = block[offset++];
    const length = number();
    const fieldEnd = offset + length;
    if (type === 2 /* DEFAULT_CHARSET */) {
      const collations = new Array<number>(count).fill(number());
      while (offset < fieldEnd) {
        const index = number();
        const collation = number();
        if (index < count) collations[index] = collation;
      }
      return collations;
    }
    if (type === 3 /* COLUMN_CHARSET */) {
      const collations: number[] = [];
      while (offset < fieldEnd) collations.push(number());
      return collations.length === count ? collations : undefined;
    }
    offset = fieldEnd;
  }
  return undefined;
}

/** The parts of zongji's TableMap event read here. */
interface ZongJiTableMap {
  tableId: number;
  schemaName: string;
  tableName: string;
  columnCount: number;
  columnNames?: string[];
  primaryKey?: number[];
  columnTypes: number[];
  columnsMetadata: unknown[];
  nullBitmap?: Buffer;
  /** The null bitmap and the optional metadata block, as bytes in a string. */
  rawMetadata?: string;
  _columnCharsetIds?: Array<number | undefined>;
  _effectiveColumnType(index: number): number;
  hasSelfDescribingMetadata(): boolean;
  buildColumnSchemas(): Array<{ COLUMN_NAME: string; COLUMN_TYPE: string; CHARACTER_SET_NAME: string | null; ENUM_VALUES?: string[]; SET_VALUES?: string[] }>;
}

/** The plain TableMap of a zongji TABLE_MAP event; `previous` is returned when the structure is unchanged. */
function tableMapOf(event: ZongJiTableMap, at: { file: string; position: number }, previous: TableMap | undefined): TableMap {
  // A TABLE_MAP precedes every table's rows in every transaction: its raw metadata tells cheaply
  // whether the structure is the one already described.
  const signature = `${event.schemaName}.${event.tableName}|${event.columnTypes.join(',')}|${JSON.stringify(event.columnsMetadata)}|${event.rawMetadata ?? ''}`;
  if (previous?.signature === signature) return previous;
  const bitmap = event.nullBitmap;
  const nullable = (i: number): boolean => bitmap === undefined || ((bitmap[i >> 3] ?? 0) & (1 << (i & 7))) !== 0;
  const columns: TableMapColumn[] | undefined = event.hasSelfDescribingMetadata()
    ? event.buildColumnSchemas().map((schema, i) => {
      const labels = schema.ENUM_VALUES ?? schema.SET_VALUES;
      return { name: schema.COLUMN_NAME, columnType: schema.COLUMN_TYPE, charset: schema.CHARACTER_SET_NAME, nullable: nullable(i), ...(labels ? { labels } : {}) };
    })
    : undefined;
  const names = event.columnNames;
  const primaryKey = names ? (event.primaryKey ?? []).map((index) => names[index] ?? String(index)) : [];
  return { db: event.schemaName, table: event.tableName, ...(columns ? { columns } : {}), primaryKey, signature, at };
}

const INCLUDED_EVENTS = ['rotate', 'mariadbgtid', 'tablemap', 'writerows', 'updaterows', 'deleterows', 'xid', 'query', 'annotaterows'];

// MariaDB's ER_SLAVE_SAME_ID: the server dropped this dump connection because another replica
// connected with the same server id (mysql2 names 4052 after MySQL's unrelated error of that number).
const ER_SLAVE_SAME_ID = 4052;
// ER_MASTER_FATAL_ERROR_READING_BINLOG. Refusing a position before any transaction was sent means it
// was purged or is not in the server's history (sql-client.ts); once transactions flowed it also ends a
// dump thread dropped for a replica with the same server id (seen once per clash, the following drops
// come as 4052), so it is retried: a purged position or the clash shows on the next attempt.
const ER_BINLOG_READ_FAILED = 1236;

function binlogError(error: unknown, options: BinlogClientOptions, streamed: boolean): BinlogdError {
  const { errno } = (error ?? {}) as { errno?: number };
  const { host, port } = options.endpoint;
  if (errno === ER_BINLOG_READ_FAILED && streamed) {
    return new BinlogdError('SOURCE_CONNECTION_LOST',
      `MariaDB ${host}:${port} stopped sending the binlog (error 1236: ${error instanceof Error ? error.message : String(error)}); reconnecting`,
      { retriable: true, cause: error, details: { host, port, serverId: options.serverId } });
  }
  if (errno !== ER_SLAVE_SAME_ID) return sqlError(error, options.endpoint);
  return new BinlogdError('SOURCE_SERVER_ID_IN_USE',
    `another replica connected to MariaDB ${host}:${port} with this connector's database.server.id=${options.serverId}, so the server ` +
    'dropped this connector\'s binlog connection (MariaDB error 4052, ER_SLAVE_SAME_ID); two readers with one server id keep ' +
    'dropping each other. Give every connector and replica of this server its own database.server.id (a number from 1 to ' +
    '4294967295 that no other replica or connector of it uses, nor the server\'s own server_id), then restart this connector',
    { cause: error, details: { host, port, serverId: options.serverId, property: 'database.server.id' } });
}

export function createBinlogClient(options: BinlogClientOptions): BinlogClient {
  const zongji = new ZongJi({
    host: options.endpoint.host,
    port: options.endpoint.port,
    user: options.endpoint.user,
    password: options.endpoint.password,
    // Exact values: temporal values as text keep microseconds and zero dates, TIMESTAMP in UTC; see decode/.
    dateStrings: true,
    timezone: 'Z',
    supportBigNumbers: true,
    bigNumberStrings: true,
  } as ConstructorParameters<typeof ZongJi>[0]);
  let file = '';
  let stopped = false;
  const tableMaps = new Map<number, TableMap>();
  let paused = false;
  const positions = new EventPositions();

  const header = (event: any, opensTransaction = false): EventHeader => ({
    file,
    ...positions.of(event, opensTransaction),
    timestampMs: event.timestamp,
  });

  const translate = (event: any): BinlogEvent | undefined => {
    switch (event.getEventName()) {
      case 'tablemap':
        // zongji parses GEOMETRY (255) into {x, y}, losing the SRID and WKB Debezium emits; read
        // those columns as BLOB (252, same length prefix) for the raw bytes. This must happen here,
        // synchronously, before the rows event that follows is parsed.
        for (const column of (zongji as any).tableMap[event.tableId]?.columns ?? []) if (column.type === 255) column.type = 252;
        tableMaps.set(event.tableId, tableMapOf(event, { file, position: header(event).position }, tableMaps.get(event.tableId)));
        return TABLE_MAP;
      case 'rotate':
        // Table ids are per server run; every connection starts with a rotate.
        tableMaps.clear();
        file = event.binlogName;
        return { kind: 'rotate', file, position: event.position };
      case 'mariadbgtid':
        return { kind: 'gtid', header: header(event, true), gtid: event.gtid, serverId: event.serverId, standalone: event.standalone };
      case 'writerows':
      case 'updaterows':
      case 'deleterows': {
        const name = event.getEventName() as string;
        const table = tableMaps.get(event.tableId);
        if (!table) {
          throw new BinlogdError('SOURCE_DECODE', `rows event at ${file}:${header(event).position} for table id ${event.tableId} without its TABLE_MAP event`);
        }
        const bitmaps = [event.columns_present_bitmap, event.columns_present_bitmap2].filter((b): b is Buffer => Buffer.isBuffer(b));
        const names = (table.columns ?? []).map((c) => c.name);
        return {
          kind: 'rows', header: header(event), tableId: event.tableId, table,
          op: name === 'writerows' ? 'c' : name === 'updaterows' ? 'u' : 'd', rows: event.rows,
          missingColumns: missingColumns(event.numberOfColumns ?? names.length, bitmaps, names),
        };
      }
      case 'xid':
        return { kind: 'xid', header: header(event) };
      case 'query':
        return { kind: 'query', header: header(event), sql: event.query, database: event.schema ?? '' };
      case 'annotaterows':
        return { kind: 'annotate', header: header(event), statement: event.statement };
      default:
        return undefined;
    }
  };

  return {
    start(onEvent, onError) {
      return new Promise<void>((resolve, reject) => {
        let ready = false;
        // A 1236 before the server sent a transaction refuses the requested position; after, it ends a dump
        // thread that was streaming (a server-id clash), which a reconnect settles.
        let streamed = false;
        zongji.on('binlog', (event: unknown) => {
          if (stopped) return;
          let translated;
          try {
            translated = translate(event);
          } catch (error) {
            onError(asBinlogdError(error, 'SOURCE_DECODE'));
            return;
          }
          if (translated) {
            if (translated.kind === 'gtid') streamed = true;
            onEvent(translated);
          }
        });
        zongji.on('error', (error: unknown) => {
          if (stopped) return; // zongji may report a late packet after stop()
          const mapped = binlogError(error, options, streamed);
          if (ready) onError(mapped); else reject(mapped);
        });
        zongji.once('ready', () => {
          ready = true;
          resolve();
        });
        zongji.start({
          serverId: options.serverId,
          gtidSet: options.gtidPosition,
          includeEvents: INCLUDED_EVENTS,
          requestAnnotateRows: options.requestAnnotateRows ?? false,
        });
      });
    },
    pause() {
      if (paused || stopped) return;
      paused = true;
      (zongji as any).connection?.pause();
    },
    resume() {
      if (!paused || stopped) return;
      paused = false;
      (zongji as any).connection?.resume();
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      await new Promise<void>((resolve) => {
        zongji.once('stopped', () => resolve());
        try {
          zongji.stop();
        } catch {
          resolve();
        }
        setTimeout(resolve, 2000).unref();
      });
    },
  };
}

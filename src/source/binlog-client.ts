// Reads the binlog as a MariaDB replica. The only file importing zongji: it turns zongji's events
// into the plain events below, tracks the binlog file and event start positions, and gives the
// pipeline pause/resume so a full queue stops the server from sending more.
import ZongJi from '@vlasky/zongji';
import { BinlogdError } from '../errors.js';
import { missingColumns } from './row-image.js';
import { sqlError, type SqlEndpoint } from './sql-client.js';

/** zongji's table description: column names/types from the TABLE_MAP event's FULL metadata. */
export interface TableMapEntry {
  parentSchema: string;
  tableName: string;
  columnSchemas: ReadonlyArray<Record<string, unknown>>;
  columns?: ReadonlyArray<{ name: string; charset: string | null; type: number; metadata: Record<string, unknown> }>;
}

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
  | { kind: 'rows'; header: EventHeader; op: 'c' | 'u' | 'd'; tableId: number; table: TableMapEntry;
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

// Event length = header (19) + body (zongji's `size`) + CRC32 checksum (4, the server default).
const HEADER_AND_CHECKSUM = 19 + 4;

const TABLE_MAP: BinlogEvent = { kind: 'tablemap' };

const INCLUDED_EVENTS = ['rotate', 'mariadbgtid', 'tablemap', 'writerows', 'updaterows', 'deleterows', 'xid', 'query', 'annotaterows'];

// MariaDB's ER_SLAVE_SAME_ID: the server dropped this dump connection because another replica
// connected with the same server id (mysql2 names 4052 after MySQL's unrelated error of that number).
const ER_SLAVE_SAME_ID = 4052;
// ER_MASTER_FATAL_ERROR_READING_BINLOG. Refusing a position at connect time means it was purged
// (sql-client.ts); in mid-stream it also ends a dump thread dropped for a replica with the same
// server id (seen once per clash, the following drops come as 4052), so it is retried: a purged
// position or the clash shows on the next attempt with its own error.
const ER_BINLOG_READ_FAILED = 1236;

function binlogError(error: unknown, options: BinlogClientOptions, streaming: boolean): BinlogdError {
  const { errno } = (error ?? {}) as { errno?: number };
  const { host, port } = options.endpoint;
  if (errno === ER_BINLOG_READ_FAILED && streaming) {
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
  let paused = false;

  const header = (event: any): EventHeader => ({
    file,
    position: event.nextPosition - event.size - HEADER_AND_CHECKSUM,
    nextPosition: event.nextPosition,
    timestampMs: event.timestamp,
  });

  const translate = (event: any): BinlogEvent | undefined => {
    switch (event.getEventName()) {
      case 'tablemap':
        // zongji parses GEOMETRY (255) into {x, y}, losing the SRID and WKB Debezium emits; read
        // those columns as BLOB (252, same length prefix) for the raw bytes. This must happen here,
        // synchronously, before the rows event that follows is parsed.
        for (const column of (zongji as any).tableMap[event.tableId]?.columns ?? []) if (column.type === 255) column.type = 252;
        return TABLE_MAP;
      case 'rotate':
        file = event.binlogName;
        return { kind: 'rotate', file, position: event.position };
      case 'mariadbgtid':
        return { kind: 'gtid', header: header(event), gtid: event.gtid, serverId: event.serverId, standalone: event.standalone };
      case 'writerows':
      case 'updaterows':
      case 'deleterows': {
        const name = event.getEventName() as string;
        const table = event.tableMap[event.tableId];
        const bitmaps = [event.columns_present_bitmap, event.columns_present_bitmap2].filter((b): b is Buffer => Buffer.isBuffer(b));
        const names = (table?.columns ?? []).map((c: { name: string }) => c.name);
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
        zongji.on('binlog', (event: unknown) => {
          if (stopped) return;
          const translated = translate(event);
          if (translated) onEvent(translated);
        });
        zongji.on('error', (error: unknown) => {
          if (stopped) return; // zongji may report a late packet after stop()
          const mapped = binlogError(error, options, ready);
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

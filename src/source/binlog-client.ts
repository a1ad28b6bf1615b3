// Reads the binlog as a MariaDB replica. The only file importing zongji: it turns zongji's events
// into the plain events below, tracks the binlog file and event start positions, and gives the
// pipeline pause/resume so a full queue stops the server from sending more.
import ZongJi from '@vlasky/zongji';
import type { BinlogdError } from '../errors.js';
import { EventPositions } from './event-positions.js';
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
      rows: RawRow[] | Array<{ before: RawRow; after: RawRow }> }
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

const INCLUDED_EVENTS = ['rotate', 'mariadbgtid', 'tablemap', 'writerows', 'updaterows', 'deleterows', 'xid', 'query', 'annotaterows'];

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
        return TABLE_MAP;
      case 'rotate':
        file = event.binlogName;
        return { kind: 'rotate', file, position: event.position };
      case 'mariadbgtid':
        return { kind: 'gtid', header: header(event, true), gtid: event.gtid, serverId: event.serverId, standalone: event.standalone };
      case 'writerows':
      case 'updaterows':
      case 'deleterows': {
        const name = event.getEventName() as string;
        return {
          kind: 'rows', header: header(event), tableId: event.tableId, table: event.tableMap[event.tableId],
          op: name === 'writerows' ? 'c' : name === 'updaterows' ? 'u' : 'd', rows: event.rows,
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
          const mapped = sqlError(error, options.endpoint);
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

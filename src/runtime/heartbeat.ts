// heartbeat.interval.ms: every interval a heartbeat record is queued behind the events read so far
// (written at the position reached then, so the stored offset follows the binlog while captured
// tables are idle), and heartbeat.action.query runs on a SQL connection of its own
// (DatabaseHeartbeatImpl), e.g. to write into a heartbeat table so that an idle server's binlog moves.
import { asBinlogdError } from '../errors.js';
import { openSqlClient, type SqlClient, type SqlEndpoint } from '../source/sql-client.js';
import type { Logger } from './logger.js';

export interface HeartbeatOptions {
  intervalMs: number;
  actionQuery?: string;
  endpoint: SqlEndpoint;
  /** Queues the heartbeat record. */
  beat: () => void;
  log: Logger;
}

export class Heartbeat {
  private timer: NodeJS.Timeout | undefined;
  private sql: Promise<SqlClient> | null = null;
  private running: Promise<void> | null = null;
  private stopped = false;

  constructor(private readonly options: HeartbeatOptions) {}

  start(): void {
    if (this.timer || this.stopped || this.options.intervalMs <= 0) return;
    this.timer = setInterval(() => this.tick(), this.options.intervalMs);
  }

  /** Idempotent; waits for a running action query. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.running;
    const sql = this.sql;
    this.sql = null;
    await sql?.then((client) => client.close(), () => undefined);
  }

  private tick(): void {
    this.options.beat();
    const query = this.options.actionQuery;
    // One query at a time: a slow server skips ticks rather than piling up connections' work.
    if (query === undefined || this.running) return;
    this.running = this.runQuery(query).finally(() => { this.running = null; });
  }

  private async runQuery(query: string): Promise<void> {
    try {
      this.sql ??= openSqlClient(this.options.endpoint);
      await (await this.sql).query(query);
    } catch (error) {
      const mapped = asBinlogdError(error);
      this.options.log.warn({ err: mapped, code: mapped.code }, `heartbeat.action.query failed: ${mapped.message}`);
      // Reconnect at the next heartbeat: the connection may be the problem.
      const sql = this.sql;
      this.sql = null;
      await sql?.then((client) => client.close(), () => undefined);
    }
  }
}

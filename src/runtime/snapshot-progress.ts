// Snapshot progress per table: rows done against InnoDB's estimate (TABLE_ROWS, approximate), rows
// per second and the time left. Logged every few seconds, counted in metrics, and returned by
// Connector.snapshotProgress() for the REST status.
import * as metrics from '../metrics/registry.js';
import type { Logger } from './logger.js';

export interface TableProgress {
  table: string;
  state: 'pending' | 'running' | 'done';
  rows: number;
  /** INFORMATION_SCHEMA.TABLES.TABLE_ROWS when the snapshot started (an estimate for InnoDB). */
  estimatedRows: number;
  rowsPerSecond: number;
  /** Seconds left at the current rate; null when unknown. */
  etaSeconds: number | null;
}

export interface SnapshotProgressReport {
  state: 'running' | 'completed' | 'failed';
  /** The binlog position the snapshot reads at (and streaming continues from). */
  position: { file: string; pos: number; gtids: string };
  remainingTables: number;
  rows: number;
  startedAt: string;
  tables: TableProgress[];
}

interface Entry { rows: number; estimatedRows: number; state: TableProgress['state']; startedMs: number; endedMs: number }

/** How often a running snapshot logs its progress. */
export const PROGRESS_LOG_INTERVAL_MS = 5000;

export class SnapshotProgress {
  private readonly tables = new Map<string, Entry>();
  private state: SnapshotProgressReport['state'] = 'running';
  private readonly startedMs = Date.now();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly connector: string,
    private readonly position: SnapshotProgressReport['position'],
    private readonly log: Logger,
  ) {}

  addTable(table: string, estimatedRows: number, done = false): void {
    this.tables.set(table, { rows: 0, estimatedRows, state: done ? 'done' : 'pending', startedMs: 0, endedMs: 0 });
    if (!done) metrics.snapshotEstimatedRows.set({ connector: this.connector, table }, estimatedRows);
    this.updateRemaining();
  }

  start(): void {
    this.timer = setInterval(() => this.logProgress(), PROGRESS_LOG_INTERVAL_MS);
    this.timer.unref();
  }

  tableStarted(table: string): void {
    const entry = this.tables.get(table);
    if (entry) { entry.state = 'running'; entry.startedMs = Date.now(); }
  }

  rowsEmitted(table: string, rows: number): void {
    const entry = this.tables.get(table);
    if (entry) entry.rows += rows;
    metrics.snapshotRowsTotal.inc({ connector: this.connector, table }, rows);
  }

  tableDone(table: string): void {
    const entry = this.tables.get(table);
    if (entry) { entry.state = 'done'; entry.endedMs = Date.now(); }
    this.updateRemaining();
  }

  finish(state: 'completed' | 'failed'): void {
    this.state = state;
    clearInterval(this.timer);
    if (state === 'completed') metrics.snapshotRemainingTables.set({ connector: this.connector }, 0);
  }

  report(): SnapshotProgressReport {
    const now = Date.now();
    const tables = [...this.tables].map(([table, e]): TableProgress => {
      const seconds = ((e.state === 'done' ? e.endedMs : now) - e.startedMs) / 1000;
      const rowsPerSecond = e.state === 'pending' || seconds <= 0 ? 0 : Math.round(e.rows / seconds);
      const left = Math.max(0, e.estimatedRows - e.rows);
      const etaSeconds = e.state === 'done' ? 0 : rowsPerSecond > 0 ? Math.round(left / rowsPerSecond) : null;
      return { table, state: e.state, rows: e.rows, estimatedRows: e.estimatedRows, rowsPerSecond, etaSeconds };
    });
    return {
      state: this.state,
      position: this.position,
      remainingTables: tables.filter((t) => t.state !== 'done').length,
      rows: tables.reduce((sum, t) => sum + t.rows, 0),
      startedAt: new Date(this.startedMs).toISOString(),
      tables,
    };
  }

  private updateRemaining(): void {
    const remaining = [...this.tables.values()].filter((e) => e.state !== 'done').length;
    metrics.snapshotRemainingTables.set({ connector: this.connector }, remaining);
  }

  /** One line per running table, not one per row or chunk. */
  private logProgress(): void {
    const report = this.report();
    for (const t of report.tables.filter((t) => t.state === 'running')) {
      this.log.info({ table: t.table, rows: t.rows, estimatedRows: t.estimatedRows, rowsPerSecond: t.rowsPerSecond, etaSeconds: t.etaSeconds },
        `snapshot of ${t.table}: ${t.rows} of ~${t.estimatedRows} rows, ${t.rowsPerSecond} rows/s, ETA ${t.etaSeconds ?? '?'} s`);
    }
    this.log.info({ remainingTables: report.remainingTables, rows: report.rows }, 'snapshot progress');
  }
}

// Pure arithmetic behind the lag and retention metrics: how far the connector's read position is
// from the server's binlog end, in seconds and bytes, and how much binlog the server keeps before
// the connector's stored position. The I/O (polling the server) is in source-lag.ts.
import { GtidPosition } from '../source/gtid-position.js';

/** One row of SHOW BINARY LOGS. */
export interface BinlogFile {
  name: string;
  size: number;
}

/** A point in the binlog in file coordinates. */
export interface FilePosition {
  file: string;
  pos: number;
}

/** What the last poll of the server saw. Times are the server's clock, in ms. */
export interface ServerObservation {
  /** @@gtid_binlog_pos: the last transaction written in each domain. */
  end: GtidPosition;
  /** The server time of the last poll whose end the connector had read (nothing unread then). */
  caughtUpAtMs?: number;
}

/** Whether `read` holds every transaction of `end` (every domain at or after it). */
export function coversEnd(read: GtidPosition, end: GtidPosition): boolean {
  return end.domains().every((gtid) => read.covers(gtid));
}

export interface LagInput {
  /** The connector's GTID position: transactions fully read. */
  read: GtidPosition;
  server: ServerObservation;
  /** Server time now, ms. */
  nowMs: number;
  /** Header time of the last event read (second resolution), ms. */
  lastEventMs?: number;
}

/**
 * Seconds the connector is behind the server: 0 when it has read everything the server had at the
 * last poll; otherwise now minus the earliest time the first unread transaction can have been
 * committed: not before the last event read, and not before the last poll that found nothing
 * unread. So an idle source reads 0, a paused connector's lag rises from the first write it missed
 * (at most one poll interval early), and a backlog after a restart shows its full age.
 */
export function lagSeconds(input: LagInput): number {
  if (coversEnd(input.read, input.server.end)) return 0;
  const earliestUnread = Math.max(input.lastEventMs ?? -Infinity, input.server.caughtUpAtMs ?? -Infinity);
  if (!Number.isFinite(earliestUnread)) return 0;
  return Math.max(0, (input.nowMs - earliestUnread) / 1000);
}

/** Binlog file names end in a sequence number (`mysql-bin.000042`); order by it. */
function sequenceOf(name: string): number {
  const match = /\.(\d+)$/.exec(name);
  return match ? Number(match[1]) : NaN;
}

/**
 * Bytes between `position` and the end of the last binlog file, across files (SHOW BINARY LOGS
 * sizes). Undefined when the file is not on the server (purged, or another server's name).
 */
export function bytesAfter(files: readonly BinlogFile[], position: FilePosition): number | undefined {
  const index = files.findIndex((f) => f.name === position.file);
  if (index < 0) return undefined;
  let bytes = Math.max(0, files[index]!.size - position.pos);
  for (const file of files.slice(index + 1)) bytes += file.size;
  return bytes;
}

export interface Retention {
  /** Binlog files the server keeps. */
  files: number;
  /** Bytes from the start of the oldest file to the stored position: what can be purged before it is lost. 0 when already purged. */
  headroomBytes?: number;
  /**
   * Seconds until time-based expiry (binlog_expire_logs_seconds / expire_logs_days) may purge the
   * file holding the stored position. MariaDB purges a file once its last write is older than the
   * expiry, and that file was written at or after the stored event's commit time, so this is a
   * lower bound. +Infinity when the server expires nothing by time.
   */
  headroomSeconds?: number;
}

export interface RetentionInput {
  files: readonly BinlogFile[];
  /** The connector's stored (acknowledged) position, with the commit time of its event. */
  stored?: FilePosition & { tsSec?: number };
  /** 0 when the server has no time-based expiry. */
  expireSeconds: number;
  nowMs: number;
}

export function retention(input: RetentionInput): Retention {
  const { files, stored } = input;
  const result: Retention = { files: files.length };
  if (!stored) return result;
  const index = files.findIndex((f) => f.name === stored.file);
  if (index >= 0) {
    result.headroomBytes = files.slice(0, index).reduce((sum, f) => sum + f.size, 0) + stored.pos;
  } else if (files.length > 0 && sequenceOf(stored.file) < sequenceOf(files[0]!.name)) {
    result.headroomBytes = 0; // the server purged it: the connector cannot resume from there
  }
  if (input.expireSeconds <= 0) {
    result.headroomSeconds = Infinity;
  } else if (stored.tsSec !== undefined) {
    result.headroomSeconds = stored.tsSec + input.expireSeconds - input.nowMs / 1000;
  }
  return result;
}

/** binlog_expire_logs_seconds wins when set (MariaDB 10.6+); expire_logs_days otherwise. */
export function expirySeconds(variables: Readonly<Record<string, string | undefined>>): number {
  const seconds = Number(variables['binlog_expire_logs_seconds'] ?? 0);
  if (seconds > 0) return seconds;
  const days = Number(variables['expire_logs_days'] ?? 0);
  return days > 0 ? Math.round(days * 86_400) : 0;
}

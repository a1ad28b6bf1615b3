// Watches how far one connector is behind its source server, for binlogd_lag_seconds,
// binlogd_behind_source_bytes and the retention metrics. Event timestamps alone cannot say that a
// connector is caught up (an idle source sends nothing) or that it fell behind (a paused reader
// sees nothing new), and MariaDB's answer to that, replication heartbeat events, needs
// @master_heartbeat_period on the replica session and HEARTBEAT_LOG_EVENT handling, neither of
// which zongji offers. So this polls the server's own binlog end on a connection of its own and
// compares it with the read position.
//
// One watcher per connector name outlives the connector's sessions: while a connector is paused,
// stopped or failed its lag keeps rising and its stored position's retention keeps being watched
// (that is when it matters most). A session attaches its live progress at start and leaves a
// frozen copy at stop; deleting the connector (stopSourceLag) or the worker's shutdown
// (stopAllSourceLags) ends the watch. The watcher's timer and socket never keep the process alive.
import type { Logger } from './logger.js';
import { asBinlogdError } from '../errors.js';
import { endToEndSeconds, registerProbe } from '../metrics/registry.js';
import { openSqlClient, type SqlClient, type SqlEndpoint } from '../source/sql-client.js';
import { GtidPosition } from '../source/gtid-position.js';
import { bytesAfter, coversEnd, expirySeconds, lagSeconds, retention, type BinlogFile, type FilePosition, type ServerObservation } from './lag-estimate.js';

export const SOURCE_POLL_INTERVAL_MS = 5000;

/** What the connector has read and stored; read at every poll and scrape. */
export interface ReadProgress {
  /** GTID position after the last transaction fully read. */
  gtids(): string | undefined;
  /** File coordinates after the last event read, and that event's header time. */
  lastRead(): (FilePosition & { timestampMs?: number }) | undefined;
  /** The stored (Kafka-acknowledged) offset. */
  stored(): (FilePosition & { ts_sec?: number }) | undefined;
  queuedEvents(): number | undefined;
  queuedBytes?(): number | undefined;
}

export interface SourceLagOptions {
  connector: string;
  endpoint: SqlEndpoint;
  progress: ReadProgress;
  log: Logger;
  intervalMs?: number;
}

/** A connector session's handle on its watcher. */
export interface SourceLagSession {
  /** Records the end-to-end time of acknowledged records carrying a source offset. */
  acked(records: ReadonlyArray<{ ackToken?: unknown }>): void;
  /** At session stop: the watcher goes on with the position the session reached. Idempotent. */
  detach(): void;
}

interface Watcher {
  readonly endpoint: SqlEndpoint;
  attach(progress: ReadProgress): void;
  detach(progress: ReadProgress): void;
  acked(records: ReadonlyArray<{ ackToken?: unknown }>): void;
  stop(): Promise<void>;
}

const watchers = new Map<string, Watcher>();

/** Starts watching a connector (or continues its watch with a new session's progress). */
export function attachSourceLag(options: SourceLagOptions): SourceLagSession {
  let watcher = watchers.get(options.connector);
  if (watcher && !sameServer(watcher.endpoint, options.endpoint)) {
    void watcher.stop();
    watcher = undefined;
  }
  if (!watcher) {
    watcher = startWatcher(options);
    watchers.set(options.connector, watcher);
  }
  const attached = watcher;
  attached.attach(options.progress);
  return { acked: (records) => attached.acked(records), detach: () => attached.detach(options.progress) };
}

/** Ends the watch of a deleted connector and removes its series. */
export async function stopSourceLag(connector: string): Promise<void> {
  const watcher = watchers.get(connector);
  watchers.delete(connector);
  await watcher?.stop();
}

/** Worker shutdown. */
export async function stopAllSourceLags(): Promise<void> {
  await Promise.all([...watchers.keys()].map(stopSourceLag));
}

function sameServer(a: SqlEndpoint, b: SqlEndpoint): boolean {
  return a.host === b.host && a.port === b.port && a.user === b.user && a.password === b.password;
}

/** What a stopped session leaves: where it stood, nothing queued. */
function frozen(progress: ReadProgress): ReadProgress {
  const gtids = progress.gtids();
  const lastRead = progress.lastRead();
  const stored = progress.stored();
  return { gtids: () => gtids, lastRead: () => lastRead, stored: () => stored, queuedEvents: () => 0 };
}

interface Poll {
  observation: ServerObservation;
  files: BinlogFile[];
  expireSeconds: number;
  /** Server clock minus ours: binlog timestamps are the server's. */
  clockOffsetMs: number;
}

function startWatcher(options: SourceLagOptions): Watcher {
  const { connector, log } = options;
  let progress = options.progress;
  let sql: SqlClient | null = null;
  let last: Poll | undefined;
  let caughtUpAtMs: number | undefined;
  let failing = false;
  let stopped = false;
  let polling: Promise<void> | undefined;

  const serverNow = (): number => Date.now() + (last?.clockOffsetMs ?? 0);
  const readGtids = (): GtidPosition | undefined => {
    const text = progress.gtids();
    return text === undefined ? undefined : GtidPosition.parse(text);
  };
  const lastEventMs = (): number | undefined => {
    const stamp = progress.lastRead()?.timestampMs;
    if (stamp !== undefined) return stamp;
    const stored = progress.stored()?.ts_sec;
    return stored === undefined ? undefined : stored * 1000;
  };

  const poll = async (): Promise<void> => {
    try {
      sql ??= await openSqlClient({ ...options.endpoint, unref: true });
      const [state] = await sql.query('SELECT @@GLOBAL.gtid_binlog_pos AS gtids, UNIX_TIMESTAMP(NOW(6)) AS now');
      const localMs = Date.now();
      const files = (await sql.query('SHOW BINARY LOGS')).map((row) => ({ name: String(row['Log_name']), size: Number(row['File_size']) }));
      const variables = Object.fromEntries((await sql.query(
        "SHOW GLOBAL VARIABLES WHERE Variable_name IN ('binlog_expire_logs_seconds', 'expire_logs_days')",
      )).map((row) => [String(row['Variable_name']), String(row['Value'])]));
      const end = GtidPosition.parse(String(state?.['gtids'] ?? ''));
      const clockOffsetMs = Number(state?.['now']) * 1000 - localMs;
      const read = readGtids();
      if (read && coversEnd(read, end)) caughtUpAtMs = Number(state?.['now']) * 1000;
      last = { observation: { end, ...(caughtUpAtMs === undefined ? {} : { caughtUpAtMs }) }, files, expireSeconds: expirySeconds(variables), clockOffsetMs };
      if (failing) log.info('source position polling works again');
      failing = false;
    } catch (error) {
      const mapped = asBinlogdError(error);
      // Once per streak of failures: the metrics keep their last values meanwhile.
      if (!failing) log.warn({ err: mapped, code: mapped.code }, 'cannot poll the source server\'s binlog position; lag metrics are stale');
      failing = true;
      await sql?.close().catch(() => undefined);
      sql = null;
    }
  };

  const tick = (): void => {
    if (stopped || polling) return;
    polling = poll().finally(() => { polling = undefined; });
  };
  tick();
  const timer = setInterval(tick, options.intervalMs ?? SOURCE_POLL_INTERVAL_MS);
  timer.unref();

  const unregister = registerProbe(connector, {
    lagSeconds() {
      const read = readGtids();
      if (!last || !read) return undefined;
      const lastEvent = lastEventMs();
      return lagSeconds({ read, server: last.observation, nowMs: serverNow(), ...(lastEvent === undefined ? {} : { lastEventMs: lastEvent }) });
    },
    behindSourceBytes() {
      const read = readGtids();
      if (!last || !read) return undefined;
      if (coversEnd(read, last.observation.end)) return 0;
      const position = progress.lastRead() ?? progress.stored();
      return position && bytesAfter(last.files, position);
    },
    queueEvents: () => progress.queuedEvents(),
    queueBytes: () => progress.queuedBytes?.() ?? 0,
    retentionFiles: () => last?.files.length,
    headroomBytes: () => last && retentionOf(last).headroomBytes,
    headroomSeconds: () => last && retentionOf(last).headroomSeconds,
  });

  function retentionOf(poll: Poll) {
    const stored = progress.stored();
    return retention({
      files: poll.files, expireSeconds: poll.expireSeconds, nowMs: serverNow(),
      ...(stored ? { stored: { file: stored.file, pos: stored.pos, ...(stored.ts_sec === undefined ? {} : { tsSec: stored.ts_sec }) } } : {}),
    });
  }

  return {
    endpoint: options.endpoint,
    attach(next) {
      progress = next;
    },
    detach(session) {
      if (progress === session) progress = frozen(session);
    },
    acked(records) {
      const now = serverNow();
      for (const record of records) {
        const tsSec = (record.ackToken as { ts_sec?: number } | undefined)?.ts_sec;
        if (tsSec !== undefined) endToEndSeconds.observe({ connector }, Math.max(0, now / 1000 - tsSec));
      }
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      clearInterval(timer);
      unregister();
      await polling;
      await sql?.close().catch(() => undefined);
      sql = null;
    },
  };
}

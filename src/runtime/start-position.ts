// A connector's start position: its stored offset (or the binlog's current end), turned into the
// GTID position and skip the pipeline starts from, after checking that the server still has it.
// Also explains the server's refusal (error 1236) with the same facts when it comes later.
import { BinlogdError } from '../errors.js';
import type { OffsetStore } from '../offsets/offset-store.js';
import type { ResumePoint } from '../offsets/position-tracker.js';
import { chooseResume } from '../offsets/resume-choice.js';
import { parseOffset, type SourceOffset } from '../offsets/source-offset.js';
import { binaryLogs, gtidPositionAt, oldestPosition } from '../source/binlog-positions.js';
import type { GtidSourceFilter } from '../source/gtid-filter.js';
import { formatGtid, GtidPosition } from '../source/gtid-position.js';
import { positionLostError, purgedDomains } from '../source/position-lost.js';
import type { SqlClient } from '../source/sql-client.js';
import type { Logger } from './logger.js';

export interface StartPositionInput {
  sql: SqlClient;
  offsets: OffsetStore;
  connector: string;
  topicPrefix: string;
  /** host:port of the source, for messages. */
  server: string;
  /** The server's @@gtid_binlog_pos. */
  serverEnd: string;
  filter?: GtidSourceFilter;
  log: Logger;
}

export interface StartPosition {
  point: ResumePoint;
  /** The stored offset resumed from, if any. */
  stored?: SourceOffset;
}

export async function startPosition(input: StartPositionInput): Promise<StartPosition> {
  const { offsets, connector, topicPrefix, log } = input;
  const raw = await offsets.latest(connector, topicPrefix);
  const stored = raw ? parseStored(raw, input) : undefined;
  let choice;
  try {
    choice = chooseResume({ stored, serverEnd: input.serverEnd, ...(input.filter ? { filter: input.filter } : {}) });
  } catch (error) {
    throw unusable(input, (error as Error).message, error);
  }
  if (choice.kind === 'end') {
    log.info({ gtids: choice.gtids }, 'no stored offset: reading from the current end of the binlog');
    return { point: { gtids: choice.gtids } };
  }
  let gtids: string;
  if (choice.kind === 'file') {
    gtids = await gtidsAtFilePos(input, choice.file, choice.pos, describe(stored!));
    log.info({ file: choice.file, pos: choice.pos, gtids }, 'the stored offset has no GTID set: resuming from its binlog file and position');
  } else {
    gtids = choice.gtids;
    if (choice.dropped.length > 0) log.warn({ dropped: choice.dropped.map(formatGtid) }, 'gtid.source.* leave out these stored GTIDs of domains the server does not have');
    if (choice.keptExcluded.length > 0) log.info({ kept: choice.keptExcluded.map(formatGtid) }, 'stored GTIDs of sources gtid.source.* leave out are kept: the server still has their domains');
  }
  await ensureAvailable(input, gtids, describe(stored!));
  log.info({ offset: stored, gtids }, 'resuming from the stored offset');
  return { point: { gtids, ...(choice.event ? { event: choice.event } : {}), ...(choice.row ? { row: choice.row } : {}) }, stored: stored! };
}

/**
 * The server refused to send from `gtids` (error 1236, SOURCE_POSITION_LOST): the same message as
 * the check at start, naming what was purged if that is why. Falls back to `error` itself.
 */
export async function explainPositionLost(input: Omit<StartPositionInput, 'offsets' | 'serverEnd' | 'log'> & { offsetsTopic: string }, gtids: string, error: BinlogdError): Promise<BinlogdError> {
  try {
    const oldest = await oldestPosition(input.sql);
    return positionLostError({
      connector: input.connector, topicPrefix: input.topicPrefix, offsetsTopic: input.offsetsTopic, server: input.server,
      stored: `GTID position ${gtids || '(empty)'}`, oldest,
      purged: oldest ? purgedDomains(GtidPosition.parse(gtids), GtidPosition.parse(oldest.gtids)) : [],
      cause: error,
      ...(error.cause instanceof Error ? { serverSaid: error.cause.message } : {}),
    });
  } catch {
    return error;
  }
}

function parseStored(raw: Record<string, unknown>, input: StartPositionInput): SourceOffset {
  try {
    return parseOffset(raw);
  } catch (error) {
    throw unusable(input, (error as Error).message, error);
  }
}

function unusable(input: StartPositionInput, reason: string, cause: unknown): BinlogdError {
  const { connector, offsets } = input;
  return new BinlogdError('CONFIG_INVALID',
    `the stored offset of ${connector} in ${offsets.topic} cannot be resumed from: ${reason}; reset it (stop the connector and DELETE /connectors/${connector}/offsets, or write a tombstone for its key)`,
    { cause });
}

function describe(offset: SourceOffset): string {
  return `${offset.gtids !== undefined ? `GTID position ${offset.gtids} ` : ''}(file ${offset.file}, pos ${offset.pos}${offset.event ? `, event ${offset.event}` : ''}${offset.row ? `, row ${offset.row}` : ''})`;
}

/** The GTID position at a stored file/pos; fails naming the file when it was purged. */
async function gtidsAtFilePos(input: StartPositionInput, file: string, pos: number, stored: string): Promise<string> {
  const gtids = await gtidPositionAt(input.sql, file, pos);
  if (gtids !== null) return gtids;
  if (!(await binaryLogs(input.sql)).some((f) => f.name === file)) {
    throw lost(input, stored, await oldestPosition(input.sql), [], file);
  }
  throw unusable(input, `position ${pos} is not the start of an event in binlog file ${file} (BINLOG_GTID_POS('${file}', ${pos}) is NULL)`, undefined);
}

/** Fails when the server's oldest binlog starts after the position (per GTID domain). */
async function ensureAvailable(input: StartPositionInput, gtids: string, stored: string): Promise<void> {
  const oldest = await oldestPosition(input.sql);
  if (!oldest) throw lost(input, stored, null, []);
  const purged = purgedDomains(GtidPosition.parse(gtids), GtidPosition.parse(oldest.gtids));
  if (purged.length > 0) throw lost(input, stored, oldest, purged);
}

function lost(input: StartPositionInput, stored: string, oldest: Awaited<ReturnType<typeof oldestPosition>>, purged: Parameters<typeof positionLostError>[0]['purged'], missingFile?: string): BinlogdError {
  return positionLostError({
    connector: input.connector, topicPrefix: input.topicPrefix, offsetsTopic: input.offsets.topic, server: input.server,
    stored, oldest, purged, ...(missingFile ? { missingFile } : {}),
  });
}

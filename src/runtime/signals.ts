// Debezium's signals (SignalProcessor, ExecuteSnapshot, StopSnapshot…): a row of the signal table,
// or a message of the Kafka signal topic, is an id, a type and a JSON data document. Pure: parses
// one into a typed signal, or says what is wrong with it.

export interface CollectionCondition {
  /** `db.table`, as Debezium names a MariaDB data collection. */
  readonly id: string;
  /** additional-conditions' `filter`: a SQL condition added to each chunk query. */
  readonly filter?: string;
  /** surrogate-key: the column the table is read in chunks by instead of its key. */
  readonly surrogateKey?: string;
}

export type Signal =
  | { kind: 'execute-snapshot'; id: string; collections: readonly CollectionCondition[] }
  /** Debezium 2.5+ `"type":"blocking"`: streaming pauses while the tables are read (blocking-snapshot.ts). */
  | { kind: 'execute-blocking-snapshot'; id: string; collections: readonly CollectionCondition[] }
  | { kind: 'stop-snapshot'; id: string; collections: readonly string[] }
  | { kind: 'pause-snapshot'; id: string }
  | { kind: 'resume-snapshot'; id: string }
  | { kind: 'snapshot-window-open'; id: string }
  | { kind: 'snapshot-window-close'; id: string }
  /** A signal binlogd does not act on (log, unknown snapshot types…): logged, nothing else. */
  | { kind: 'ignored'; id: string; reason: string };

/** One signal from its three fields; unknown types and bad data become `ignored` with the reason. */
export function parseSignal(id: unknown, type: unknown, data: unknown): Signal {
  const signalId = String(id ?? '');
  const signalType = String(type ?? '');
  switch (signalType) {
    case 'snapshot-window-open':
    case 'snapshot-window-close':
      return { kind: signalType, id: signalId };
    case 'pause-snapshot':
    case 'resume-snapshot':
      return { kind: signalType, id: signalId };
    case 'execute-snapshot':
    case 'stop-snapshot':
      break;
    default:
      return { kind: 'ignored', id: signalId, reason: `signal type '${signalType}' is not supported (binlogd acts on execute-snapshot, stop-snapshot, pause-snapshot, resume-snapshot)` };
  }
  let document: Record<string, unknown>;
  try {
    const parsed: unknown = data === null || data === undefined || data === '' ? {} : JSON.parse(Buffer.isBuffer(data) ? data.toString('utf8') : String(data));
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not a JSON object');
    document = parsed as Record<string, unknown>;
  } catch (error) {
    return { kind: 'ignored', id: signalId, reason: `the data of ${signalType} is not a JSON object (${(error as Error).message}): write it as {"data-collections":["db.table"],"type":"incremental"}` };
  }
  const snapshotType = String(document['type'] ?? 'incremental').toLowerCase();
  const blocking = snapshotType === 'blocking' && signalType === 'execute-snapshot';
  if (snapshotType !== 'incremental' && !blocking) {
    const supported = signalType === 'execute-snapshot' ? '"type":"incremental" or "type":"blocking"' : '"type":"incremental" (a blocking snapshot cannot be stopped)';
    return { kind: 'ignored', id: signalId, reason: `${signalType} with type '${snapshotType}' is not supported: use ${supported}` };
  }
  const listed = document['data-collections'];
  if (listed !== undefined && (!Array.isArray(listed) || !listed.every((c) => typeof c === 'string' && c.trim() !== ''))) {
    return { kind: 'ignored', id: signalId, reason: `data-collections of ${signalType} must be a list of table names (db.table), got ${JSON.stringify(listed)}` };
  }
  const names = ((listed ?? []) as string[]).map((name) => name.trim());
  if (signalType === 'stop-snapshot') return { kind: 'stop-snapshot', id: signalId, collections: names };
  if (names.length === 0) return { kind: 'ignored', id: signalId, reason: 'execute-snapshot needs data-collections: a non-empty list of tables (db.table)' };
  const filters = additionalConditions(document['additional-conditions']);
  if (typeof filters === 'string') return { kind: 'ignored', id: signalId, reason: filters };
  if (blocking) {
    return { kind: 'execute-blocking-snapshot', id: signalId, collections: names.map((name) => ({ id: name, ...(filters.has(name) ? { filter: filters.get(name)! } : {}) })) };
  }
  // Debezium's SnapshotConfiguration: one surrogate-key for every table of the signal.
  const surrogate = document['surrogate-key'];
  if (surrogate !== undefined && surrogate !== null && typeof surrogate !== 'string') {
    return { kind: 'ignored', id: signalId, reason: `surrogate-key of execute-snapshot must be a column name, got ${JSON.stringify(surrogate)}` };
  }
  const surrogateKey = typeof surrogate === 'string' && surrogate.trim() !== '' ? { surrogateKey: surrogate.trim() } : {};
  return {
    kind: 'execute-snapshot', id: signalId,
    collections: names.map((name) => ({ id: name, ...(filters.has(name) ? { filter: filters.get(name)! } : {}), ...surrogateKey })),
  };
}

function additionalConditions(value: unknown): Map<string, string> | string {
  const filters = new Map<string, string>();
  if (value === undefined || value === null) return filters;
  if (!Array.isArray(value)) return 'additional-conditions must be a list of {"data-collection": "db.table", "filter": "<SQL condition>"}';
  for (const entry of value) {
    const collection = (entry as Record<string, unknown> | null)?.['data-collection'];
    const filter = (entry as Record<string, unknown> | null)?.['filter'];
    if (typeof collection !== 'string' || typeof filter !== 'string') {
      return `each additional-conditions entry needs "data-collection" and "filter" strings, got ${JSON.stringify(entry)}`;
    }
    if (filter.trim() !== '') filters.set(collection.trim(), filter);
  }
  return filters;
}

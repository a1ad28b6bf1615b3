// How far an incremental snapshot got, kept in every offset while it runs so a restart resumes at
// the next chunk. The collection list uses Debezium's own offset keys and shape
// (IncrementalSnapshotContext: incremental_snapshot_collections, _correlation_id); the keys are
// binlogd's JSON under its own name (Debezium's incremental_snapshot_primary_key is a Java-serialized
// array, which binlogd neither reads nor writes). Pure: encode, decode, advance.
import type { CollectionCondition } from './signals.js';

export interface IncrementalState {
  /** The id of the execute-snapshot signal that started it. */
  readonly correlationId: string;
  /** Tables still to read, the one being read first. */
  readonly collections: readonly CollectionCondition[];
  /** Primary key of the last row read from the first collection; null: from its start. */
  readonly lastKey: readonly unknown[] | null;
  /** The first collection's largest key when its reading began (rows inserted later are streamed). */
  readonly maxKey: readonly unknown[] | null;
}

export interface IncrementalOffsetKeys {
  incremental_snapshot_correlation_id?: string;
  incremental_snapshot_collections?: string;
  incremental_snapshot_binlogd_keys?: string;
}

export function encodeIncrementalState(state: IncrementalState | null): IncrementalOffsetKeys {
  if (state === null || state.collections.length === 0) return {};
  return {
    incremental_snapshot_correlation_id: state.correlationId,
    incremental_snapshot_collections: JSON.stringify(state.collections.map((c) => ({
      incremental_snapshot_collections_id: c.id,
      incremental_snapshot_collections_additional_condition: c.filter ?? null,
      incremental_snapshot_collections_surrogate_key: c.surrogateKey ?? null,
    }))),
    incremental_snapshot_binlogd_keys: JSON.stringify({ last: encodeKey(state.lastKey), max: encodeKey(state.maxKey) }),
  };
}

/** The state stored in an offset map, or null when none runs; throws naming the bad key. */
export function decodeIncrementalState(map: Readonly<Record<string, unknown>>): IncrementalState | null {
  const collectionsText = map['incremental_snapshot_collections'];
  if (typeof collectionsText !== 'string' || collectionsText === '') return null;
  const parsed = JSON.parse(collectionsText) as unknown;
  if (!Array.isArray(parsed)) throw new Error(`offset key incremental_snapshot_collections is not a list: ${collectionsText.slice(0, 200)}`);
  const collections = parsed.map((entry: Record<string, unknown>) => {
    const id = entry?.['incremental_snapshot_collections_id'];
    if (typeof id !== 'string') throw new Error(`offset key incremental_snapshot_collections has an entry without a table: ${JSON.stringify(entry)}`);
    const filter = entry['incremental_snapshot_collections_additional_condition'];
    const surrogateKey = entry['incremental_snapshot_collections_surrogate_key'];
    return {
      id,
      ...(typeof filter === 'string' && filter !== '' ? { filter } : {}),
      ...(typeof surrogateKey === 'string' && surrogateKey !== '' ? { surrogateKey } : {}),
    };
  });
  const keysText = map['incremental_snapshot_binlogd_keys'];
  // Written by Debezium (no binlogd keys): the first table is read again from its start.
  const keys = typeof keysText === 'string' ? JSON.parse(keysText) as { last?: unknown; max?: unknown } : {};
  return {
    correlationId: String(map['incremental_snapshot_correlation_id'] ?? ''),
    collections,
    lastKey: decodeKey(keys.last),
    maxKey: decodeKey(keys.max),
  };
}

/** After a chunk: the first collection continues after `lastKey`, or is done when `lastKey` is null. */
export function afterChunk(state: IncrementalState, lastKey: readonly unknown[] | null): IncrementalState {
  if (lastKey !== null) return { ...state, lastKey };
  return { ...state, collections: state.collections.slice(1), lastKey: null, maxKey: null };
}

/** Adds tables (execute-snapshot) not yet queued. */
export function withCollections(state: IncrementalState | null, correlationId: string, added: readonly CollectionCondition[]): IncrementalState {
  const base = state ?? { correlationId, collections: [], lastKey: null, maxKey: null };
  const queued = new Set(base.collections.map((c) => c.id));
  const collections = [...base.collections, ...added.filter((c) => !queued.has(c.id))];
  return { ...base, correlationId: base.collections.length === 0 ? correlationId : base.correlationId, collections };
}

/** Removes tables (stop-snapshot; every table when `ids` is empty); null when none remain. */
export function withoutCollections(state: IncrementalState | null, ids: readonly string[]): IncrementalState | null {
  if (state === null || ids.length === 0) return null;
  const first = state.collections[0]?.id;
  const collections = state.collections.filter((c) => !ids.includes(c.id));
  if (collections.length === 0) return null;
  return collections[0]!.id === first ? { ...state, collections } : { ...state, collections, lastKey: null, maxKey: null };
}

// Key values as the snapshot connection reads them: text, numbers, or bytes.
function encodeKey(key: readonly unknown[] | null): unknown {
  if (key === null) return null;
  return key.map((value) => Buffer.isBuffer(value) ? { hex: value.toString('hex') } : typeof value === 'bigint' ? value.toString() : value);
}

function decodeKey(value: unknown): unknown[] | null {
  if (!Array.isArray(value)) return null;
  return value.map((v: unknown) => typeof v === 'object' && v !== null && typeof (v as { hex?: unknown }).hex === 'string' ? Buffer.from((v as { hex: string }).hex, 'hex') : v);
}

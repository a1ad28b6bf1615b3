// Replays a table's change records (decoded Avro, in topic order) into the table state they
// describe, checking on the way that they fit together: a snapshot row read once, every update and
// delete's `before` equal to the state so far (no change missed), no insert of a present row (no
// change applied twice).
import assert from 'node:assert/strict';
import { asJsonPayload, readAvroTopic, type DecodedRecord } from './avro-topic.js';

export interface Replay {
  /** Key (JSON) → the row's final `after`. */
  state: Map<string, Record<string, unknown>>;
  snapshotRows: number;
}

export function replayChanges(records: readonly DecodedRecord[], keyOf: (row: Record<string, unknown>) => string): Replay {
  const state = new Map<string, Record<string, unknown>>();
  const snapshotted = new Set<string>();
  records.forEach((record, i) => {
    if (record.value === null) return; // tombstone
    const value = asJsonPayload(record.value) as { op: string; before: Record<string, unknown> | null; after: Record<string, unknown> | null };
    const key = keyOf((value.after ?? value.before)!);
    const where = `record ${i} (${value.op} ${key})`;
    switch (value.op) {
      case 'r':
        assert.ok(!snapshotted.has(key), `${where}: snapshot row read twice`);
        snapshotted.add(key);
        assert.ok(!state.has(key), `${where}: snapshot row after a change of the same row`);
        state.set(key, value.after!);
        break;
      case 'c':
        assert.ok(!state.has(key), `${where}: insert of a row already present (a change applied twice)`);
        state.set(key, value.after!);
        break;
      case 'u':
        assert.deepEqual(value.before, state.get(key), `${where}: update from a state the records never reached`);
        state.set(key, value.after!);
        break;
      case 'd':
        assert.deepEqual(value.before, state.get(key), `${where}: delete from a state the records never reached`);
        state.delete(key);
        break;
      default:
        assert.fail(`${where}: unexpected op`);
    }
  });
  return { state, snapshotRows: snapshotted.size };
}

/** Reads a topic until a record satisfies `done` (records arrive in order on one partition). */
export async function readTopicUntil(topic: string, done: (record: DecodedRecord) => boolean, atLeast: number, timeoutMs: number, brokers?: string[]): Promise<DecodedRecord[]> {
  const deadline = Date.now() + timeoutMs;
  let count = atLeast;
  for (;;) {
    const records = await readAvroTopic(topic, count, Math.max(5_000, Math.min(30_000, deadline - Date.now())), brokers);
    if (records.some(done)) return records;
    if (Date.now() > deadline) throw new Error(`${topic}: the expected last record did not arrive (${records.length} records read)`);
    count = records.length + 1;
  }
}

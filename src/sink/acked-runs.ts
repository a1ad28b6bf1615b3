// What the threaded sink remembers of the records awaiting acknowledgement: runs of one topic, the
// last record of a run carrying the caller's ackToken, instead of the records themselves.
import type { OutRecord } from './batcher.js';

/** `count` consecutive records of one topic; the last of them carried `ackToken`, if set. */
export interface AckedRun {
  topic: string;
  count: number;
  ackToken?: unknown;
}

export function retain(runs: AckedRun[], record: OutRecord): void {
  const last = runs[runs.length - 1];
  if (last !== undefined && last.topic === record.topic && last.ackToken === undefined) {
    last.count++;
    if (record.ackToken !== undefined) last.ackToken = record.ackToken;
  } else {
    runs.push(record.ackToken === undefined ? { topic: record.topic, count: 1 } : { topic: record.topic, count: 1, ackToken: record.ackToken });
  }
}

/** Removes and returns the runs of the first `count` records (splitting a run the count ends inside). */
export function takeRuns(runs: AckedRun[], count: number): AckedRun[] {
  const taken: AckedRun[] = [];
  while (count > 0 && runs.length > 0) {
    const first = runs[0]!;
    if (first.count <= count) {
      taken.push(runs.shift()!);
      count -= first.count;
    } else {
      taken.push({ topic: first.topic, count });
      first.count -= count;
      count = 0;
    }
  }
  return taken;
}

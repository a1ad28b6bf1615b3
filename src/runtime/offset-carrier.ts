// How a group of outgoing records carries the source offset it completes: on its last record, or,
// when transforms or the error policy left none, on an offsets-topic record of its own, so the
// position still reaches Kafka (in the sink's transaction when exactly once).
import type { SourceOffset } from '../offsets/source-offset.js';
import type { OutgoingRecord, RecordSink } from './streaming-pipeline.js';

export function sendCarryingOffset(
  sink: RecordSink, offsetRecord: (offset: SourceOffset) => OutgoingRecord,
  out: OutgoingRecord[], ackToken: SourceOffset | undefined, from = 0,
): void | Promise<void> {
  if (ackToken && out.length === 0) out.push(offsetRecord(ackToken));
  for (let i = from; i < out.length; i++) {
    const record = out[i]!;
    const pending = sink.send(ackToken && i === out.length - 1 ? { ...record, ackToken } : record);
    if (pending) return pending.then(() => sendCarryingOffset(sink, offsetRecord, out, ackToken, i + 1));
  }
}

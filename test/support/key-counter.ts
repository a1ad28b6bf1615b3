// A light read_committed counter of a topic's records per integer key, for tests with far too
// many records to decode (the 1,000,000-row transaction): only the key id is parsed, into a
// bitmap. And binlogd's peak RSS as the kernel counts it.
import { readFileSync } from 'node:fs';
import { Kafka, logLevel } from 'kafkajs';
import type { BinlogdProcess } from './binlogd-process.js';
import { sleep } from './change-workload.js';
import { loadStackEnv, uniqueName } from './stack-env.js';

/** binlogd's peak resident set (VmHWM) in MB, main and sink threads together. */
export function peakRssMb(proc: BinlogdProcess): number {
  const status = readFileSync(`/proc/${proc.child.pid}/status`, 'utf8');
  return Math.round(Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024);
}

/** The Avro key `{id: int}`: after the 5-byte wire header, one zig-zag varint. */
export function keyId(key: Buffer): number {
  let value = 0;
  let shift = 1;
  for (let i = 5; i < key.length; i++) {
    const byte = key[i]!;
    value += (byte & 0x7f) * shift;
    if ((byte & 0x80) === 0) break;
    shift *= 128;
  }
  return value / 2;
}

/** Counts a topic's records per key id (read_committed) until `rows` distinct ids came and then 2 s of quiet. */
export async function countKeys(topic: string, rows: number, onProgress: (distinct: number) => void, timeoutMs: number, brokers?: string[]) {
  const kafka = new Kafka({ brokers: brokers ?? loadStackEnv().kafkaBrokers, clientId: 'large-tx-counter', logLevel: logLevel.NOTHING });
  const consumer = kafka.consumer({ groupId: uniqueName('large_tx'), maxBytes: 16 << 20 });
  const seen = new Uint8Array(rows + 1);
  let records = 0;
  let distinct = 0;
  let duplicates = 0;
  let others = 0;
  let lastArrival = Date.now();
  const deadline = Date.now() + timeoutMs;
  // binlogd creates the topic before its first record.
  const admin = kafka.admin();
  await admin.connect();
  while (!(await admin.listTopics()).includes(topic) && Date.now() < deadline) await sleep(200);
  await admin.disconnect();
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachBatch: async ({ batch }) => {
        for (const m of batch.messages) {
          records++;
          const id = m.key === null ? -1 : keyId(m.key);
          if (id < 1 || id > rows || m.value === null) others++;
          else if (seen[id] === 0) {
            seen[id] = 1;
            distinct++;
          } else duplicates++;
        }
        lastArrival = Date.now();
        onProgress(distinct);
      },
    });
    while ((distinct < rows || Date.now() - lastArrival < 2000) && Date.now() < deadline) await sleep(200);
  } finally {
    await consumer.disconnect();
  }
  return { records, distinct, duplicates, others };
}


// Debezium's Kafka signal channel (signal.kafka.topic): a message whose key is the connector's
// topic.prefix and whose value is {"type": …, "data": {…}} is a signal, with the message offset as
// its id. The topic is polled every signal.poll.interval.ms: its end offsets first (cheap), and
// only when they moved are the new messages read. Signals already in the topic when the connector
// starts are not acted on (binlogd keeps no consumer position for this channel).
import { BinlogdError } from '../errors.js';
import type { KafkaClient, PartitionOffsets } from '../sink/kafka-client.js';
import type { Logger } from './logger.js';
import { parseSignal, type Signal } from './signals.js';

export interface KafkaSignalOptions {
  client: KafkaClient;
  topic: string;
  /** topic.prefix: messages with another key are meant for another connector. */
  key: string;
  intervalMs: number;
  apply: (signal: Signal) => void;
  log: Logger;
}

export class KafkaSignalChannel {
  private seen = new Map<number, bigint>();
  private timer: NodeJS.Timeout | undefined;
  private readonly stopping = new AbortController();
  private polling: Promise<void> | null = null;
  private readonly admin;

  constructor(private readonly options: KafkaSignalOptions) {
    this.admin = options.client.createAdmin();
  }

  async start(): Promise<void> {
    await this.admin.connect();
    for (const p of await this.endOffsets()) this.seen.set(p.partition, p.high);
    this.timer = setInterval(() => {
      if (this.polling) return;
      this.polling = this.poll().catch((error: unknown) => {
        // A broker hiccup costs one interval: the next poll reads the same messages again.
        if (!this.stopping.signal.aborted) this.options.log.warn({ err: error, topic: this.options.topic }, 'reading the Kafka signal topic failed; retrying');
      }).finally(() => { this.polling = null; });
    }, this.options.intervalMs);
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.stopping.abort(new BinlogdError('INTERNAL', 'signal channel stopping'));
    await this.polling;
    await this.admin.disconnect().catch(() => undefined);
  }

  /** The topic's end offsets; none while it does not exist yet (it may be created later). */
  private async endOffsets(): Promise<PartitionOffsets[]> {
    const counts = await this.admin.fetchPartitionCounts([this.options.topic]);
    return counts.has(this.options.topic) ? this.admin.fetchTopicOffsets(this.options.topic) : [];
  }

  private async poll(): Promise<void> {
    const ends = await this.endOffsets();
    const fresh = ends.filter((p) => p.high > (this.seen.get(p.partition) ?? 0n));
    if (fresh.length === 0) return;
    const { topic, key, log } = this.options;
    const received: Array<{ partition: number; offset: bigint; signal: Signal }> = [];
    await this.options.client.readTopic({
      topic, until: fresh.map((p) => ({ ...p, low: this.seen.get(p.partition) ?? p.low })), signal: this.stopping.signal,
      onRecord: (record) => {
        if (record.offset < (this.seen.get(record.partition) ?? 0n)) return;
        if (record.key?.toString('utf8') !== key) return;
        received.push({ partition: record.partition, offset: record.offset, signal: parseKafkaSignal(String(record.offset), record.value) });
      },
    });
    for (const p of fresh) this.seen.set(p.partition, p.high);
    for (const { offset, signal } of received) {
      log.info({ topic, offset: String(offset), type: signal.kind }, 'signal received from Kafka');
      this.options.apply(signal);
    }
  }
}

/** The message value {"type": …, "data": {…}} as a signal. */
export function parseKafkaSignal(id: string, value: Buffer | null): Signal {
  let message: { type?: unknown; data?: unknown };
  try {
    message = JSON.parse(value?.toString('utf8') ?? 'null') as { type?: unknown; data?: unknown };
    if (typeof message !== 'object' || message === null) throw new Error('not a JSON object');
  } catch (error) {
    return { kind: 'ignored', id, reason: `a Kafka signal must be JSON {"type": "execute-snapshot", "data": {...}} (${(error as Error).message})` };
  }
  const data = message.data === undefined || message.data === null ? null : JSON.stringify(message.data);
  const signal = parseSignal(id, message.type, data);
  if (signal.kind === 'snapshot-window-open' || signal.kind === 'snapshot-window-close') {
    return { kind: 'ignored', id, reason: `${signal.kind} is written by binlogd itself to the signal table, not sent through Kafka` };
  }
  return signal;
}

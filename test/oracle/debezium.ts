// Captures tables with the real Debezium MariaDB connector, so tests can compare binlogd's records
// with Debezium's own. The Kafka Connect worker (oracle.sh) is started once and reused; each capture
// adds a connector with its own topic prefix and server id, and removes it afterwards.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { loadStackEnv, repoRoot, uniqueName } from '../support/stack-env.js';
import { connectAsRoot } from '../support/mariadb.js';

const CONNECT_URL = 'http://127.0.0.1:18083';
const MARKER_TABLE = 'binlogd_oracle.marker';

/** One record as Debezium + JsonConverter (schemas.enable=true) wrote it. */
export interface DebeziumRecord {
  topic: string;
  partition: number;
  offset: string;
  key: { schema: unknown; payload: any } | null;
  value: { schema: unknown; payload: any } | null;
  headers: Record<string, string>;
  /** The record's bytes as text, as Debezium's converter wrote them (null for a Kafka null). */
  rawKey: string | null;
  rawValue: string | null;
}

export interface CaptureOptions {
  /** Captured tables as `db.table`; they must exist before the capture starts. */
  tables: string[];
  /**
   * The changes to capture; runs once Debezium is streaming. It sees the records captured so far
   * (to wait for an incremental snapshot) and the connector's name (for its stored offsets).
   */
  write: (progress: CaptureProgress) => Promise<void>;
  /** Further Debezium connector properties, e.g. `decimal.handling.mode`; a function gets the capture's topic prefix. */
  config?: Record<string, string> | ((topicPrefix: string) => Record<string, string>);
  /** Further topics to capture (where transforms route records), given the capture's topic prefix. */
  topics?: (topicPrefix: string) => string[];
  timeoutMs?: number;
  /**
   * Take Debezium's initial snapshot of `tables` (snapshot.mode=initial, only these tables) before
   * streaming; default: no data snapshot (no_data).
   */
  snapshot?: boolean;
  /**
   * The MariaDB the connector reads (a release line of the stack, same host and accounts as the
   * main server); default: the main server. The Connect worker is shared, so each connector names its server.
   */
  mariadbPort?: number;
}

export interface CaptureProgress {
  /** Records captured so far, growing while write() runs (the marker table's included). */
  readonly records: readonly DebeziumRecord[];
  /** The Debezium connector's name in Kafka Connect. */
  readonly connector: string;
}

export interface Capture {
  topicPrefix: string;
  /** Records of the captured tables, per topic in Kafka order. */
  records: DebeziumRecord[];
}

export async function captureWithDebezium(options: CaptureOptions): Promise<Capture> {
  const timeoutMs = options.timeoutMs ?? 60_000;
  const deadline = Date.now() + timeoutMs;
  const env = loadStackEnv();
  const mariadbPort = options.mariadbPort ?? env.mariadb.port;
  startOracle();
  const db = await connectAsRoot(mariadbPort);
  await db.query(`CREATE DATABASE IF NOT EXISTS binlogd_oracle;
    CREATE TABLE IF NOT EXISTS ${MARKER_TABLE} (id BIGINT AUTO_INCREMENT PRIMARY KEY, token VARCHAR(64))`);

  const name = uniqueName('oracle');
  const topicPrefix = name;
  const markerTopic = `${topicPrefix}.${MARKER_TABLE}`;
  const topics = [...new Set([...options.tables.map((table) => `${topicPrefix}.${table}`), markerTopic, ...(options.topics?.(topicPrefix) ?? [])])];
  const config = typeof options.config === 'function' ? options.config(topicPrefix) : options.config ?? {};
  const kafka = new Kafka({ brokers: env.kafkaBrokers, clientId: name, logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: topics.map((topic) => ({ topic, numPartitions: 1 })), waitForLeaders: true });

  const records: DebeziumRecord[] = [];
  const consumer = kafka.consumer({ groupId: name });
  await consumer.connect();
  await consumer.subscribe({ topics, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ topic, partition, message }) => {
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(message.headers ?? {})) headers[k] = String(v);
      records.push({
        topic, partition, offset: message.offset, headers,
        key: message.key ? JSON.parse(message.key.toString()) : null,
        value: message.value ? JSON.parse(message.value.toString()) : null,
        rawKey: message.key ? message.key.toString() : null,
        rawValue: message.value ? message.value.toString() : null,
      });
    },
  });

  try {
    await connectRest('POST', '/connectors', {
      name,
      config: {
        'connector.class': 'io.debezium.connector.mariadb.MariaDbConnector',
        'database.hostname': env.mariadb.host,
        'database.port': String(mariadbPort),
        'database.user': env.mariadb.user,
        'database.password': env.mariadb.password,
        'database.server.id': String(200_000 + Math.floor(Math.random() * 800_000)),
        'topic.prefix': topicPrefix,
        'snapshot.mode': 'no_data',
        ...(options.snapshot ? { 'snapshot.mode': 'initial', 'snapshot.locking.mode': 'none', 'snapshot.include.collection.list': options.tables.map(escapeRegex).join(',') } : {}),
        'include.schema.changes': 'false',
        'schema.history.internal': 'io.debezium.storage.file.history.FileSchemaHistory',
        'schema.history.internal.file.filename': join(repoRoot, '.stack', 'oracle', `${name}.history`),
        ...config,
        ...captureFilters(options.tables, config),
      },
    });

    // Streaming has begun once a marker row written now comes back through Debezium (as an
    // envelope, or unwrapped when the capture's transforms unwrap).
    const markerSeen = (token: string) =>
      records.some((r) => r.topic === markerTopic && (r.value?.payload?.after?.token ?? r.value?.payload?.token) === token);
    const startToken = `start-${name}`;
    while (!markerSeen(startToken)) {
      await failIfConnectorFailed(name);
      if (Date.now() > deadline) throw new Error(`Debezium connector ${name} did not start streaming; see .stack/oracle/connect.log`);
      await db.query(`INSERT INTO ${MARKER_TABLE} (token) VALUES (?)`, [startToken]);
      await sleep(500);
    }

    await options.write({ records, connector: name });

    const endToken = `end-${name}`;
    await db.query(`INSERT INTO ${MARKER_TABLE} (token) VALUES (?)`, [endToken]);
    await waitUntil(() => markerSeen(endToken), deadline, `the end marker of ${name}`);
    await drainToHighWatermarks(admin, topics, records, deadline);
    return { topicPrefix, records: records.filter((r) => r.topic !== markerTopic) };
  } finally {
    await connectRest('DELETE', `/connectors/${name}`).catch(() => undefined);
    await consumer.disconnect();
    await admin.disconnect();
    await db.end();
  }
}

/**
 * The Debezium connector's stored offset (Kafka Connect's GET /connectors/{name}/offsets; the
 * worker flushes every 500 ms), or null before the first flush.
 */
export async function debeziumOffset(connector: string): Promise<Record<string, unknown> | null> {
  const body = await connectRest('GET', `/connectors/${connector}/offsets`) as { offsets?: Array<{ offset: Record<string, unknown> }> };
  return body.offsets?.[0]?.offset ?? null;
}

/** Starts the Kafka Connect worker if it is not running (idempotent, waits for its REST API). */
export function startOracle(): void {
  execFileSync('bash', [join(repoRoot, 'test', 'oracle', 'oracle.sh'), 'start'], { stdio: ['ignore', 'ignore', 'inherit'] });
}

/**
 * Kafka Connect's producer sends each topic's batches independently, so the end marker can be
 * acknowledged before records of other topics written earlier: wait until the high watermarks
 * stop moving and every record up to them was consumed.
 */
async function drainToHighWatermarks(
  admin: ReturnType<Kafka['admin']>, topics: string[], records: DebeziumRecord[], deadline: number,
): Promise<void> {
  let previous = '';
  for (;;) {
    const highs: number[] = [];
    for (const topic of topics) {
      const [end] = await admin.fetchTopicOffsets(topic);
      highs.push(Number(end?.high ?? '0'));
    }
    for (const [i, topic] of topics.entries()) {
      await waitUntil(() => records.filter((r) => r.topic === topic).length >= highs[i]!, deadline, `all records of ${topic}`);
    }
    const current = highs.join(',');
    if (current === previous) return;
    previous = current;
    await sleep(1000);
  }
}

async function failIfConnectorFailed(name: string): Promise<void> {
  const status = await connectRest('GET', `/connectors/${name}/status`).catch(() => undefined) as any;
  const failed = [status?.connector, ...(status?.tasks ?? [])].find((s) => s?.state === 'FAILED');
  if (failed) throw new Error(`Debezium connector ${name} failed: ${failed.trace ?? 'no trace'}`);
}

/** One Kafka Connect REST call to the oracle; throws with Connect's answer when it is not 2xx. */
export async function connectRest(method: string, path: string, body?: unknown): Promise<unknown> {
  const response = await fetch(CONNECT_URL + path, {
    method,
    headers: { 'Content-Type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`Kafka Connect ${method} ${path}: ${response.status} ${text}`);
  return text ? JSON.parse(text) : undefined;
}

/** The oracle connector's state (RUNNING, PAUSED, STOPPED, FAILED, …). */
export async function connectorState(connector: string): Promise<string | undefined> {
  const status = await connectRest('GET', `/connectors/${connector}/status`) as { connector?: { state?: string } };
  return status.connector?.state;
}

async function waitUntil(condition: () => boolean, deadline: number, what: string): Promise<void> {
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

/**
 * The marker table must be captured too: added to the table include list, or, when the test
 * filters by excluding tables, to the database include list.
 */
function captureFilters(tables: string[], config: Record<string, string>): Record<string, string> {
  if (config['table.exclude.list'] === undefined) {
    return { 'table.include.list': [...tables, MARKER_TABLE].map(escapeRegex).join(',') };
  }
  const databases = config['database.include.list'];
  return databases === undefined ? {} : { 'database.include.list': `${databases},${MARKER_TABLE.split('.')[0]}` };
}

function escapeRegex(table: string): string {
  return table.replace(/[.]/g, '\\.');
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

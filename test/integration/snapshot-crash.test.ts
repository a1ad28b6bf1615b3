// SIGKILL in the middle of the snapshot of a larger table: the restarted connector resumes from
// the last chunk its offsets committed (not from zero), and the topic, read committed, ends with
// every row exactly once (at least once, with at-least-once delivery). The SIGKILL case runs on every
// Kafka line of the stack.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Kafka, logLevel } from 'kafkajs';
import { connectAsRoot } from '../support/mariadb.js';
import { kafkaLines, loadStackEnv, uniqueName } from '../support/stack-env.js';
import { startBinlogd } from '../support/binlogd-process.js';
import { asJsonPayload } from '../support/avro-topic.js';
import { readTopicUntil, replayChanges } from '../support/change-replay.js';

const DB = 'binlogd_test';
/** Rows of the table; at-least-once stores its first offset only after a second, so its table is larger. */
const ROWS_EXACTLY_ONCE = 150_000;
const ROWS_AT_LEAST_ONCE = 400_000;

for (const [index, kafka] of kafkaLines().entries()) {
  // A further line reads a smaller table (still 30 chunks), to keep the suite's time.
  const rows = index === 0 ? ROWS_EXACTLY_ONCE : 60_000;
  test(`${kafka.label}: a snapshot of ${rows.toLocaleString('en')} rows killed midway resumes from its last chunk and ends with every row exactly once`, { timeout: 600_000 },
    () => interruptedSnapshot('SIGKILL', true, { brokers: kafka.brokers, rows }));
}

test('SIGTERM during a snapshot: exit 0 within 10 s; the restart resumes from the last chunk, every row exactly once', { timeout: 600_000 }, () => interruptedSnapshot('SIGTERM'));

test('at-least-once: a snapshot killed midway resumes from the last offset stored, every row at least once', { timeout: 600_000 }, () => interruptedSnapshot('SIGKILL', false));

async function interruptedSnapshot(signal: 'SIGKILL' | 'SIGTERM', exactlyOnce = true, on?: { brokers: string[]; rows: number }): Promise<void> {
  const ROWS = on?.rows ?? (exactlyOnce ? ROWS_EXACTLY_ONCE : ROWS_AT_LEAST_ONCE);
  const brokers = on?.brokers ?? loadStackEnv().kafkaBrokers;
  const db = await connectAsRoot();
  const table = uniqueName('snap_crash');
  const qualified = `${DB}.${table}`;
  const name = uniqueName('snapc');
  const topic = `${name}.${qualified}`;
  const config = {
    'topic.prefix': name, 'snapshot.mode': 'initial', 'snapshot.fetch.size': '2000', 'table.include.list': `${DB}\\.${table}`,
    ...(exactlyOnce ? {} : { 'exactly.once.support': 'false' }),
  };
  await db.query(`CREATE DATABASE IF NOT EXISTS ${DB}`);
  await db.query(`CREATE TABLE ${qualified} (id INT PRIMARY KEY, a VARCHAR(40), b BIGINT, c DATETIME(6))`);
  await db.query(`INSERT INTO ${qualified} SELECT seq, CONCAT('value ', seq), seq * 7, '2024-01-01 00:00:00' + INTERVAL seq SECOND FROM ${DB}.seq_1_to_${ROWS}`);
  const kafka = new Kafka({ brokers, logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  let second: Awaited<ReturnType<typeof startBinlogd>> | undefined;
  try {
    const first = await startBinlogd({ name, config, readyMessage: /^snapshot started/, timeoutMs: 120_000, kafkaBrokers: brokers });
    // Kill once a good part of the table is in the topic (uncommitted records count here too) and,
    // at least once, an offset was stored (every second).
    const deadline = Date.now() + 300_000;
    for (;;) {
      const offsets = await admin.fetchTopicOffsets(topic).catch(() => []);
      const written = offsets.reduce((sum, p) => sum + Number(p.high), 0);
      if (written >= ROWS / 3 && (exactlyOnce || await storedOffsets(first.url, name) > 0)) break;
      if (first.child.exitCode !== null || Date.now() > deadline) assert.fail(`the first run ended or stalled: ${JSON.stringify(first.logs.slice(-5))}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    const signalled = Date.now();
    first.child.kill(signal);
    const code = await first.exited;
    if (signal === 'SIGTERM') {
      assert.equal(code, 0, `exit code after SIGTERM: ${JSON.stringify(first.logs.slice(-5))}`);
      const seconds = (Date.now() - signalled) / 1000;
      assert.ok(seconds < 10, `exited ${seconds} s after SIGTERM`);
      console.log(`SIGTERM during the snapshot: exit 0 after ${seconds.toFixed(2)} s`);
    }

    second = await startBinlogd({ name, config, timeoutMs: 300_000, kafkaBrokers: brokers });
    const resumed = second.logs.find((l) => l['msg'] === 'resuming the snapshot from its last emitted rows');
    assert.ok(resumed, 'the second run resumed the snapshot');
    const completed = second.logs.find((l) => l['msg'] === 'snapshot completed');
    assert.ok(completed && Number(completed['rows']) < ROWS, `the second run read only what was left (${String(completed?.['rows'])} rows)`);

    const records = await readTopicUntil(topic, (r) => (asJsonPayload(r.value) as { source?: { snapshot?: string } } | null)?.source?.snapshot === 'last', ROWS, 300_000, brokers);
    if (exactlyOnce) {
      const replay = replayChanges(records, (row) => String(row['id']));
      assert.equal(replay.snapshotRows, ROWS, 'every row once');
      assert.equal(records.length, ROWS, 'no record twice');
    } else {
      const ids = new Set(records.map((r) => String((asJsonPayload(r.value) as { after: { id: number } }).after.id)));
      assert.equal(ids.size, ROWS, 'every row at least once');
      console.log(`at-least-once: ${records.length - ROWS} rows sent twice`);
    }
    console.log(`second run read ${String(completed['rows'])} of ${ROWS} rows`);
  } finally {
    const code = await second?.stop();
    if (code !== undefined && code !== 0) console.error(JSON.stringify(second!.logs.slice(-8), null, 1), second!.stderr.join(''));
    await admin.disconnect();
    await db.query(`DROP TABLE IF EXISTS ${qualified}`);
    await db.end();
  }
}

async function storedOffsets(url: string, connector: string): Promise<number> {
  const response = await fetch(`${url}/connectors/${connector}/offsets`).catch(() => undefined);
  if (!response?.ok) return 0;
  return ((await response.json()) as { offsets?: unknown[] }).offsets?.length ?? 0;
}

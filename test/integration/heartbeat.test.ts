// Heartbeats: while the captured table stays idle and only an uncaptured table is written, the
// stored offset keeps following the binlog, heartbeat records appear on
// __debezium-heartbeat.<prefix>, and heartbeat.action.query runs on its own connection.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connectAsRoot, currentGtidPosition } from '../support/mariadb.js';
import { loadStackEnv, uniqueName } from '../support/stack-env.js';
import { startBinlogd } from '../support/binlogd-process.js';
import { asJsonPayload, readAvroTopic } from '../support/avro-topic.js';
import { createOffsetStore } from '../../src/offsets/offset-store.js';
import { GtidPosition } from '../../src/source/gtid-position.js';
import { withKafkaAdmin } from '../support/kafka-admin.js';
import { readRawTopic } from '../support/raw-topic.js';

const DB = 'binlogd_test';

for (const exactlyOnce of ['requested', 'false']) {
  test(`an idle captured table: the stored offset follows the binlog through heartbeats (exactly.once.support=${exactlyOnce})`, { timeout: 120_000 }, async () => {
    const db = await connectAsRoot();
    const name = uniqueName('beat');
    const idle = `${DB}.${name}_idle`;
    const busy = `${DB}.${name}_busy`;
    const beats = `${DB}.${name}_hb`;
    await db.query(`CREATE DATABASE IF NOT EXISTS ${DB}; CREATE TABLE ${idle} (id INT PRIMARY KEY); CREATE TABLE ${busy} (id INT PRIMARY KEY);
      CREATE TABLE ${beats} (id INT PRIMARY KEY, n INT NOT NULL)`);
    // The CDC account may write the heartbeat table only, as a user would grant it.
    await db.query(`GRANT INSERT, UPDATE ON ${beats} TO '${loadStackEnv().mariadb.user}'@'127.0.0.1'`);
    const env = loadStackEnv();
    const store = createOffsetStore({ kafka: { brokers: env.kafkaBrokers, clientId: 'heartbeat-test' }, topic: 'binlogd-offsets' });
    let binlogd: Awaited<ReturnType<typeof startBinlogd>> | undefined;
    try {
      binlogd = await startBinlogd({
        name,
        config: {
          'topic.prefix': name,
          'table.include.list': idle.replace('.', '\\.'),
          'heartbeat.interval.ms': '300',
          'heartbeat.action.query': `INSERT INTO ${beats} VALUES (1, 1) ON DUPLICATE KEY UPDATE n = n + 1`,
          'exactly.once.support': exactlyOnce,
        },
      });
      for (let i = 1; i <= 3; i++) {
        await db.query(`INSERT INTO ${busy} VALUES (${i})`);
        const target = GtidPosition.parse(await currentGtidPosition(db));
        const stored = await waitFor(async () => {
          const offset = await store.latest(name, name);
          return offset && covers(GtidPosition.parse(String(offset['gtids'])), target) ? offset : undefined;
        }, `the stored offset to reach ${target} after write ${i}`);
        assert.equal(typeof stored['file'], 'string');
        assert.equal(typeof stored['pos'], 'number');
      }
      const records = await readAvroTopic(`__debezium-heartbeat.${name}`, 3);
      assert.ok(records.length >= 3, `${records.length} heartbeat records`);
      assert.deepEqual(asJsonPayload(records[0]!.key), { serverName: name });
      assert.equal(typeof asJsonPayload((records.at(-1)!.value as { ts_ms: bigint }).ts_ms), 'number');
      const [rows] = await db.query(`SELECT n FROM ${beats} WHERE id = 1`);
      assert.ok(Number((rows as Array<{ n: number }>)[0]?.n) >= 2, 'heartbeat.action.query ran at each heartbeat');
      assert.equal((await readAvroTopic(`${name}.${idle}`, 0, 1000)).length, 0, 'no change record for the idle table');
    } finally {
      const code: number | null = binlogd ? await binlogd.stop() : null;
      await store.close();
      await db.query(`DROP TABLE IF EXISTS ${idle}, ${busy}, ${beats}`);
      await db.end();
      if (binlogd) assert.equal(code, 0, 'binlogd exits 0 on SIGTERM');
    }
  });
}

/** Whether `position` includes every domain's sequence of `target`. */
function covers(position: GtidPosition, target: GtidPosition): boolean {
  return target.toString().split(',').filter(Boolean).every((gtid) => {
    const [domain, , seq] = gtid.split('-');
    const mine = position.toString().split(',').find((g) => g.startsWith(`${domain}-`));
    return mine !== undefined && BigInt(mine.split('-')[2]!) >= BigInt(seq!);
  });
}

async function waitFor<T>(probe: () => Promise<T | undefined>, what: string, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
}

test('heartbeats and schema changes go to partition 0 of multi-partition topics, as Debezium writes them', { timeout: 120_000 }, async () => {
  const db = await connectAsRoot();
  const name = uniqueName('beat0');
  const table = `${DB}.${name}`;
  const env = loadStackEnv();
  await db.query(`CREATE DATABASE IF NOT EXISTS ${DB}`);
  await withKafkaAdmin({ brokers: env.kafkaBrokers, clientId: 'heartbeat-partition-test' }, async (admin, created) => {
    const heartbeats = `__debezium-heartbeat.${name}`;
    await admin.createTopics([{ topic: heartbeats, partitions: 4, replicationFactor: -1 }, { topic: name, partitions: 3, replicationFactor: -1 }]);
    created.push(heartbeats, name);
    const binlogd = await startBinlogd({
      name,
      config: {
        'topic.prefix': name, 'table.include.list': table.replace('.', '\\.'), 'snapshot.mode': 'no_data',
        'include.schema.changes': 'true', 'heartbeat.interval.ms': '200',
      },
    });
    try {
      // DDL of several tables (each schema change record is keyed by the database: one hash),
      // and writes so heartbeats have a position.
      for (let i = 0; i < 4; i++) await db.query(`CREATE TABLE ${table}_${i} (id INT PRIMARY KEY)`);
      await db.query(`CREATE TABLE ${table} (id INT PRIMARY KEY); INSERT INTO ${table} VALUES (1)`);
      const beats = await readRawTopic(heartbeats, 8, 60_000);
      assert.deepEqual([...new Set(beats.map((r) => r.partition))], [0], 'every heartbeat on partition 0');
      const changes = await readRawTopic(name, 5, 60_000);
      assert.deepEqual([...new Set(changes.map((r) => r.partition))], [0], 'every schema change on partition 0');
    } finally {
      assert.equal(await binlogd.stop(), 0);
      await db.query(`DROP TABLE IF EXISTS ${table}, ${table}_0, ${table}_1, ${table}_2, ${table}_3`);
    }
  }).finally(() => db.end());
});

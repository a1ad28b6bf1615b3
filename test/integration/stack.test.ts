// The local stack's services, each reached with the library binlogd uses for it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import ZongJi from '@vlasky/zongji';
import { Kafka, logLevel } from 'kafkajs';
import { SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import { loadStackEnv, uniqueName } from '../support/stack-env.js';
import { connectAsRoot, currentGtidPosition } from '../support/mariadb.js';

const env = loadStackEnv();

interface SeenRow { gtid: string | undefined; table: string; row: Record<string, unknown> }

/** Starts zongji at the end of the binlog as the CDC user and collects the rows of one table. */
async function watchTable(port: number, table: string): Promise<{ rows: SeenRow[]; stop: () => void }> {
  const zongji = new ZongJi({ ...env.mariadb, port });
  const rows: SeenRow[] = [];
  let gtid: string | undefined;
  zongji.on('binlog', (event: any) => {
    const name = event.getEventName();
    if (name === 'mariadbgtid') gtid = event.gtid;
    if (name === 'writerows' && event.tableMap[event.tableId].tableName === table) {
      for (const row of event.rows) rows.push({ gtid, table, row });
    }
  });
  const ready = new Promise<void>((resolve, reject) => {
    zongji.once('ready', () => resolve());
    zongji.once('error', reject);
  });
  zongji.start({
    serverId: 1000 + Math.floor(Math.random() * 100000),
    startAtEnd: true,
    includeEvents: ['mariadbgtid', 'tablemap', 'writerows'],
  });
  await ready;
  return { rows, stop: () => zongji.stop() };
}

async function waitFor(condition: () => boolean, what: string, timeoutMs = 15000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

for (const server of [
  { name: 'the stack server', port: env.mariadb.port },
  { name: "the users' settings (GTID domain 1, compressed binlog)", port: env.mariadbUserExamplePort },
]) {
  test(`zongji sees a written row with its MariaDB GTID on ${server.name}`, async () => {
    const conn = await connectAsRoot(server.port);
    const table = uniqueName('zongji');
    try {
      await conn.query('CREATE DATABASE IF NOT EXISTS binlogd_test');
      await conn.query(`CREATE TABLE binlogd_test.${table} (id INT PRIMARY KEY, note VARCHAR(400))`);
      const watcher = await watchTable(server.port, table);
      try {
        // Long enough for log_bin_compress_min_len (256) to compress the event.
        const note = 'x'.repeat(300);
        await conn.query(`INSERT INTO binlogd_test.${table} VALUES (1, ?)`, [note]);
        const gtid = await currentGtidPosition(conn);
        await waitFor(() => watcher.rows.length === 1, 'the row in the binlog');
        const seen = watcher.rows[0]!;
        assert.deepEqual(seen.row, { id: 1, note });
        assert.match(seen.gtid ?? '', /^\d+-\d+-\d+$/);
        assert.ok(gtid.split(',').includes(seen.gtid!), `${seen.gtid} is in @@gtid_binlog_pos ${gtid}`);
      } finally {
        watcher.stop();
      }
    } finally {
      await conn.query(`DROP TABLE IF EXISTS binlogd_test.${table}`);
      await conn.end();
    }
  });
}

test('a message produced with kafkajs is consumed back', async () => {
  const kafka = new Kafka({ brokers: env.kafkaBrokers, clientId: 'binlogd-test', logLevel: logLevel.NOTHING });
  const topic = uniqueName('stack-roundtrip');
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
  await admin.disconnect();

  const producer = kafka.producer({ idempotent: true });
  await producer.connect();
  await producer.send({ topic, acks: -1, messages: [{ key: 'k', value: 'hello', headers: { h: 'v' } }] });
  await producer.disconnect();

  const consumer = kafka.consumer({ groupId: uniqueName('stack-roundtrip') });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  const received = await new Promise<{ key: string; value: string; header: string }>((resolve) => {
    void consumer.run({
      eachMessage: async ({ message }) => resolve({
        key: String(message.key),
        value: String(message.value),
        header: String(message.headers?.['h']),
      }),
    });
  });
  await consumer.disconnect();
  assert.deepEqual(received, { key: 'k', value: 'hello', header: 'v' });
});

test('an Avro schema registered in the registry encodes and decodes a record', async () => {
  const registry = new SchemaRegistry({ host: env.schemaRegistryUrl });
  const subject = `${uniqueName('stack-avro')}-value`;
  const schema = {
    type: 'record', name: 'Value', namespace: 'binlogd.test',
    fields: [{ name: 'id', type: 'int' }, { name: 'email', type: ['null', 'string'], default: null }],
  };
  const { id } = await registry.register({ type: SchemaType.AVRO, schema: JSON.stringify(schema) }, { subject });
  const bytes = await registry.encode(id, { id: 7, email: 'a@b.c' });
  // Confluent wire format: magic byte 0, 4-byte big-endian schema id, Avro body.
  assert.equal(bytes[0], 0);
  assert.equal(bytes.readInt32BE(1), id);
  assert.deepEqual({ ...(await registry.decode(bytes)) }, { id: 7, email: 'a@b.c' });
  assert.equal(await registry.getLatestSchemaId(subject), id);
});

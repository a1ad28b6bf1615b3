// A rows event whose records are all dropped still moves the stored offset: the user's outbox
// connector (EventRouter drops the cleanup DELETEs) must not sit on an old offset while its
// stream is busy with nothing but filtered changes — a restart would re-read all of them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { outboxConnector } from '../unit/config/user-examples.js';
import { connectAsRoot } from '../support/mariadb.js';
import { readAvroTopic } from '../support/avro-topic.js';
import { loadStackEnv, uniqueName } from '../support/stack-env.js';
import { startBinlogd } from '../support/binlogd-process.js';
import { createOffsetStore } from '../../src/offsets/offset-store.js';

const OUTBOX = `CREATE TABLE outbox (
  id BIGINT PRIMARY KEY AUTO_INCREMENT,
  aggregate_type VARCHAR(100) NOT NULL,
  aggregate_id VARCHAR(100) NOT NULL,
  event_type VARCHAR(100) NOT NULL,
  payload JSON NOT NULL
)`;

for (const exactlyOnce of ['requested', 'false']) {
  test(`outbox deletes dropped by EventRouter still advance the stored offset (exactly.once.support=${exactlyOnce})`, { timeout: 180_000 }, async () => {
    const db = await connectAsRoot();
    const database = uniqueName('dropped');
    const name = uniqueName('dropped-offsets');
    const aggregate = uniqueName('Agg');
    await db.query(`CREATE DATABASE ${database}`);
    await db.changeUser({ database });
    await db.query(OUTBOX);
    const { config } = outboxConnector;
    const binlogd = await startBinlogd({
      name,
      timeoutMs: 60_000,
      config: {
        ...Object.fromEntries(Object.entries(config).filter(([k]) => !k.startsWith('database.'))),
        'topic.prefix': name,
        'table.include.list': `${database}.outbox`,
        'exactly.once.support': exactlyOnce,
      },
    }).catch(async (error: unknown) => {
      await db.query(`DROP DATABASE IF EXISTS ${database}`);
      await db.end();
      throw error;
    });
    const env = loadStackEnv();
    const store = createOffsetStore({ kafka: { brokers: env.kafkaBrokers, clientId: 'dropped-offsets-test' }, topic: 'binlogd-offsets' });
    try {
      await db.query(`INSERT INTO outbox (aggregate_type, aggregate_id, event_type, payload) VALUES ('${aggregate}', 'a-1', 'Created', '{"n":1}')`);
      const events = await readAvroTopic(`events.${aggregate}`, 1, 60_000);
      assert.equal(events.length, 1, 'the insert became an event');
      // The cleanup: every record of these transactions is dropped.
      await db.query(`DELETE FROM outbox WHERE aggregate_type = '${aggregate}'`);
      const [rows] = await db.query('SELECT @@last_gtid AS gtid') as unknown as [Array<{ gtid: string }>];
      const deleteGtid = rows[0]!.gtid;
      const [domain, server, seq] = deleteGtid.split('-');
      const covers = (gtids: unknown, upTo: bigint): boolean => String(gtids).split(',').some((g) => {
        const [d, s, n] = g.trim().split('-');
        return d === domain && s === server && BigInt(n!) >= upTo;
      });
      // Past the delete: its GTID in the set, or (Debezium's offset inside a transaction) the set
      // before it with the event/row counters past its one rows event of one row.
      const pastDelete = (offset: Record<string, unknown> | undefined): boolean => offset !== undefined && (
        covers(offset['gtids'], BigInt(seq!)) ||
        (covers(offset['gtids'], BigInt(seq!) - 1n) && Number(offset['event'] ?? 0) >= 1 && Number(offset['row'] ?? 0) >= 1));
      let stored: Record<string, unknown> | undefined;
      const deadline = Date.now() + 60_000;
      while (Date.now() < deadline) {
        stored = await store.latest(name, name);
        if (pastDelete(stored)) break;
        await new Promise((r) => setTimeout(r, 500));
      }
      assert.ok(pastDelete(stored), `the stored offset is past the delete ${deleteGtid}: ${JSON.stringify(stored)}`);
    } finally {
      await store.close();
      assert.equal(await binlogd.stop(), 0);
      await db.query(`DROP DATABASE IF EXISTS ${database}`);
      await db.end();
    }
  });
}

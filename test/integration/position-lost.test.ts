// A stored position whose binlogs were purged: the connector goes FAILED with a message naming the
// stored position, the oldest one left and the remedies, and writes nothing of the purged range.
// PURGE BINARY LOGS would break every other test on the shared server, so this one starts its own
// MariaDB (test/stack/stack.sh with a private BINLOGD_STACK_DIR and port) and stops it at the end.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import mysql from 'mysql2/promise';
import { loadStackEnv, repoRoot, uniqueName } from '../support/stack-env.js';
import { createOffsetStore } from '../../src/offsets/offset-store.js';
import { startBinlogd, type BinlogdProcess } from '../support/binlogd-process.js';
import { readAvroTopic } from '../support/avro-topic.js';

const run = promisify(execFile);
const stackScript = join(repoRoot, 'test/stack/stack.sh');

function portTaken(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port }, () => { socket.destroy(); resolve(true); });
    socket.on('error', () => resolve(false));
  });
}

/** A MariaDB of our own (the stack's settings, CDC account binlogd/binlogd, root/root); stop() removes it. */
async function privateMariadb(): Promise<{ port: number; stop(): Promise<void> }> {
  let port = 13341;
  while (await portTaken(port)) port++;
  const dir = mkdtempSync(join(tmpdir(), 'binlogd-private-mariadb-'));
  const env = { ...process.env, BINLOGD_STACK_DIR: dir, STACK_MARIADB_PORT: String(port) };
  const stop = async () => {
    await run(stackScript, ['down'], { env }).catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await run(stackScript, ['up', 'mariadb'], { env, timeout: 180_000 });
  } catch (error) {
    await stop();
    throw error;
  }
  return { port, stop };
}

test('purged binlogs: FAILED naming the missing position, the oldest one and the remedy; nothing of the purged range written', { timeout: 600_000 }, async () => {
  const server = await privateMariadb();
  const binlogds: BinlogdProcess[] = [];
  try {
    const db = await mysql.createConnection({ host: '127.0.0.1', port: server.port, user: 'root', password: 'root', multipleStatements: true });
    const name = uniqueName('purged');
    const table = `shop.${name}`;
    const topic = `${name}.${table}`;
    const config = {
      'database.port': String(server.port), 'topic.prefix': name,
      'table.include.list': table.replace('.', '\\.'), 'snapshot.mode': 'no_data',
    };
    try {
      await db.query(`CREATE DATABASE shop; CREATE TABLE ${table} (id INT PRIMARY KEY, v VARCHAR(20))`);
      const first = await startBinlogd({ name, config });
      binlogds.push(first);
      await db.query(`INSERT INTO ${table} VALUES (1, 'a'), (2, 'b'), (3, 'c')`);
      await db.query(`INSERT INTO ${table} VALUES (4, 'd'), (5, 'e')`);
      assert.equal((await readAvroTopic(topic, 5, 60_000)).length, 5);
      assert.equal(await first.stop(), 0);
      const store = createOffsetStore({ kafka: { brokers: loadStackEnv().kafkaBrokers, clientId: 'position-lost-test' }, topic: 'binlogd-offsets' });
      const stored = await store.latest(name, name).finally(() => store.close());
      assert.match(String(stored?.['gtids']), /^0-1-\d+$/);

      // Written while binlogd is down, then purged: these rows can never be read again.
      for (let id = 6; id <= 10; id++) await db.query(`INSERT INTO ${table} VALUES (?, 'purged')`, [id]);
      await db.query('FLUSH BINARY LOGS');
      const [logs] = await db.query<mysql.RowDataPacket[]>('SHOW BINARY LOGS');
      const newest = String(logs[logs.length - 1]!['Log_name']);
      // MariaDB keeps a binlog until InnoDB has checkpointed its transactions (Binlog_checkpoint):
      // PURGE silently leaves it for a moment after FLUSH.
      for (let tries = 0; ; tries++) {
        await db.query(`PURGE BINARY LOGS TO '${newest}'`);
        const [left] = await db.query<mysql.RowDataPacket[]>('SHOW BINARY LOGS');
        if (left.length === 1) break;
        assert.ok(tries < 60, `the older binlogs were not purged: ${JSON.stringify(left)}`);
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
      // The GTID state at the start of the oldest binlog left: the purged transactions end there.
      const [[oldest]] = await db.query<mysql.RowDataPacket[]>('SELECT @@gtid_binlog_pos AS pos');

      const second = await startBinlogd({ name, config, readyMessage: /^(connector failed|streaming)/ });
      binlogds.push(second);
      const failure = second.logs.find((l) => String(l['msg']).startsWith('connector failed'));
      assert.ok(failure, `the connector failed: ${JSON.stringify(second.logs.slice(-3))}`);
      assert.equal(failure['code'], 'SOURCE_POSITION_LOST');
      const message = String(failure['msg']);
      for (const part of [
        `GTID position ${String(stored!['gtids'])}`, `127.0.0.1:${server.port}`, newest, String(oldest!['pos']),
        'snapshot.mode=when_needed', `DELETE /connectors/${name}/offsets`, `["${name}",{"server":"${name}"}]`,
      ]) assert.ok(message.includes(part), `the message names ${part}: ${message}`);
      assert.ok(!second.logs.some((l) => l['msg'] === 'streaming'), 'it does not stream');
      // The five rows from before the stop, and none of the purged range.
      const records = await readAvroTopic(topic, 6, 5000);
      assert.equal(records.length, 5);
    } finally {
      for (const binlogd of binlogds) await binlogd.stop();
      await db.end();
    }
  } finally {
    await server.stop();
  }
});

// Retriable failures restart the connector from its stored offset after
// retriable.restart.connector.wait.ms: a server that cannot be reached shows RESTARTING with the
// cause as trace, and once it is reachable the connector runs by itself and loses nothing. The
// server is reached through a TCP relay the test opens and closes (the shared MariaDB stays up).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { connectAsRoot } from '../support/mariadb.js';
import { loadStackEnv, uniqueName } from '../support/stack-env.js';
import { startBinlogd } from '../support/binlogd-process.js';
import { readAvroTopic, asJsonPayload } from '../support/avro-topic.js';
import { inState, rest, waitForStatus } from '../support/rest-client.js';

const DB = 'binlogd_test';

/** A relay on a free port to MariaDB; close() drops every connection through it. */
class Relay {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  port = 0;

  async open(target: { host: string; port: number }, port = 0): Promise<void> {
    this.server = createServer((client) => {
      const upstream = connect(target.port, target.host);
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on('close', () => this.sockets.delete(s));
        s.on('error', () => { client.destroy(); upstream.destroy(); });
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve) => this.server!.listen(port, '127.0.0.1', resolve));
    this.port = (this.server.address() as { port: number }).port;
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
    this.server = undefined;
  }
}

test('an unreachable server: RESTARTING with the cause, then RUNNING by itself once reachable; nothing lost', { timeout: 180_000 }, async () => {
  const env = loadStackEnv();
  const db = await connectAsRoot();
  const name = uniqueName('retry');
  const table = `${DB}.${name}`;
  const topic = `${name}.${table}`;
  await db.query(`CREATE DATABASE IF NOT EXISTS ${DB}; CREATE TABLE ${table} (id INT PRIMARY KEY, v VARCHAR(20))`);
  const relay = new Relay();
  await relay.open(env.mariadb);
  const port = relay.port;
  const daemon = await startBinlogd({
    name,
    config: {
      'database.port': String(port), 'topic.prefix': name, 'table.include.list': table.replace('.', '\\.'), 'snapshot.mode': 'no_data',
      'retriable.restart.connector.wait.ms': '500',
    },
  });
  try {
    await db.query(`INSERT INTO ${table} VALUES (1, 'one')`);
    await readAvroTopic(topic, 1, 60_000);
    // Stop the connector so the drop is seen at start, then make the server unreachable.
    assert.equal((await rest(daemon.url, 'PUT', `/connectors/${name}/stop`)).status, 204);
    await waitForStatus(daemon.url, name, inState('STOPPED'));
    await relay.close();
    await db.query(`INSERT INTO ${table} VALUES (2, 'two')`);
    assert.equal((await rest(daemon.url, 'PUT', `/connectors/${name}/resume`)).status, 202);
    const restarting = await waitForStatus(daemon.url, name, (s) => s.connector.state === 'RESTARTING' && s.connector.trace !== undefined);
    assert.match(restarting.connector.trace, /SOURCE_UNREACHABLE: cannot reach MariaDB/);
    await db.query(`INSERT INTO ${table} VALUES (3, 'three')`);

    await relay.open(env.mariadb, port);
    const running = await waitForStatus(daemon.url, name, inState('RUNNING'));
    assert.equal(running.connector.trace, undefined);
    const records = await readAvroTopic(topic, 3, 60_000);
    assert.deepEqual(records.map((r) => (asJsonPayload(r.key) as { id: number }).id), [1, 2, 3]);
    assert.ok(daemon.logs.some((l) => /retriable failure; restarting from the stored offset/.test(String(l['msg']))));
  } finally {
    assert.equal(await daemon.stop(), 0);
    await relay.close();
    await db.query(`DROP TABLE IF EXISTS ${table}`);
    await db.end();
  }
});

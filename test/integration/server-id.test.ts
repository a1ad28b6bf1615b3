// Two readers with one database.server.id on one MariaDB drop each other's binlog connection every
// time one connects. Across processes the dropped connector fails, naming database.server.id and
// the fix, and the other keeps streaming; within one worker the second connector is refused.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readAvroTopic } from '../support/avro-topic.js';
import { connectorDefaults, startBinlogd, type BinlogdProcess, waitForLog } from '../support/binlogd-process.js';
import { connectAsRoot } from '../support/mariadb.js';
import { rest } from '../support/rest-client.js';
import { uniqueName } from '../support/stack-env.js';

const DB = 'binlogd_test';


test('two connectors in two processes with one database.server.id: the dropped one fails naming the property, the other streams', { timeout: 180_000 }, async () => {
  const db = await connectAsRoot();
  const table = uniqueName('sid');
  const serverId = String(400_000 + Math.floor(Math.random() * 500_000));
  await db.query(`CREATE DATABASE IF NOT EXISTS ${DB}; CREATE TABLE ${DB}.${table} (id INT PRIMARY KEY)`);
  const [first, second] = [uniqueName('bdsid'), uniqueName('bdsid')];
  const config = (prefix: string) => ({ 'topic.prefix': prefix, 'table.include.list': `${DB}\\.${table}`, 'database.server.id': serverId });
  const a = await startBinlogd({ name: first, config: config(first) });
  let b: BinlogdProcess | undefined;
  try {
    b = await startBinlogd({ name: second, config: config(second) });
    const failed = await waitForLog(a, /^connector failed/);
    assert.equal(failed['code'], 'SOURCE_SERVER_ID_IN_USE');
    assert.match(String(failed['msg']), new RegExp(`database\\.server\\.id=${serverId}.*own database\\.server\\.id`));
    const status = await rest(a.url, 'GET', `/connectors/${first}/status`);
    assert.equal(status.body.connector.state, 'FAILED');
    await db.query(`INSERT INTO ${DB}.${table} VALUES (1)`);
    const [record] = await readAvroTopic(`${second}.${DB}.${table}`, 1);
    assert.equal((record!.value as { after: { id: number } }).after.id, 1, 'the connector that connected last streams');
    assert.equal((await rest(b.url, 'GET', `/connectors/${second}/status`)).body.connector.state, 'RUNNING');
    assert.equal(b.logs.filter((l) => l['msg'] === 'lost the binlog connection; reconnecting').length, 0, 'and is not dropped again');
  } finally {
    await a.stop();
    await b?.stop();
    await db.query(`DROP TABLE IF EXISTS ${DB}.${table}`);
    await db.end();
  }
});

test('a second connector with the same database.server.id and server in one worker is refused over REST', { timeout: 120_000 }, async () => {
  const first = uniqueName('bdsid');
  const binlogd = await startBinlogd({ name: first, config: { 'topic.prefix': first, 'table.include.list': `${DB}\\.none` } });
  try {
    const current = (await rest(binlogd.url, 'GET', `/connectors/${first}/config`)).body as Record<string, string>;
    const second = uniqueName('bdsid');
    const answer = await rest(binlogd.url, 'POST', '/connectors', {
      body: { name: second, config: { ...connectorDefaults(), 'topic.prefix': second, 'database.server.id': current['database.server.id'] } },
    });
    assert.equal(answer.status, 400);
    assert.match(answer.body.message, new RegExp(`connectors ${first} and ${second} both read the same MariaDB server .*database\\.server\\.id=${current['database.server.id']}`));
    assert.equal((await rest(binlogd.url, 'GET', `/connectors/${second}/status`)).status, 404);
  } finally {
    await binlogd.stop();
  }
});

// SIGTERM under a busy write load: binlogd stops reading, flushes, commits its offset and exits 0
// well within 10 s; the next start loses and repeats nothing (read_committed, exact comparison).
// A second signal exits at once.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connectAsRoot } from '../support/mariadb.js';
import { uniqueName } from '../support/stack-env.js';
import { startBinlogd } from '../support/binlogd-process.js';
import { readAvroTopic } from '../support/avro-topic.js';
import { ChangeWriter, changesOf } from '../support/change-writer.js';

const DB = 'binlogd_test';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

test('SIGTERM during a busy write load: exit 0 within 10 s, restart loses and repeats nothing', { timeout: 300_000 }, async () => {
  const db = await connectAsRoot();
  const writerDb = await connectAsRoot();
  const name = uniqueName('sigterm');
  const table = `${DB}.${name}`;
  const topic = `${name}.${table}`;
  await db.query(`CREATE DATABASE IF NOT EXISTS ${DB}; CREATE TABLE ${table} (id INT PRIMARY KEY, v VARCHAR(20))`);
  const config = { 'topic.prefix': name, 'table.include.list': table.replace('.', '\\.'), 'snapshot.mode': 'no_data' };
  const writer = new ChangeWriter(writerDb, table);
  let writing = true;
  let load: Promise<void> | undefined;
  let daemon = await startBinlogd({ name, config });
  try {
    await writer.transaction();
    await readAvroTopic(topic, writer.expected.length, 60_000);
    // Back-to-back small transactions with a 5,000-row transaction every 100.
    load = (async () => {
      while (writing) {
        for (let i = 0; i < 100 && writing; i++) await writer.transaction();
        if (writing) await writer.bulk(5000);
      }
    })();
    await sleep(4000);
    const signalled = Date.now();
    daemon.child.kill('SIGTERM');
    const code = await daemon.exited;
    const seconds = (Date.now() - signalled) / 1000;
    console.log(`SIGTERM under load: exit ${code} after ${seconds.toFixed(2)} s (${writer.transactions} transactions written so far)`);
    assert.equal(code, 0, 'clean exit (binlogd itself exits 1 past 10 s)');
    assert.ok(daemon.logs.some((l) => l['msg'] === 'stopped' && l['connector'] === undefined), 'logged its clean stop');

    await sleep(1000);
    writing = false;
    await load;
    daemon = await startBinlogd({ name, config });
    const expected = writer.expected;
    const records = changesOf(await readAvroTopic(topic, expected.length, 120_000));
    assert.equal(records.length, expected.length, `${records.length} records for ${expected.length} changes`);
    assert.deepEqual(records, expected, 'every change exactly once, in commit order');
    assert.equal(await daemon.stop(), 0);
  } finally {
    writing = false;
    await load?.catch(() => undefined);
    if (daemon.child.exitCode === null) daemon.child.kill('SIGKILL');
    await db.query(`DROP TABLE IF EXISTS ${table}`);
    await db.end();
    await writerDb.end();
  }
});

test('a second signal exits at once', { timeout: 120_000 }, async () => {
  const name = uniqueName('twosignals');
  const daemon = await startBinlogd({ name, config: { 'topic.prefix': name, 'snapshot.mode': 'no_data' } });
  const signalled = Date.now();
  daemon.child.kill('SIGTERM');
  daemon.child.kill('SIGINT');
  const code = await daemon.exited;
  console.log(`two signals: exit ${code} after ${((Date.now() - signalled) / 1000).toFixed(2)} s`);
  assert.equal(code, 1, 'the second signal ends the clean shutdown the first began');
  assert.ok(daemon.logs.some((l) => l['msg'] === 'second signal: exiting without a clean shutdown'));
});

// streaming.delay.ms: after the initial snapshot binlogd waits that long before it reads the binlog,
// and a change made meanwhile still arrives, after the snapshot's rows. The start-up log also lists,
// once, the properties the file uses that binlogd accepts without effect.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readAvroTopic } from '../support/avro-topic.js';
import { startBinlogd, type BinlogdProcess } from '../support/binlogd-process.js';
import { kill } from '../support/change-workload.js';
import { connectAsRoot } from '../support/mariadb.js';
import { uniqueName } from '../support/stack-env.js';

const DELAY_MS = 3000;

test('streaming.delay.ms delays streaming after the snapshot; nothing written meanwhile is lost', { timeout: 120_000 }, async () => {
  const db = await connectAsRoot();
  const name = uniqueName('streaming_delay');
  const table = `binlogd_test.${name}`;
  await db.query(`CREATE DATABASE IF NOT EXISTS binlogd_test; CREATE TABLE ${table} (id INT PRIMARY KEY, v INT); INSERT INTO ${table} VALUES (1, 1), (2, 2)`);
  let proc: BinlogdProcess | undefined;
  try {
    proc = await startBinlogd({
      name, readyMessage: /^snapshot done; streaming starts in/,
      config: { 'topic.prefix': name, 'table.include.list': table.replace('.', '\\.'), 'snapshot.mode': 'initial', 'streaming.delay.ms': String(DELAY_MS), 'binlog.buffer.size': '100', 'poll.interval.ms': '100' },
    });
    const delayed = Date.now();
    await db.query(`INSERT INTO ${table} VALUES (3, 3)`);
    const logs = proc.logs;
    while (!logs.some((l) => l['msg'] === 'streaming')) await new Promise((resolve) => setTimeout(resolve, 50));
    const waited = Date.now() - delayed;
    assert.ok(waited >= DELAY_MS - 200, `streaming started ${waited} ms after the snapshot`);
    const noEffect = logs.filter((l) => String(l['msg']).startsWith('accepted without effect: '));
    assert.equal(noEffect.length, 1, 'said once');
    assert.equal(noEffect[0]!['level'], 40, 'as a warning');
    assert.match(String(noEffect[0]!['msg']), /^accepted without effect: binlog\.buffer\.size \(binlogd has no look-ahead buffer[^)]*\); poll\.interval\.ms \(the binlog reader pushes events/);
    const records = await readAvroTopic(`${name}.${table}`, 3);
    assert.deepEqual(records.map((r: any) => [r.value.op, r.value.after.id]), [['r', 1], ['r', 2], ['c', 3]]);
    assert.equal(await proc.stop(), 0);
  } finally {
    if (proc !== undefined) await kill(proc);
    await db.query(`DROP TABLE IF EXISTS ${table}`);
    await db.end();
  }
});

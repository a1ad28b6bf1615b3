// binlogd SIGKILLed in the middle of a 1,000,000-row transaction and restarted: the new instance
// fences the old one (its open Kafka transaction is aborted), resumes from the stored offset inside
// the MariaDB transaction (Debezium's event/row counters, thousands of events deep) and the
// read_committed consumer still counts every row exactly once. On every Kafka line of the stack.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { startBinlogd, type BinlogdProcess } from '../support/binlogd-process.js';
import { kill, sleep } from '../support/change-workload.js';
import { countKeys, peakRssMb } from '../support/key-counter.js';
import { connectAsRoot } from '../support/mariadb.js';
import { kafkaLines, uniqueName } from '../support/stack-env.js';

for (const [index, kafka] of kafkaLines().entries()) {
  // The main line takes the full million; a further line a third of it, killed as deep in
  // proportion (a few hundred binlog events), to keep the suite's time.
  const [ROWS, KILL_AT] = index === 0 ? [1_000_000, 300_000] : [300_000, 100_000];
  test(`${kafka.label}: SIGKILLed in the middle of a ${ROWS.toLocaleString('en')}-row transaction: every row exactly once after the restart`, { timeout: 360_000 }, (t) => killedInLargeTransaction(t, { rows: ROWS, killAt: KILL_AT, brokers: kafka.brokers }));
}

async function killedInLargeTransaction(t: TestContext, { rows: ROWS, killAt: KILL_AT, brokers }: { rows: number; killAt: number; brokers: string[] }): Promise<void> {
  const db = await connectAsRoot();
  const name = uniqueName('large_tx_kill');
  const table = `binlogd_test.${name}`;
  const topic = `${name}.${table}`;
  const config = { 'topic.prefix': name, 'table.include.list': table.replace('.', '\\.'), 'snapshot.mode': 'no_data' };
  await db.query(`CREATE DATABASE IF NOT EXISTS binlogd_test; CREATE TABLE ${table} (id INT PRIMARY KEY, v VARCHAR(32), n BIGINT)`);
  let proc: BinlogdProcess | undefined;
  try {
    proc = await startBinlogd({ name, config, kafkaBrokers: brokers });
    await db.query(`INSERT INTO ${table} SELECT seq, CONCAT('row-', seq), seq * 7 FROM binlogd_test.seq_1_to_${ROWS}`);
    let seen = 0;
    let settled = false;
    const counting = countKeys(topic, ROWS, (distinct) => (seen = distinct), 300_000, brokers).finally(() => (settled = true));
    while (seen < KILL_AT && !settled) await sleep(50);
    const first = proc;
    await kill(first);
    const killedAt = seen;
    proc = await startBinlogd({ name, config, timeoutMs: 60_000, kafkaBrokers: brokers });
    const counted = await counting;
    const resumed = proc.logs.find((l) => l['msg'] === 'resuming from the stored offset')?.['offset'] as { event?: number; row?: number } | undefined;
    t.diagnostic(`killed with ${killedAt} rows committed; resumed at event ${resumed?.event}, row ${resumed?.row}; second instance peak RSS ${peakRssMb(proc)} MB`);
    assert.ok((resumed?.event ?? 0) > 100, 'resumed deep inside the MariaDB transaction');
    assert.deepEqual(counted, { records: ROWS, distinct: ROWS, duplicates: 0, others: 0 });
    assert.equal(await proc.stop(), 0);
  } finally {
    if (proc !== undefined) await kill(proc);
    await db.query(`DROP TABLE IF EXISTS ${table}`);
    await db.end();
  }
}

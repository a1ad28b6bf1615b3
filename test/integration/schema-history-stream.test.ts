// The schema history in a running connector: bootstrapped into its topic at the first start,
// a DDL read from the binlog replayed and stored with its position, restored (not read again) on
// the next start, and a missing grant named with the GRANT to run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connectAsRoot } from '../support/mariadb.js';
import { loadStackEnv, uniqueName } from '../support/stack-env.js';
import { startBinlogd } from '../support/binlogd-process.js';
import { readRawTopic } from '../support/raw-topic.js';

const env = loadStackEnv();

test('history records: the tables at the first start, then each DDL with its GTID', { timeout: 120_000 }, async () => {
  const root = await connectAsRoot();
  const db = uniqueName('hist_stream');
  const prefix = uniqueName('hs');
  await root.query(`CREATE DATABASE \`${db}\`; CREATE TABLE \`${db}\`.t (id INT PRIMARY KEY, a VARCHAR(10) DEFAULT 'x')`);
  const config = {
    'topic.prefix': prefix, 'database.include.list': db, 'snapshot.mode': 'no_data',
    'database.user': env.mariadbRoot.user, 'database.password': env.mariadbRoot.password,
  };
  let binlogd = await startBinlogd({ name: prefix, config });
  try {
    await root.query(`ALTER TABLE \`${db}\`.t MODIFY a VARCHAR(20) NOT NULL DEFAULT 'why'`);
    await root.query(`INSERT INTO \`${db}\`.t VALUES (1, 'one')`);
    const topic = `${prefix}.binlogd-schema-history`;
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const values = (await readRawTopic(topic, 2, 30_000)).map((r) => JSON.parse(r.value!.toString('utf8')) as Record<string, any>);
    assert.equal(values.length, 2, JSON.stringify(values));
    assert.equal(values[0]!['ddl'], null);
    assert.match(String(values[1]!['ddl']), /MODIFY a VARCHAR\(20\)/);
    assert.match(String(values[1]!['position']['gtid']), /^\d+-\d+-\d+$/);
    const a = values[1]!['definition']['columns'].find((c: { COLUMN_NAME: string }) => c.COLUMN_NAME === 'a');
    assert.deepEqual([a.COLUMN_TYPE, a.IS_NULLABLE, a.COLUMN_DEFAULT], ['varchar(20)', 'NO', "'why'"]);
    await new Promise((resolve) => setTimeout(resolve, 2000)); // the INSERT after the DDL read, so its offset is stored
    assert.equal(await binlogd.stop(), 0);
    // The next start restores the history up to the stored offset and reads no table again.
    binlogd = await startBinlogd({ name: prefix, config });
    const restored = binlogd.logs.find((l) => l['msg'] === 'schema history restored');
    assert.equal(restored?.['tables'], 1, JSON.stringify(binlogd.logs.slice(-5)));
    assert.equal(binlogd.logs.some((l) => String(l['msg']).startsWith('schema history: tables read')), false);
  } finally {
    await binlogd.stop();
    await root.query(`DROP DATABASE IF EXISTS \`${db}\``);
    await root.end();
  }
});

test('without CREATE TEMPORARY TABLES on a captured database the connector fails naming the GRANT', { timeout: 60_000 }, async () => {
  const root = await connectAsRoot();
  const db = uniqueName('hist_grant');
  const user = uniqueName('nogrant').slice(0, 30);
  await root.query(`CREATE DATABASE \`${db}\`; CREATE USER '${user}'@'127.0.0.1' IDENTIFIED BY 'pw'`);
  await root.query(`GRANT SELECT, RELOAD, SHOW DATABASES, REPLICATION SLAVE, BINLOG MONITOR ON *.* TO '${user}'@'127.0.0.1'`);
  const prefix = uniqueName('hg');
  const binlogd = await startBinlogd({
    name: prefix, readyMessage: /^connector failed/,
    config: { 'topic.prefix': prefix, 'database.include.list': db, 'database.user': user, 'database.password': 'pw' },
  });
  try {
    const failed = binlogd.logs.find((l) => String(l['msg']).startsWith('connector failed'));
    assert.match(String(failed?.['msg']), new RegExp(`GRANT CREATE TEMPORARY TABLES ON \`${db}\`\\.\\* TO '${user}'@'<this host>';`));
  } finally {
    await binlogd.stop();
    await root.query(`DROP DATABASE IF EXISTS \`${db}\``);
    await root.query(`DROP USER IF EXISTS '${user}'@'127.0.0.1'`);
    await root.end();
  }
});

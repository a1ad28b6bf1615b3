// binlog_format and binlog_row_image changed under a running connector (a private MariaDB: these
// are server-wide settings). Sessions that connect afterwards write row changes as SQL text or
// with columns left out; binlogd must not pass over them silently. With
// event.processing.failure.handling.mode=fail the connector fails naming the setting, the table,
// the position and the fix; with warn the event is skipped, logged and counted, and the changes
// after the server is fixed are delivered.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readAvroTopic } from '../support/avro-topic.js';
import { startBinlogd, type BinlogdProcess, waitForLog } from '../support/binlogd-process.js';
import { connectAsRoot } from '../support/mariadb.js';
import { startPrivateStack, type PrivateStack } from '../support/private-stack.js';
import { parsePrometheusText, sampleValue } from '../support/prometheus-text.js';
import { rest } from '../support/rest-client.js';
import { uniqueName } from '../support/stack-env.js';

const DB = 'binlogd_format';
// Inside the port range set aside for these tests.
const MARIADB_PORT = 30306;


/** Runs statements on a new connection: a session takes the global binlog settings when it starts. */
async function inNewSession(port: number, ...statements: string[]): Promise<string> {
  const db = await connectAsRoot(port);
  try {
    for (const sql of statements) await db.query(sql);
    const [rows] = await db.query('SELECT @@last_gtid AS gtid');
    return (rows as Array<{ gtid: string }>)[0]!.gtid;
  } finally {
    await db.end();
  }
}

async function withPrivateServer(run: (stack: PrivateStack, table: string) => Promise<void>): Promise<void> {
  const stack = await startPrivateStack(['mariadb'], { mariadb: MARIADB_PORT });
  try {
    const table = uniqueName('fmt');
    await inNewSession(stack.mariadbPort, `CREATE DATABASE IF NOT EXISTS ${DB}`, `CREATE TABLE ${DB}.${table} (id INT PRIMARY KEY, name VARCHAR(20), note TEXT)`);
    await run(stack, table);
  } finally {
    await stack.down();
  }
}

function connector(port: number, prefix: string, table: string, mode: 'fail' | 'warn'): Record<string, string> {
  return {
    'database.port': String(port),
    'topic.prefix': prefix,
    'table.include.list': `${DB}\\.${table}`,
    'event.processing.failure.handling.mode': mode,
  };
}

test('binlog_format=STATEMENT at run time: the connector fails at the statement, naming binlog_format, the table, the position and the fix', { timeout: 240_000 }, async () => {
  await withPrivateServer(async (stack, table) => {
    const prefix = uniqueName('bdfmt');
    const binlogd = await startBinlogd({ name: prefix, config: connector(stack.mariadbPort, prefix, table, 'fail') });
    try {
      await inNewSession(stack.mariadbPort, `INSERT INTO ${DB}.${table} VALUES (1, 'row', 'a')`);
      await readAvroTopic(`${prefix}.${DB}.${table}`, 1);
      await inNewSession(stack.mariadbPort, "SET GLOBAL binlog_format='STATEMENT'");
      const gtid = await inNewSession(stack.mariadbPort, `INSERT INTO ${DB}.${table} VALUES (2, 'statement', 'b')`);
      const failed = await waitForLog(binlogd, /^connector failed/);
      assert.equal(failed['code'], 'SOURCE_STATEMENT_EVENT');
      const message = String(failed['msg']);
      assert.match(message, new RegExp(`INSERT on the captured table ${DB}\\.${table}`));
      assert.match(message, new RegExp(`at GTID ${gtid}, mysql-bin\\.\\d+:\\d+`), 'the binlog position');
      assert.match(message, /binlog_format STATEMENT or MIXED/);
      assert.match(message, /SET GLOBAL binlog_format=ROW/);
      assert.match(message, /event\.processing\.failure\.handling\.mode=warn/);
      const status = await rest(binlogd.url, 'GET', `/connectors/${prefix}/status`);
      assert.equal((status.body as { connector: { state: string } }).connector.state, 'FAILED');
      assert.match(String((status.body as { connector: { trace?: string } }).connector.trace), /binlog_format/);
    } finally {
      await binlogd.stop();
    }
  });
});

test('binlog_format=STATEMENT with event.processing.failure.handling.mode=warn: the statement is skipped loudly and counted; rows after the fix arrive', { timeout: 240_000 }, async () => {
  await withPrivateServer(async (stack, table) => {
    const prefix = uniqueName('bdfmt');
    const binlogd = await startBinlogd({ name: prefix, config: connector(stack.mariadbPort, prefix, table, 'warn') });
    try {
      await inNewSession(stack.mariadbPort, "SET GLOBAL binlog_format='STATEMENT'");
      const update = await inNewSession(stack.mariadbPort, `UPDATE ${DB}.${table} SET name = 'x' WHERE id > 0`);
      const insert = await inNewSession(stack.mariadbPort, `INSERT INTO ${DB}.${table} VALUES (1, 'statement', 'b')`);
      await waitForLog(binlogd, new RegExp(`^event\\.processing\\.failure\\.handling\\.mode=warn: skipped the change of ${DB}\\.${table} at GTID ${insert}`));
      const skipped = binlogd.logs.filter((l) => String(l['msg']).startsWith('event.processing.failure.handling.mode=warn: skipped'));
      assert.deepEqual(skipped.map((l) => [l['code'], l['gtid']]), [['SOURCE_STATEMENT_EVENT', update], ['SOURCE_STATEMENT_EVENT', insert]]);
      await inNewSession(stack.mariadbPort, "SET GLOBAL binlog_format='ROW'");
      await inNewSession(stack.mariadbPort, `INSERT INTO ${DB}.${table} VALUES (2, 'row', 'c')`);
      const [record] = await readAvroTopic(`${prefix}.${DB}.${table}`, 1);
      assert.equal((record!.value as { after: { id: number } }).after.id, 2);
      const metrics = parsePrometheusText((await rest(binlogd.url, 'GET', '/metrics')).text);
      // The UPDATE on the captured table and the INSERT are both counted.
      assert.equal(sampleValue(metrics, 'binlogd_errors_total', { connector: prefix, kind: 'EVENT_SKIPPED_SOURCE_STATEMENT_EVENT' }), 2);
      const status = await rest(binlogd.url, 'GET', `/connectors/${prefix}/status`);
      assert.equal((status.body as { connector: { state: string } }).connector.state, 'RUNNING');
    } finally {
      await binlogd.stop();
    }
  });
});

test('binlog_row_image=MINIMAL at run time: the connector fails at the partial row, naming binlog_row_image and the missing columns', { timeout: 240_000 }, async () => {
  await withPrivateServer(async (stack, table) => {
    const prefix = uniqueName('bdimg');
    await inNewSession(stack.mariadbPort, `INSERT INTO ${DB}.${table} VALUES (1, 'full', 'a')`);
    const binlogd = await startBinlogd({ name: prefix, config: connector(stack.mariadbPort, prefix, table, 'fail') });
    try {
      await inNewSession(stack.mariadbPort, "SET GLOBAL binlog_row_image='MINIMAL'");
      const gtid = await inNewSession(stack.mariadbPort, `UPDATE ${DB}.${table} SET name = 'minimal' WHERE id = 1`);
      const failed = await waitForLog(binlogd, /^connector failed/);
      assert.equal(failed['code'], 'SOURCE_PARTIAL_ROW');
      const message = String(failed['msg']);
      assert.match(message, new RegExp(`captured table ${DB}\\.${table} lacks the columns name, note`));
      assert.match(message, new RegExp(`at GTID ${gtid}, mysql-bin\\.\\d+:\\d+`));
      assert.match(message, /SET GLOBAL binlog_row_image=FULL/);
    } finally {
      await binlogd.stop();
    }
  });
});

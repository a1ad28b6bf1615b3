// The schema history's replays against the real MariaDB: every DDL kind applied to temporary
// shadows gives the definition the real table has after the same DDL, the binlog does not move and
// no real table changes while replaying (with the CDC account and with root), and RENAME swaps as
// pt-online-schema-change and gh-ost do them move definitions without running RENAME.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connectAsRoot } from '../support/mariadb.js';
import { loadStackEnv, uniqueName } from '../support/stack-env.js';
import { SchemaDefinitions } from '../../src/schema-history/definitions.js';
import { replayStatement } from '../../src/schema-history/history-replayer.js';
import { ShadowSession } from '../../src/schema-history/shadow-session.js';
import type { SqlEndpoint } from '../../src/source/sql-client.js';

const env = loadStackEnv();
type Root = Awaited<ReturnType<typeof connectAsRoot>>;

async function binlogEnd(root: Root): Promise<{ file: string; pos: number }> {
  const [rows] = await root.query('SHOW MASTER STATUS');
  const row = (rows as Array<Record<string, unknown>>)[0]!;
  return { file: String(row['File']), pos: Number(row['Position']) };
}

/**
 * The binlog events written since `from` that name `db` (the server is shared with other tests, so
 * the binlog moves; none of what moved it may come from a replay on `db`).
 */
async function eventsNaming(root: Root, from: { file: string; pos: number }, db: string): Promise<string[]> {
  const [logs] = await root.query('SHOW BINARY LOGS');
  const files = (logs as Array<Record<string, unknown>>).map((l) => String(l['Log_name'])).filter((f) => f >= from.file);
  const found: string[] = [];
  for (const file of files) {
    const [events] = await root.query(`SHOW BINLOG EVENTS IN '${file}'${file === from.file ? ` FROM ${from.pos}` : ''}`);
    for (const event of events as Array<Record<string, unknown>>) if (String(event['Info']).includes(db)) found.push(String(event['Info']));
  }
  return found;
}

async function realTables(root: Root, db: string): Promise<Map<string, string>> {
  const [rows] = await root.query('SELECT TABLE_NAME FROM INFORMATION_SCHEMA.TABLES WHERE TABLE_SCHEMA = ?', [db]);
  const out = new Map<string, string>();
  for (const row of rows as Array<Record<string, unknown>>) {
    const name = String(row['TABLE_NAME']);
    const [created] = await root.query(`SHOW CREATE TABLE \`${db}\`.\`${name}\``);
    out.set(name, String((created as Array<Record<string, unknown>>)[0]!['Create Table']));
  }
  return out;
}

/** A CDC account with exactly the documented grants, the shadow grant on `db` included. */
async function cdcAccount(root: Root, db: string): Promise<SqlEndpoint> {
  const user = uniqueName('hist').slice(0, 30);
  await root.query(`CREATE USER '${user}'@'127.0.0.1' IDENTIFIED BY 'pw'`);
  await root.query(`GRANT SELECT, RELOAD, SHOW DATABASES, REPLICATION SLAVE, BINLOG MONITOR ON *.* TO '${user}'@'127.0.0.1'`);
  await root.query(`GRANT CREATE TEMPORARY TABLES ON \`${db}\`.* TO '${user}'@'127.0.0.1'`);
  return { host: env.mariadb.host, port: env.mariadb.port, user, password: 'pw' };
}

const SETUP = (db: string): string[] => [
  `CREATE TABLE \`${db}\`.t (id INT PRIMARY KEY AUTO_INCREMENT, a VARCHAR(10) DEFAULT 'NULL', b VARCHAR(10) DEFAULT NULL,
     c INT NOT NULL DEFAULT 7 COMMENT 'it''s c', d INT, e TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3), g INT AS (id * 2) VIRTUAL,
     UNIQUE KEY uq (c)) DEFAULT CHARSET=latin1 COMMENT='the t'`,
  `CREATE TABLE \`${db}\`.par (id INT PRIMARY KEY)`,
  `CREATE TABLE \`${db}\`.ch (id INT PRIMARY KEY, pid INT, CONSTRAINT fk_par FOREIGN KEY (pid) REFERENCES par (id) ON DELETE CASCADE)`,
  `CREATE TABLE \`${db}\`.parted (id INT PRIMARY KEY, v INT) PARTITION BY RANGE (id) (PARTITION p0 VALUES LESS THAN (10), PARTITION p1 VALUES LESS THAN MAXVALUE)`,
];

// Run on the real tables (in a scratch copy of the database) and replayed on shadows: the two must agree.
const STEPS = [
  'ALTER TABLE t MODIFY d VARCHAR(20) NOT NULL DEFAULT \'dee\'',
  'ALTER TABLE t DROP PRIMARY KEY, ADD PRIMARY KEY (id, c)',
  'ALTER TABLE t ADD COLUMN f ENUM(\'x\',\'y\') DEFAULT \'y\' AFTER a, COMMENT=\'t again\'',
  'CREATE INDEX ia ON t (a)',
  'CREATE UNIQUE INDEX ub ON t (b)',
  'DROP INDEX ub ON t',
  'ALTER TABLE ch DROP FOREIGN KEY fk_par, ADD COLUMN note TEXT DEFAULT \'n\'',
  'ALTER TABLE parted ADD COLUMN w BIGINT UNSIGNED NOT NULL DEFAULT 3',
  'ALTER TABLE parted REORGANIZE PARTITION p1 INTO (PARTITION p1 VALUES LESS THAN (1000), PARTITION p2 VALUES LESS THAN MAXVALUE)',
  'CREATE TABLE t_like LIKE t',
  'CREATE TABLE IF NOT EXISTS fresh (k CHAR(3) NOT NULL, UNIQUE KEY (k)) COMMENT \'new\'',
  'CREATE OR REPLACE TABLE fresh (k CHAR(4) NOT NULL PRIMARY KEY)',
  'ALTER TABLE t_like RENAME TO t_renamed',
  // pt-online-schema-change: new table, altered, atomic swap, old dropped
  'CREATE TABLE `_t_new` LIKE t',
  'ALTER TABLE `_t_new` ADD COLUMN z INT DEFAULT 42',
  'RENAME TABLE t TO `_t_old`, `_t_new` TO t',
  'DROP TABLE IF EXISTS `_t_old`',
  // gh-ost: ghost table, cut-over through a sentry name
  'CREATE TABLE `_ch_gho` LIKE ch',
  'ALTER TABLE `_ch_gho` MODIFY note VARCHAR(50) NOT NULL DEFAULT \'ghost\'',
  'RENAME TABLE ch TO `_ch_del`, `_ch_gho` TO ch',
  'DROP TABLE `_ch_del`',
  'DROP TABLE fresh',
];

for (const account of ['cdc', 'root'] as const) {
  test(`replays every DDL kind on shadows with the ${account} account: same definitions as the real tables, binlog unmoved`, { timeout: 120_000 }, async () => {
    const root = await connectAsRoot();
    const db = uniqueName('hist_replay');
    const mirror = `${db}_real`;
    const endpoint = account === 'cdc' ? await cdcAccount(root, db) : env.mariadbRoot;
    const shadows = new ShadowSession(endpoint);
    try {
      for (const name of [db, mirror]) {
        await root.query(`CREATE DATABASE \`${name}\``);
        for (const sql of SETUP(name)) await root.query(sql);
      }
      const definitions = new SchemaDefinitions();
      for (const table of await shadows.tablesOf(db)) {
        const definition = await shadows.readTable({ db, table });
        if (definition) definitions.apply({ table: { db, table }, definition });
      }
      assert.equal(definitions.size, 4);
      const tablesBefore = await realTables(root, db);
      for (const sql of STEPS) {
        await root.query(`USE \`${mirror}\``);
        await root.query(sql);
        const before = await binlogEnd(root);
        const outcome = await replayStatement({
          statement: { sql, database: db, position: { gtids: '0-1-1', file: 'f', pos: 4 } },
          definitions, shadows, keepsDatabase: (name) => name === db,
        });
        assert.equal(outcome.failure, undefined, `${sql}: ${String((outcome.failure?.error as Error | undefined)?.message)}`);
        assert.deepEqual(await eventsNaming(root, before, db), [], `nothing of the replay of ${sql} reached the binlog`);
      }
      assert.deepEqual(await realTables(root, db), tablesBefore, 'no real table changed');
      // Every definition equals what the server shows for the table the same DDL made for real.
      const live = new ShadowSession(env.mariadbRoot);
      try {
        const expected = await live.tablesOf(mirror);
        assert.deepEqual(definitions.tablesOf(db).map((t) => t.table).sort(), expected);
        for (const table of expected) {
          const real = (await live.readTable({ db: mirror, table }))!;
          const replayed = (await definitions.definitionOf(db, table))!;
          assert.deepEqual(replayed.columns, real.columns, `columns of ${table}`);
          assert.deepEqual(replayed.uniqueIndexes, real.uniqueIndexes, `unique indexes of ${table}`);
          assert.equal(replayed.comment, real.comment, `comment of ${table}`);
          assert.equal(replayed.defaultCharset, real.defaultCharset, `charset of ${table}`);
        }
        // And the columns read from SHOW statements equal INFORMATION_SCHEMA's own rows.
        const [rows] = await root.query(
          'SELECT COLUMN_NAME, COLUMN_DEFAULT, IS_NULLABLE, COLUMN_TYPE, EXTRA, COLUMN_KEY, COLUMN_COMMENT FROM INFORMATION_SCHEMA.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION',
          [mirror, 't']);
        const replayed = (await definitions.definitionOf(db, 't'))!;
        assert.deepEqual(replayed.columns.map((c) => ({
          COLUMN_NAME: c.COLUMN_NAME, COLUMN_DEFAULT: c.COLUMN_DEFAULT, IS_NULLABLE: c.IS_NULLABLE, COLUMN_TYPE: c.COLUMN_TYPE,
          EXTRA: c.EXTRA, COLUMN_KEY: c.COLUMN_KEY, COLUMN_COMMENT: c.COLUMN_COMMENT,
        })), (rows as Array<Record<string, unknown>>).map((r) => ({ ...r })));
      } finally {
        await live.close();
      }
    } finally {
      await shadows.close();
      await root.query(`DROP DATABASE IF EXISTS \`${db}\``);
      await root.query(`DROP DATABASE IF EXISTS \`${mirror}\``);
      if (account === 'cdc') await root.query(`DROP USER IF EXISTS '${endpoint.user}'@'127.0.0.1'`);
      await root.end();
    }
  });
}

test('refuses a statement on a table the history does not know, and reports it instead of touching the real table', { timeout: 60_000 }, async () => {
  const root = await connectAsRoot();
  const db = uniqueName('hist_refuse');
  const shadows = new ShadowSession(env.mariadbRoot);
  try {
    await root.query(`CREATE DATABASE \`${db}\``);
    await root.query(`CREATE TABLE \`${db}\`.real_one (id INT PRIMARY KEY)`);
    const before = await binlogEnd(root);
    const outcome = await replayStatement({
      statement: { sql: 'ALTER TABLE real_one ADD COLUMN x INT', database: db, position: { gtids: '0-1-1', file: 'f', pos: 4 } },
      definitions: new SchemaDefinitions(), shadows, keepsDatabase: () => true,
    });
    assert.match(String((outcome.failure?.error as Error).message), /replay refused for .*real_one/);
    assert.deepEqual(await eventsNaming(root, before, db), []);
    assert.deepEqual([...(await realTables(root, db)).values()][0]!.includes('`x`'), false);
  } finally {
    await shadows.close();
    await root.query(`DROP DATABASE IF EXISTS \`${db}\``);
    await root.end();
  }
});

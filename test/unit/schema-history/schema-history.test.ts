import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  columnDefaults, isTemporaryCreateText, persistentCreateText, shadowCreateStatement, tableOptions, withoutPartitioning,
} from '../../../src/schema-history/create-text.js';
import { formatHistoryRecord, offsetCovers, parseHistoryRecord, type HistoryRecord } from '../../../src/schema-history/history-record.js';
import { planReplay, replayableAlter } from '../../../src/schema-history/replay-plan.js';
import { informationSchemaColumns, uniqueIndexesFromShowIndex } from '../../../src/schema-history/show-columns.js';
import { grantCovers, serverProblems, temporaryTableGrants } from '../../../src/source/server-checks.js';

// As MariaDB 10.11 prints it.
const CREATE = [
  'CREATE TABLE `t` (',
  '  `id` int(11) NOT NULL AUTO_INCREMENT,',
  "  `a` varchar(10) DEFAULT 'NULL',",
  '  `b` varchar(10) DEFAULT NULL,',
  "  `c` varchar(10) NOT NULL DEFAULT 'it''s, DEFAULT x',",
  '  `d` decimal(10,2) DEFAULT 1.50,',
  '  `e` timestamp(3) NOT NULL DEFAULT current_timestamp(3) ON UPDATE current_timestamp(3),',
  "  `f` bit(3) DEFAULT b'101',",
  '  `g` int(11) GENERATED ALWAYS AS (`id` * 2) VIRTUAL,',
  "  `h` enum('x','y') DEFAULT 'y' COMMENT 'com''m',",
  '  `m` int(11) DEFAULT (1 + 2),',
  '  PRIMARY KEY (`id`),',
  '  UNIQUE KEY `uq` (`c`,`d`)',
  ") ENGINE=InnoDB DEFAULT CHARSET=latin1 COLLATE=latin1_swedish_ci COMMENT='tab''s c'",
  ' PARTITION BY RANGE (`id`)',
  '(PARTITION `p0` VALUES LESS THAN (10) ENGINE = InnoDB,',
  ' PARTITION `p1` VALUES LESS THAN MAXVALUE ENGINE = InnoDB)',
].join('\n');

test('column defaults are read from SHOW CREATE TABLE as INFORMATION_SCHEMA prints them', () => {
  assert.deepEqual(Object.fromEntries(columnDefaults(CREATE)), {
    a: "'NULL'", b: 'NULL', c: "'it''s, DEFAULT x'", d: '1.50', e: 'current_timestamp(3)', f: "b'101'", h: "'y'", m: '(1 + 2)',
  });
});

test('a shadow is TEMPORARY, Aria, db-qualified and unpartitioned; table options are read back', () => {
  const shadow = shadowCreateStatement(CREATE, { db: 'inv', table: 't' });
  assert.match(shadow, /^CREATE TEMPORARY TABLE `inv`\.`t` \(\n {2}`id`/);
  assert.match(shadow, /\) ENGINE=Aria DEFAULT CHARSET=latin1 COLLATE=latin1_swedish_ci COMMENT='tab''s c'$/);
  assert.equal(shadow.includes('PARTITION'), false);
  assert.equal(withoutPartitioning('CREATE TABLE x (a int) /*!50100 PARTITION BY HASH (a) */'), 'CREATE TABLE x (a int)');
  assert.deepEqual(tableOptions(CREATE), { defaultCharset: 'latin1', comment: "tab's c" });
  assert.equal(isTemporaryCreateText(shadow), true);
  assert.equal(isTemporaryCreateText(CREATE), false);
  assert.equal(persistentCreateText('CREATE TEMPORARY TABLE `t` (\n)'), 'CREATE TABLE `t` (\n)');
});

test('SHOW FULL COLUMNS and SHOW INDEX rows become INFORMATION_SCHEMA rows', () => {
  const rows = [
    { Field: 'id', Type: 'int(11)', Collation: null, Null: 'NO', Key: 'PRI', Default: null, Extra: 'auto_increment', Comment: '' },
    { Field: 'a', Type: 'varchar(10)', Collation: 'latin1_swedish_ci', Null: 'YES', Key: '', Default: 'NULL', Extra: '', Comment: '' },
    { Field: 'b', Type: 'varchar(10)', Collation: 'latin1_swedish_ci', Null: 'YES', Key: '', Default: null, Extra: '', Comment: '' },
    { Field: 'd', Type: 'decimal(10,2)', Collation: null, Null: 'YES', Key: '', Default: '1.50', Extra: '', Comment: '' },
    { Field: 'e', Type: 'timestamp(3)', Collation: null, Null: 'NO', Key: '', Default: 'current_timestamp(3)', Extra: 'on update current_timestamp(3)', Comment: '' },
  ];
  const columns = informationSchemaColumns(rows, CREATE, (collation) => collation.split('_')[0]!);
  assert.deepEqual(columns.map((c) => [c.COLUMN_NAME, c.COLUMN_DEFAULT, c.DATA_TYPE, c.CHARACTER_SET_NAME]), [
    ['id', null, 'int', null], ['a', "'NULL'", 'varchar', 'latin1'], ['b', 'NULL', 'varchar', 'latin1'], ['d', '1.50', 'decimal', null],
    ['e', 'current_timestamp(3)', 'timestamp', null],
  ]);
  assert.deepEqual([columns[3]!.NUMERIC_PRECISION, columns[3]!.NUMERIC_SCALE, columns[4]!.DATETIME_PRECISION], ['10', '2', '3']);
  assert.deepEqual(uniqueIndexesFromShowIndex([
    { Key_name: 'PRIMARY', Non_unique: 0, Seq_in_index: 1, Column_name: 'id', Null: '' },
    { Key_name: 'uq', Non_unique: 0, Seq_in_index: 2, Column_name: 'd', Null: 'YES' },
    { Key_name: 'uq', Non_unique: 0, Seq_in_index: 1, Column_name: 'c', Null: '' },
    { Key_name: 'k', Non_unique: 1, Seq_in_index: 1, Column_name: 'a', Null: 'YES' },
  ]), [{ columns: ['id'], nullable: false }, { columns: ['c', 'd'], nullable: true }]);
});

test('statement heads are rewritten so only temporary tables can be touched; RENAME and DROP stay in memory', () => {
  const t = { db: 'inv', table: 't' };
  assert.deepEqual(planReplay('CREATE TABLE t (id INT)', 'inv'), {
    kind: 'execute', statement: 'CREATE TEMPORARY TABLE t (id INT)', shadows: [], results: [t], removed: [], creates: t,
  });
  const orReplace = planReplay('CREATE OR REPLACE TABLE IF NOT EXISTS `inv`.`t` LIKE src', 'x');
  assert.equal(orReplace?.kind === 'execute' && orReplace.statement, 'CREATE OR REPLACE TEMPORARY TABLE IF NOT EXISTS `inv`.`t` LIKE src');
  assert.deepEqual(orReplace?.kind === 'execute' && orReplace.shadows, [t, { db: 'x', table: 'src' }]);
  const renamed = planReplay('ALTER TABLE t ADD COLUMN x INT, RENAME TO t2', 'inv');
  assert.equal(renamed?.kind === 'execute' && renamed.statement, 'ALTER TABLE t ADD COLUMN x INT');
  assert.deepEqual(renamed?.kind === 'execute' && renamed.renamed, { from: t, to: { db: 'inv', table: 't2' } });
  assert.deepEqual(planReplay('RENAME TABLE t TO _t_old, _t_new TO t', 'inv'), {
    kind: 'rename', renames: [{ from: t, to: { db: 'inv', table: '_t_old' } }, { from: { db: 'inv', table: '_t_new' }, to: t }],
  });
  assert.deepEqual(planReplay('DROP TABLE IF EXISTS a, `b`', 'inv'), { kind: 'drop', tables: [{ db: 'inv', table: 'a' }, { db: 'inv', table: 'b' }] });
  assert.deepEqual(planReplay('ALTER TABLE t ADD PARTITION (PARTITION p3 VALUES LESS THAN (9))', 'inv'), { kind: 'unchanged' });
  const index = planReplay('CREATE UNIQUE INDEX u ON other.t (a)', 'inv');
  assert.deepEqual(index?.kind === 'execute' && index.shadows, [{ db: 'other', table: 't' }]);
  assert.equal(planReplay('TRUNCATE t', 'inv'), null);
  assert.equal(planReplay('GRANT SELECT ON *.* TO x', 'inv'), null);
  assert.equal(replayableAlter("ALTER TABLE c DROP FOREIGN KEY fk, COMMENT 'DROP FOREIGN KEY x'"),
    "ALTER TABLE c DROP FOREIGN KEY IF EXISTS fk, COMMENT 'DROP FOREIGN KEY x'");
});

test('comments in a statement head are skipped; the head run is the head read, the rest runs as written', () => {
  const gho = { db: 'osc', table: '_t_gho' };
  assert.deepEqual(planReplay('create /* gh-ost */ table `osc`.`_t_gho` like `osc`.`t`', 'x'), {
    kind: 'execute', statement: 'CREATE TEMPORARY TABLE `osc`.`_t_gho` like `osc`.`t`', shadows: [{ db: 'osc', table: 't' }], results: [gho], removed: [], creates: gho, copies: { db: 'osc', table: 't' },
  });
  const alter = planReplay("alter /* gh-ost */ table `osc`.`_t_gho` ADD COLUMN note varchar(20) /* new */ COMMENT 'a /* b */'", 'x');
  assert.equal(alter?.kind === 'execute' && alter.statement, "alter              table `osc`.`_t_gho` ADD COLUMN note varchar(20) /* new */ COMMENT 'a /* b */'");
  // A name in a comment is no target: the server and the plan see the same table.
  const hidden = planReplay('ALTER TABLE /* real.t */ shadow ADD x INT', 'inv');
  assert.deepEqual(hidden?.kind === 'execute' && [hidden.statement, hidden.shadows], ['ALTER TABLE              shadow ADD x INT', [{ db: 'inv', table: 'shadow' }]]);
  assert.deepEqual(planReplay('rename /* gh-ost */ table `osc`.`t` to `osc`.`_t_del`, `osc`.`_t_gho` to `osc`.`t`', 'x'), {
    kind: 'rename', renames: [{ from: { db: 'osc', table: 't' }, to: { db: 'osc', table: '_t_del' } }, { from: gho, to: { db: 'osc', table: 't' } }],
  });
  assert.deepEqual(planReplay('drop /* gh-ost */ table if exists `osc`.`_t_ghc`', 'x'), { kind: 'drop', tables: [{ db: 'osc', table: '_t_ghc' }] });
  const index = planReplay('-- speed\nCREATE /* x */ INDEX i ON t (a)', 'inv');
  assert.equal(index?.kind === 'execute' && index.statement, 'CREATE         INDEX i ON t (a)');
  assert.equal(planReplay('/*!40000 ALTER TABLE t DISABLE KEYS */', 'inv'), null);
});

test('a history record round-trips, and applies once the stored offset covers its position', () => {
  const record: HistoryRecord = {
    table: { db: 'inv', table: 't' }, position: { gtid: '0-1-42', gtids: '0-1-42,1-2-7', file: 'mysql-bin.000003', pos: 1234 },
    ddl: 'ALTER TABLE t ADD x INT',
    definition: { db: 'inv', table: 't', createStatement: 'CREATE TABLE `t` (\n)', columns: [], uniqueIndexes: [], defaultCharset: 'latin1', comment: null },
  };
  assert.deepEqual(parseHistoryRecord(formatHistoryRecord(record), 'h:0:0'), record);
  assert.throws(() => parseHistoryRecord('{"version":9}', 'h:0:5'), /h:0:5 is not a binlogd schema history record/);
  assert.equal(offsetCovers({ gtids: '0-1-42' }, record.position), true);
  assert.equal(offsetCovers({ gtids: '0-1-41,1-2-9' }, record.position), false);
  const bootstrap = { gtids: '0-1-10,1-2-3', file: '', pos: 0 };
  assert.equal(offsetCovers({ gtids: '0-1-10,1-2-3' }, bootstrap), true);
  assert.equal(offsetCovers({ gtids: '0-1-10' }, bootstrap), false);
});

test('the missing CREATE TEMPORARY TABLES grant is an error naming the GRANT to run', () => {
  const grants = temporaryTableGrants([
    'GRANT SELECT, RELOAD ON *.* TO `binlogd`@`%`',
    'GRANT CREATE TEMPORARY TABLES ON `inventory`.* TO `binlogd`@`%`',
    'GRANT ALL PRIVILEGES ON `app\\_%`.* TO `binlogd`@`%`',
  ]);
  assert.deepEqual(grants, ['inventory', 'app\\_%']);
  assert.equal(grantCovers('app\\_%', 'app_one'), true);
  assert.equal(grantCovers('app\\_%', 'appxone'), false);
  const facts = {
    version: '10.11', logBin: true, binlogFormat: 'ROW', binlogRowImage: 'FULL', binlogRowMetadata: 'FULL', serverId: 1, gtidBinlogPos: '',
    globalPrivileges: new Set(['SELECT', 'RELOAD', 'SHOW DATABASES', 'REPLICATION SLAVE', 'BINLOG MONITOR']),
    temporaryTableGrants: grants, capturedDatabases: ['inventory', 'app_one', 'shop'],
  };
  const findings = serverProblems(facts, "'binlogd'@'%'");
  assert.deepEqual(findings.map((f) => [f.severity, f.code]), [['error', 'SOURCE_GRANTS']]);
  assert.match(findings[0]!.message, /GRANT CREATE TEMPORARY TABLES ON `shop`\.\* TO 'binlogd'@'%';$/);
  assert.deepEqual(serverProblems({ ...facts, temporaryTableGrants: ['*'] }, 'x'), []);
});

test('a table restored from the history shows no comment in schema change records until a DDL changes it, as in Debezium 3.5', async () => {
  const { SchemaDefinitions } = await import('../../../src/schema-history/definitions.js');
  const definitions = new SchemaDefinitions();
  const t = { db: 'inv', table: 't' };
  const definition = (comment: string | null) =>
    ({ db: 'inv', table: 't', createStatement: '', columns: [], uniqueIndexes: [], defaultCharset: null, comment });
  definitions.apply({ table: t, definition: definition('c') });
  assert.equal(definitions.showsComment(t), true);
  definitions.apply({ table: t, definition: definition('c') }, { restored: true });
  assert.equal(definitions.showsComment(t), false);
  definitions.apply({ table: t, definition: definition('c') });
  assert.equal(definitions.showsComment(t), false, 'an ALTER leaving the comment keeps it hidden');
  const moved = { db: 'inv', table: 'u' };
  definitions.apply({ table: moved, definition: { ...definition('c'), table: 'u' } }, { from: (await definitions.get(t))! });
  assert.equal(definitions.showsComment(moved), false, 'a rename carries it');
  definitions.apply({ table: t, definition: definition('new') });
  assert.equal(definitions.showsComment(t), true, 'a DDL setting the comment shows it again');
  // Debezium's CREATE TABLE ... LIKE copies columns, key, charset and attributes, not the comment.
  const copy = { db: 'inv', table: '_t_gho' };
  definitions.apply({ table: copy, definition: { ...definition('new'), table: '_t_gho' } }, { copied: true });
  assert.equal(definitions.showsComment(copy), false, 'a copy made by LIKE hides it');
});

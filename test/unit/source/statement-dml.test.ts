import { test } from 'node:test';
import assert from 'node:assert/strict';
import { statementDml } from '../../../src/source/statement-dml.js';

test('statementDml names the verb and the tables a statement-based row change writes', () => {
  const cases: Array<[string, { verb: string; tables: string[] } | null]> = [
    ['INSERT INTO t VALUES (1)', { verb: 'INSERT', tables: ['app.t'] }],
    ['insert ignore into `inv`.`order lines` (a) values (1)', { verb: 'INSERT', tables: ['inv.order lines'] }],
    ['/* app */ INSERT LOW_PRIORITY t SELECT * FROM u', { verb: 'INSERT', tables: ['app.t'] }],
    ['REPLACE INTO db2.t SET a = 1', { verb: 'REPLACE', tables: ['db2.t'] }],
    ["LOAD DATA LOCAL INFILE '/tmp/x' REPLACE INTO TABLE `db`.t FIELDS TERMINATED BY ','", { verb: 'LOAD DATA', tables: ['db.t'] }],
    ['UPDATE t SET a = 1 WHERE id = 2', { verb: 'UPDATE', tables: ['app.t'] }],
    ['UPDATE LOW_PRIORITY db.t AS x JOIN u ON x.id = u.id SET x.a = u.a', { verb: 'UPDATE', tables: ['db.t', 'app.u'] }],
    ['UPDATE t1, db.t2 SET t1.a = t2.a', { verb: 'UPDATE', tables: ['app.t1', 'db.t2'] }],
    ['DELETE FROM t WHERE id = 1', { verb: 'DELETE', tables: ['app.t'] }],
    ['DELETE QUICK IGNORE FROM `d`.`t`', { verb: 'DELETE', tables: ['d.t'] }],
    ['DELETE t1, t2 FROM t1 JOIN t2 ON t1.id = t2.id', { verb: 'DELETE', tables: ['app.t1', 'app.t2'] }],
    ['DELETE FROM t1, db.t2 USING t1 JOIN db.t2', { verb: 'DELETE', tables: ['app.t1', 'db.t2'] }],
    ['BEGIN', null],
    ['COMMIT', null],
    ['CREATE TABLE t (id INT)', null],
    ['ALTER TABLE t ADD COLUMN updated INT', null],
    ['TRUNCATE TABLE t', null],
    ['DROP TABLE `insert`', null],
  ];
  for (const [sql, expected] of cases) {
    const found = statementDml(sql, 'app');
    assert.deepEqual(found && { verb: found.verb, tables: found.tables.map((t) => `${t.db}.${t.table}`) }, expected, sql);
  }
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { blankComments, codeStart } from '../../../src/envelope/sql-comments.js';

test('comments become spaces of the same length; executable comments keep their code', () => {
  const cases: Array<[string, string]> = [
    ['create /* gh-ost */ table t', 'create              table t'],
    ['-- note\nALTER TABLE t', '       \nALTER TABLE t'],
    ['# note\nDROP TABLE t', '      \nDROP TABLE t'],
    ['CREATE DATABASE /*!32312 IF NOT EXISTS*/ `d`', 'CREATE DATABASE          IF NOT EXISTS   `d`'],
    ['CREATE /*M!100100 OR REPLACE */ TABLE t', 'CREATE            OR REPLACE    TABLE t'],
    ['/*!40000 ALTER TABLE t DISABLE KEYS */', '         ALTER TABLE t DISABLE KEYS   '],
    // Quoted text is not a comment, and `--` needs a space after it to start one.
    ["ALTER TABLE `a/*b` COMMENT '-- x # y /* z */'", "ALTER TABLE `a/*b` COMMENT '-- x # y /* z */'"],
    ["SELECT 'it''s /*', \"\\\" -- \" -- tail", "SELECT 'it''s /*', \"\\\" -- \"        "],
    ['SELECT 1--1', 'SELECT 1--1'],
    ['DROP TABLE t /* unterminated', 'DROP TABLE t ' + ' '.repeat(15)],
  ];
  for (const [sql, expected] of cases) {
    const blanked = blankComments(sql);
    assert.equal(blanked, expected, sql);
    assert.equal(blanked.length, sql.length, sql);
  }
});

test('the code starts after leading whitespace and comments', () => {
  assert.equal(codeStart(blankComments(' /* a */ -- b\n  RENAME TABLE a TO b')), 16);
  assert.equal(codeStart(blankComments('/* only a comment */')), 20);
});

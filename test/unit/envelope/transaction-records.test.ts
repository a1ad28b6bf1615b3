import { test } from 'node:test';
import assert from 'node:assert/strict';
import { javaHashMapOrder, transactionEnd } from '../../../src/envelope/transaction-records.js';

test('keys come out in java.util.HashMap order (as Debezium lists them)', () => {
  // Seen from Debezium 3.5: a DROP of x1 then x2 reports source.table "x2,x1".
  assert.deepEqual(javaHashMapOrder(['binlogd_test.x1_mwqejtbv_y96', 'binlogd_test.x2_mwqejtbv_180e']), ['binlogd_test.x2_mwqejtbv_180e', 'binlogd_test.x1_mwqejtbv_y96']);
  assert.deepEqual(javaHashMapOrder(['c', 'a', 'b']), ['a', 'b', 'c']);
  // "Aa" and "BB" share a hash code: one bucket, insertion order.
  assert.deepEqual(javaHashMapOrder(['BB', 'Aa']), ['BB', 'Aa']);
  const many = Array.from({ length: 40 }, (_, i) => `db.t${i}`);
  assert.equal(new Set(javaHashMapOrder(many)).size, 40);
});

test('END counts the events per table', () => {
  const { key, value } = transactionEnd('0-1-5', 1000, 3, new Map([['db.a', 2], ['db.b', 1]]));
  assert.deepEqual(key, { id: '0-1-5' });
  assert.equal(value['status'], 'END');
  assert.equal(value['event_count'], 3n);
  // In HashMap order: "db.b" hashes to an earlier bucket than "db.a".
  assert.deepEqual(value['data_collections'], [{ data_collection: 'db.b', event_count: 1n }, { data_collection: 'db.a', event_count: 2n }]);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { missingColumns } from '../../../src/source/row-image.js';

const names = ['id', 'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i'];

test('missingColumns: a full row image misses nothing; MINIMAL/NOBLOB images name the columns left out', () => {
  assert.deepEqual(missingColumns(10, [Buffer.from([0xff, 0x03])], names), []);
  // Bits past the column count are padding, whatever they hold.
  assert.deepEqual(missingColumns(10, [Buffer.from([0xff, 0xff])], names), []);
  assert.deepEqual(missingColumns(3, [Buffer.from([0x07])], names), []);
  // An update: the before image has only the key, the after image only the changed column.
  assert.deepEqual(missingColumns(3, [Buffer.from([0x01]), Buffer.from([0x02])], names), ['a', 'b', 'id']);
  assert.deepEqual(missingColumns(10, [Buffer.from([0xff, 0x01])], names), ['i']);
  assert.deepEqual(missingColumns(9, [Buffer.from([0xfe, 0x01])], names), ['id']);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { frame, frameHeader, unframe } from '../../../src/serialize/wire-format.js';

test('frame is magic 0, big-endian id, body', () => {
  const framed = frame(0x01020304, Buffer.from([0xaa, 0xbb]));
  assert.equal(framed.toString('hex'), '0001020304aabb');
  assert.equal(frameHeader(7).toString('hex'), '0000000007');
  assert.deepEqual(unframe(framed), { schemaId: 0x01020304, body: Buffer.from([0xaa, 0xbb]) });
  assert.equal(unframe(frame(2147483647, Buffer.alloc(0))).schemaId, 2147483647);
});

test('bad ids and bad frames are refused', () => {
  for (const id of [-1, 2 ** 31, 1.5]) assert.throws(() => frameHeader(id), { code: 'INTERNAL' });
  assert.throws(() => unframe(Buffer.from([1, 0, 0, 0, 1])), { code: 'INTERNAL' });
  assert.throws(() => unframe(Buffer.from([0, 0, 0])), { code: 'INTERNAL' });
});

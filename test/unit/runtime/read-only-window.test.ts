import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ReadOnlyWindow } from '../../../src/runtime/read-only-window.js';

const at = (pos: number, file = 'mysql-bin.000003') => ({ file, pos });

test('a settled window names its snapshot point: rows streamed from there on supersede the chunk', () => {
  const window = new ReadOnlyWindow(at(1000));
  assert.equal(window.snapshotAt, null, 'not settled yet');
  assert.equal(window.settle(at(2000), '0-1-50'), true);
  assert.deepEqual(window.snapshotAt, at(2000));
});

test('a stream already past the snapshot point when the window opened: the chunk is read again', () => {
  assert.equal(new ReadOnlyWindow(at(2001)).settle(at(2000), '0-1-50'), false);
  assert.equal(new ReadOnlyWindow(at(4, 'mysql-bin.000004')).settle(at(2000), '0-1-50'), false, 'in a later file');
  assert.equal(new ReadOnlyWindow(at(1990)).settle(at(2000), '0-1-50'), true, 'a rows event before the point: nothing missed');
  assert.equal(new ReadOnlyWindow(undefined).settle(at(2000), '0-1-50'), true, 'nothing read yet');
});

test('the window closes once the stream covers the high watermark in every domain', () => {
  const window = new ReadOnlyWindow(at(1000));
  assert.equal(window.reachedBy('0-1-99'), false, 'not settled yet');
  window.settle(at(2000), '0-1-50,1-2-7');
  assert.equal(window.reachedBy('0-1-49,1-2-7'), false);
  assert.equal(window.reachedBy('0-1-50,1-2-6'), false);
  assert.equal(window.reachedBy('0-1-50'), false, 'domain 1 not seen yet');
  assert.equal(window.reachedBy('0-1-50,1-2-7'), true, 'high = position: nothing written since (idle server)');
  assert.equal(window.reachedBy('0-1-80,1-3-9,2-1-1'), true);
});

test('an empty high watermark (a server without transactions yet) is reached at once', () => {
  const window = new ReadOnlyWindow(undefined);
  window.settle(at(4, 'mysql-bin.000001'), '');
  assert.equal(window.reachedBy(''), true);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import pino from 'pino';
import { buildTableSchema, type ColumnCodec } from '../../../src/envelope/table-schema.js';
import { chunkColumns, StreamedRows, windowKey } from '../../../src/runtime/incremental-keys.js';
import { watermarkData } from '../../../src/source/incremental-chunk-reader.js';

const columns: ColumnCodec[] = [
  { name: 'region', schema: { type: 'string', optional: false }, convert: (v) => String(v) },
  { name: 'n', schema: { type: 'int32', optional: false }, convert: (v) => Number(v) },
  { name: 'v', schema: { type: 'int64', optional: true }, convert: (v) => BigInt(v as number) },
];
const keyed = buildTableSchema({ topicPrefix: 'p', db: 'db', table: 't', columns, keyColumns: ['region', 'n'] });
const keyless = buildTableSchema({ topicPrefix: 'p', db: 'db', table: 'k', columns, keyColumns: [] });

function logged(): { log: pino.Logger; lines: Array<{ level: number; msg: string }> } {
  const lines: Array<{ level: number; msg: string }> = [];
  const log = pino({ level: 'info' }, { write: (line: string) => { lines.push(JSON.parse(line) as { level: number; msg: string }); } });
  return { log, lines };
}

test('chunks follow the surrogate-key, else the message key; a table with neither is skipped naming the remedies', () => {
  const { log, lines } = logged();
  assert.deepEqual(chunkColumns({ id: 'db.t' }, keyed, columns, log), ['region', 'n']);
  assert.deepEqual(chunkColumns({ id: 'db.t', surrogateKey: 'v' }, keyed, columns, log), ['v']);
  assert.deepEqual(chunkColumns({ id: 'db.k', surrogateKey: 'n' }, keyless, columns, log), ['n']);
  assert.equal(lines.length, 0);
  assert.equal(chunkColumns({ id: 'db.k' }, keyless, columns, log), null);
  assert.match(lines[0]!.msg, /skipping db\.k: it has no primary key .*message\.key\.columns.*"surrogate-key"/);
  assert.equal(chunkColumns({ id: 'db.t', surrogateKey: 'nope' }, keyed, columns, log), null);
  assert.equal(lines[1]!.level, 50);
  assert.match(lines[1]!.msg, /skipping db\.t: its surrogate-key column 'nope' does not exist/);
});

test('rows are matched in a window by their key struct, or by the chunk columns of a keyless table', () => {
  // The same row as SELECT and the binlog give it (a number here, a string there) matches.
  assert.equal(windowKey(keyed, ['region', 'n'], { region: 'eu', n: 1, v: 5 }), windowKey(keyed, ['region', 'n'], { region: 'eu', n: '1', v: 6 }));
  assert.notEqual(windowKey(keyed, ['region', 'n'], { region: 'eu', n: 1 }), windowKey(keyed, ['region', 'n'], { region: 'eu', n: 2 }));
  assert.equal(windowKey(keyless, ['v'], { region: 'a', n: 1, v: 7 }), windowKey(keyless, ['v'], { region: 'b', n: 2, v: '7' }));
  assert.notEqual(windowKey(keyless, ['v'], { v: 7 }), windowKey(keyless, ['v'], { v: 8 }));
});

test('streamed rows are kept per table; from a snapshot point on, only the rows events starting there or later count', () => {
  const at = (pos: number, file = 'mysql-bin.000003') => ({ file, pos });
  const row = (id: number) => ({ id });
  const streamed = new StreamedRows();
  streamed.record('db.t', 'c', [row(1)], at(1500)); // in a transaction the snapshot saw
  streamed.record('db.t', 'u', [{ before: row(2), after: row(3) }], at(2500));
  streamed.record('db.t', 'd', [row(4)], at(10, 'mysql-bin.000004'));
  streamed.record('db.t', 'c', [row(5)], at(2000)); // a rows event starting at the point is after it
  streamed.record('db.other', 'd', [row(6)], at(100));
  assert.deepEqual(streamed.images('db.t'), [row(1), row(2), row(3), row(4), row(5)], 'watermarks: every row streamed in the window');
  assert.deepEqual(streamed.images('db.t', at(2000)), [row(2), row(3), row(4), row(5)]);
  assert.deepEqual(streamed.images('db.other'), [row(6)]);
  assert.deepEqual(streamed.images('db.untouched', at(2000)), []);
});

test('watermark data in Debezium\'s text', () => {
  assert.equal(watermarkData({ openWindowTimestamp: 'a' }), '{"openWindowTimestamp": "a"}');
  assert.equal(watermarkData({ openWindowTimestamp: 'a', closeWindowTimestamp: 'b' }), '{"openWindowTimestamp": "a", "closeWindowTimestamp": "b"}');
});

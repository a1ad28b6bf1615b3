import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseSignal } from '../../../src/runtime/signals.js';
import { parseKafkaSignal } from '../../../src/runtime/kafka-signals.js';

test('signals in Debezium\'s shape become typed signals', () => {
  const cases: Array<[string, string, unknown, unknown]> = [
    ['a', 'execute-snapshot', '{"data-collections":["db.t"],"type":"incremental"}', { kind: 'execute-snapshot', id: 'a', collections: [{ id: 'db.t' }] }],
    ['b', 'execute-snapshot', '{"data-collections":["db.t","db.u"],"type":"INCREMENTAL","additional-conditions":[{"data-collection":"db.u","filter":"status=\'open\'"}]}',
      { kind: 'execute-snapshot', id: 'b', collections: [{ id: 'db.t' }, { id: 'db.u', filter: "status='open'" }] }],
    ['c', 'execute-snapshot', '{"data-collections":["db.t"]}', { kind: 'execute-snapshot', id: 'c', collections: [{ id: 'db.t' }] }],
    ['d', 'stop-snapshot', '{"type":"incremental"}', { kind: 'stop-snapshot', id: 'd', collections: [] }],
    ['e', 'stop-snapshot', '{"data-collections":["db.t"],"type":"incremental"}', { kind: 'stop-snapshot', id: 'e', collections: ['db.t'] }],
    ['f', 'pause-snapshot', null, { kind: 'pause-snapshot', id: 'f' }],
    ['g', 'resume-snapshot', '{}', { kind: 'resume-snapshot', id: 'g' }],
    ['h-open', 'snapshot-window-open', '{"openWindowTimestamp":"x"}', { kind: 'snapshot-window-open', id: 'h-open' }],
    ['h-close', 'snapshot-window-close', null, { kind: 'snapshot-window-close', id: 'h-close' }],
    ['i', 'execute-snapshot', Buffer.from('{"data-collections":["db.t"]}'), { kind: 'execute-snapshot', id: 'i', collections: [{ id: 'db.t' }] }],
    ['j', 'execute-snapshot', '{"data-collections":["db.t","db.u"],"type":"BLOCKING","additional-conditions":[{"data-collection":"db.u","filter":"id > 2"}]}',
      { kind: 'execute-blocking-snapshot', id: 'j', collections: [{ id: 'db.t' }, { id: 'db.u', filter: 'id > 2' }] }],
    // One surrogate-key for every table of the signal (Debezium's SnapshotConfiguration).
    ['j2', 'execute-snapshot', '{"data-collections":["db.t","db.u"],"surrogate-key":"seq","additional-conditions":[{"data-collection":"db.u","filter":"x=1"}]}',
      { kind: 'execute-snapshot', id: 'j2', collections: [{ id: 'db.t', surrogateKey: 'seq' }, { id: 'db.u', filter: 'x=1', surrogateKey: 'seq' }] }],
    ['k', 'execute-snapshot', '{"data-collections":["db.t"],"surrogate-key":""}', { kind: 'execute-snapshot', id: 'k', collections: [{ id: 'db.t' }] }],
  ];
  for (const [id, type, data, expected] of cases) assert.deepEqual(parseSignal(id, type, data), expected, `${type} ${String(data)}`);
});

test('bad signals are ignored with a reason naming what is wrong', () => {
  const cases: Array<[string, unknown, RegExp]> = [
    ['log', '{"message":"hi"}', /signal type 'log' is not supported/],
    ['execute-snapshot', 'not json', /not a JSON object/],
    ['execute-snapshot', '{"type":"incremental"}', /needs data-collections/],
    ['execute-snapshot', '{"data-collections":"db.t"}', /must be a list of table names/],
    ['execute-snapshot', '{"data-collections":["db.t"],"type":"parallel"}', /type 'parallel' is not supported: use "type":"incremental" or "type":"blocking"/],
    ['stop-snapshot', '{"data-collections":["db.t"],"type":"blocking"}', /a blocking snapshot cannot be stopped/],
    ['execute-snapshot', '{"type":"blocking"}', /needs data-collections/],
    ['execute-snapshot', '{"data-collections":["db.t"],"additional-conditions":{"filter":"x"}}', /additional-conditions must be a list/],
    ['execute-snapshot', '{"data-collections":["db.t"],"additional-conditions":[{"filter":"x"}]}', /needs "data-collection" and "filter"/],
    ['execute-snapshot', '{"data-collections":["db.t"],"surrogate-key":["a"]}', /surrogate-key of execute-snapshot must be a column name/],
  ];
  for (const [type, data, reason] of cases) {
    const signal = parseSignal('x', type, data);
    assert.equal(signal.kind, 'ignored', `${type} ${String(data)}`);
    assert.match((signal as { reason: string }).reason, reason);
  }
});

test('Kafka signal messages: {"type", "data"} with the message offset as id', () => {
  assert.deepEqual(parseKafkaSignal('7', Buffer.from('{"type":"execute-snapshot","data":{"data-collections":["db.t"],"type":"incremental"}}')),
    { kind: 'execute-snapshot', id: '7', collections: [{ id: 'db.t' }] });
  assert.deepEqual(parseKafkaSignal('8', Buffer.from('{"type":"pause-snapshot"}')), { kind: 'pause-snapshot', id: '8' });
  assert.equal(parseKafkaSignal('9', Buffer.from('nope')).kind, 'ignored');
  assert.equal(parseKafkaSignal('9', null).kind, 'ignored');
  assert.match((parseKafkaSignal('9', Buffer.from('{"type":"snapshot-window-open"}')) as { reason: string }).reason, /written by binlogd itself/);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { clusterIdLookup } from '../../../src/runtime/cluster-id.js';
import type { KafkaAdmin } from '../../../src/sink/kafka-client.js';

test('cluster id: null until the background lookup answers, then cached; a failed lookup leaves null', async () => {
  let calls = 0;
  const admin = (id: string | Error) => ({
    connect: async () => {},
    disconnect: async () => {},
    clusterId: async () => {
      calls++;
      if (id instanceof Error) throw id;
      return id;
    },
  }) as unknown as KafkaAdmin;
  const lookup = clusterIdLookup({ brokers: [], clientId: 'x' }, () => admin('abc'));
  assert.equal(lookup(), null);
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(lookup(), 'abc');
  assert.equal(lookup(), 'abc');
  assert.equal(calls, 1);
  const failing = clusterIdLookup({ brokers: [], clientId: 'x' }, () => admin(new Error('down')));
  assert.equal(failing(), null);
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(failing(), null, 'not retried before the retry interval');
});

// The Kafka broker restarted (or down for a while) under binlogd (a private broker: the shared one must never go away;
// the schema registry stays the shared one). The sink thread retries the open transaction (or
// the unacknowledged records) with a new producer until the broker is back, while the binlog
// reader pauses on the full queue; the connector never fails and is never restarted.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { assertAtLeastOnce, assertExactlyOnce, sleep } from '../support/change-workload.js';
import { streamThrough, untilCommitted } from '../support/disturbed-stream.js';
import { connectAsRoot } from '../support/mariadb.js';
import { startPrivateStack, type PrivateStack } from '../support/private-stack.js';

let stack: PrivateStack;
before(async () => {
  stack = await startPrivateStack(['kafka']);
});
after(async () => {
  await stack?.down();
});

// kafkajs' own retries (~9 s) may ride out a short restart; past them the sink's retries take over
// (both paths are unit-tested in test/unit/sink/). Either way the connector must never fail.
const retried = (logs: ReadonlyArray<Record<string, unknown>>) => logs.filter((l) => /retrying it with a new producer|sending the unacknowledged records again/.test(String(l['msg'])));

test('Kafka restarted mid-stream, exactly once: binlogd recovers by itself; every change exactly once in commit order', { timeout: 240_000 }, async (t) => {
  const run = await streamThrough({
    prefix: 'kafka_restart_eos',
    connect: () => connectAsRoot(),
    kafkaBrokers: stack.kafkaBrokers,
    transactions: 60,
    disturb: async (committed) => {
      await untilCommitted(committed, 15);
      await stack.restart('kafka');
    },
  });
  t.diagnostic(`writing ${run.seconds.writing} s, catching up ${run.seconds.catchingUp} s; kafka warnings/errors: ${run.logs.filter((l) => l['component'] === 'kafka' && Number(l['level']) >= 40).length}; sink retries: ${JSON.stringify(retried(run.logs).map((l) => [l['attempt'], l['retryInMs'], l['code'], l['time']]))}`);
  for (const i of [0, 1] as const) await assertExactlyOnce(run.topics[i], run.workload.expected[i], stack.kafkaBrokers);
});

test('Kafka down for 15 s mid-stream, at least once: the sink resends what was not acknowledged; every change at least once in commit order', { timeout: 240_000 }, async (t) => {
  const run = await streamThrough({
    prefix: 'kafka_restart_alo',
    connect: () => connectAsRoot(),
    kafkaBrokers: stack.kafkaBrokers,
    config: { 'exactly.once.support': 'false' },
    transactions: 60,
    disturb: async (committed) => {
      await untilCommitted(committed, 15);
      // Longer than kafkajs' own retries (~9 s): the sink's retries must take over.
      await stack.stop('kafka');
      await sleep(15_000);
      await stack.start('kafka');
    },
  });
  t.diagnostic(`writing ${run.seconds.writing} s, catching up ${run.seconds.catchingUp} s; kafka warnings/errors: ${run.logs.filter((l) => l['component'] === 'kafka' && Number(l['level']) >= 40).length}; sink retries: ${JSON.stringify(retried(run.logs).map((l) => [l['attempt'], l['retryInMs'], l['code'], l['time']]))}`);
  assert.ok(retried(run.logs).length >= 1, 'the sink retried with a new producer');
  for (const i of [0, 1] as const) await assertAtLeastOnce(run.topics[i], run.workload.expected[i], stack.kafkaBrokers);
});

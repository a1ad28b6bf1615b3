// MariaDB restarted under binlogd (a private server: the shared one must never go away): the
// binlog client reconnects with backoff from the last finished transaction, the SQL connection for
// table metadata opens again, table ids are learned anew, and a read_committed consumer still sees
// every change exactly once, in commit order per key.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assertExactlyOnce } from '../support/change-workload.js';
import { streamThrough, untilCommitted, untilLogged } from '../support/disturbed-stream.js';
import { connectAsRoot } from '../support/mariadb.js';
import { startPrivateStack } from '../support/private-stack.js';

const RECONNECTED = 'reconnected to the binlog';

test('MariaDB restarted twice mid-stream: binlogd reconnects by itself, every change exactly once in commit order', { timeout: 240_000 }, async (t) => {
  const stack = await startPrivateStack(['mariadb']);
  try {
    const run = await streamThrough({
      prefix: 'mdb_restart',
      connect: () => connectAsRoot(stack.mariadbPort),
      mariadbPort: stack.mariadbPort,
      transactions: 90,
      disturb: async (committed, logs) => {
        await untilCommitted(committed, 20);
        await stack.restart('mariadb');
        // The second restart comes once binlogd is back: two outages, not one long one.
        await untilLogged(logs, RECONNECTED, 1);
        await untilCommitted(committed, 45);
        await stack.restart('mariadb');
        await untilLogged(logs, RECONNECTED, 2);
      },
    });
    t.diagnostic(`writing ${run.seconds.writing} s, catching up ${run.seconds.catchingUp} s`);
    for (const i of [0, 1] as const) await assertExactlyOnce(run.topics[i], run.workload.expected[i]);
    const reconnected = run.logs.filter((l) => l['msg'] === RECONNECTED);
    assert.ok(reconnected.length >= 2, `binlogd reconnected after each restart (${reconnected.length} times)`);
    assert.ok(run.writerReconnects >= 2, 'the writer saw the restarts too');
  } finally {
    await stack.down();
  }
});

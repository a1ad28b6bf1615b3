// `npm run demo` after the stack is up: the demo script starts binlogd with config/worker.json and
// connectors/inventory.json, writes sample rows and prints decoded change events of all four
// inventory tables well within a minute; Ctrl-C (SIGINT) stops it cleanly.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from '../support/stack-env.js';

const TABLES = ['customers', 'products', 'orders', 'order_items'];

test('the demo shows change events of every inventory table and stops on Ctrl-C', { timeout: 180_000 }, async () => {
  const demo = spawn(process.execPath, [join(repoRoot, 'dist/test/demo/demo.js')], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  demo.stdout.on('data', (chunk: Buffer) => { out += chunk.toString(); });
  demo.stderr.on('data', (chunk: Buffer) => { err += chunk.toString(); });
  const exited = new Promise<number | null>((resolve) => demo.once('exit', (code) => resolve(code)));
  const started = Date.now();
  try {
    const seen = () => TABLES.filter((t) => new RegExp(`^dbserver1\\.inventory\\.${t}  op=c  key=\\{`, 'm').test(out));
    while (seen().length < TABLES.length) {
      if (demo.exitCode !== null) assert.fail(`the demo exited with ${demo.exitCode}:\n${out}\n${err}`);
      if (Date.now() - started > 120_000) assert.fail(`after 120 s the demo showed changes of ${seen().join(', ') || 'no table'} only:\n${out}\n${err}`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    console.log(`every inventory table's change events shown ${((Date.now() - started) / 1000).toFixed(1)} s after the demo started`);
    assert.match(out, /after=\{"id":\d+,"name":"hammer \d+","description":"16oz carpenter hammer","price":"12\.99"/, 'DECIMAL columns shown as decimals');
    assert.match(out, /op=u .*\n\s+before=\{.*"status":"PENDING".*\n\s+after=\{.*"status":"SHIPPED"/, 'updates show before and after');
    assert.match(out, /op=d/);
    assert.match(out, /tombstone/);
  } finally {
    demo.kill('SIGINT');
  }
  assert.equal(await exited, 0, err);
});

// test/stack/stack.sh itself: idempotent, cleans stale pid files, fails fast with the service's log.
// Each case runs a throw-away MariaDB in its own stack folder and port, beside the shared stack.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '../support/stack-env.js';

function stack(dir: string, port: number, ...args: string[]) {
  const started = Date.now();
  const result = spawnSync('bash', [join(repoRoot, 'test/stack/stack.sh'), ...args], {
    env: { ...process.env, BINLOGD_STACK_DIR: dir, STACK_MARIADB_PORT: String(port), STACK_START_TIMEOUT: '60' },
    encoding: 'utf8',
  });
  return { status: result.status, stderr: result.stderr, seconds: (Date.now() - started) / 1000 };
}

function withStackDir(body: (dir: string, port: number) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'binlogd-stack-'));
  const port = 23000 + Math.floor(Math.random() * 2000);
  try {
    body(dir, port);
  } finally {
    stack(dir, port, 'down');
    rmSync(dir, { recursive: true, force: true });
  }
}

test('up is idempotent and replaces a stale pid file', () => withStackDir((dir, port) => {
  writeFileSync(join(dir, 'mariadb.pid'), '999999\n');
  const first = stack(dir, port, 'up', 'mariadb');
  assert.equal(first.status, 0, first.stderr);
  assert.match(first.stderr, /removing stale pid file of mariadb/);
  const pid = readFileSync(join(dir, 'mariadb.pid'), 'utf8');

  const second = stack(dir, port, 'up', 'mariadb');
  assert.equal(second.status, 0, second.stderr);
  assert.equal(readFileSync(join(dir, 'mariadb.pid'), 'utf8'), pid, 'the running server is reused');

  const down = stack(dir, port, 'down');
  assert.equal(down.status, 0, down.stderr);
  assert.match(down.stderr, /mariadb stopped/);
}));

test('a service that cannot start fails up fast with the end of its log', () => withStackDir((dir, port) => {
  // A data folder whose system tables are missing: mariadbd aborts at start.
  mkdirSync(join(dir, 'mariadb', 'data', 'mysql'), { recursive: true });
  const result = stack(dir, port, 'up', 'mariadb');
  assert.notEqual(result.status, 0);
  assert.ok(result.seconds < 30, `failed after ${result.seconds}s`);
  assert.match(result.stderr, /mariadb exited during start; last lines of .*mariadbd\.log/);
  assert.match(result.stderr, /Fatal error: Can't open and lock privilege tables/);
  assert.match(result.stderr, /ERROR: mariadb failed to start/);
}));

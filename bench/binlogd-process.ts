// What both end-to-end benchmarks (e2e.ts, snapshot.ts) need around the daemon: `binlogd run` as
// its own process on one connector, its log lines, and its CPU time and peak RSS from /proc.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot, type StackEnv } from '../test/support/stack-env.js';

export interface BenchDaemon {
  child: ChildProcess;
  /** binlogd's JSON log lines so far. */
  logs: Array<Record<string, unknown>>;
}

/** `--set property=value` pairs as connector properties. */
export function connectorOverrides(pairs: readonly string[]): Record<string, string> {
  return Object.fromEntries(pairs.map((pair) => {
    const eq = pair.indexOf('=');
    if (eq < 1) throw new Error(`--set expects property=value, got '${pair}'`);
    return [pair.slice(0, eq), pair.slice(eq + 1)];
  }));
}

/**
 * Starts `binlogd run` capturing `table` under topic prefix `name`. `cpuProfDir`: V8 CPU profiles
 * of binlogd's main and sink threads are written there when it exits.
 */
export function startBenchDaemon(options: {
  env: StackEnv; name: string; table: string; config: Record<string, string>; cpuProfDir?: string;
}): BenchDaemon {
  const { env, name, table } = options;
  const dir = mkdtempSync(join(tmpdir(), 'binlogd-bench-'));
  mkdirSync(join(dir, 'connectors'));
  writeFileSync(join(dir, 'worker.json'), JSON.stringify({
    kafka: { brokers: env.kafkaBrokers }, schemaRegistry: { url: env.schemaRegistryUrl },
    http: { host: '127.0.0.1', port: 0 }, log: { level: 'info' },
  }));
  writeFileSync(join(dir, 'connectors', 'bench.json'), JSON.stringify({
    name,
    config: {
      'connector.class': 'io.debezium.connector.mariadb.MariaDbConnector',
      'database.hostname': env.mariadb.host, 'database.port': String(env.mariadb.port),
      'database.user': env.mariadb.user, 'database.password': env.mariadb.password,
      'database.server.id': String(300_000 + Math.floor(Math.random() * 100_000)),
      'topic.prefix': name, 'table.include.list': table.replace('.', '\\.'),
      ...options.config,
    },
  }));
  const profile = options.cpuProfDir === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${options.cpuProfDir}`];
  const child = spawn(process.execPath, [...profile, join(repoRoot, 'dist/src/cli.js'), 'run', '--config', join(dir, 'worker.json'), '--connectors', join(dir, 'connectors')], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const logs: Array<Record<string, unknown>> = [];
  let buffered = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    buffered += chunk.toString();
    let newline: number;
    while ((newline = buffered.indexOf('\n')) >= 0) {
      const line = buffered.slice(0, newline);
      buffered = buffered.slice(newline + 1);
      try { logs.push(JSON.parse(line) as Record<string, unknown>); } catch { /* not a log line */ }
    }
  });
  return { child, logs };
}

/** Resolves once binlogd logged a line with message `msg`; rejects if it exits first. */
export async function logged(daemon: BenchDaemon, msg: string, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!daemon.logs.some((l) => l['msg'] === msg)) {
    if (daemon.child.exitCode !== null) throw new Error(`binlogd exited with ${daemon.child.exitCode} before logging '${msg}'`);
    if (Date.now() > deadline) throw new Error(`binlogd did not log '${msg}' within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export async function stopBenchDaemon(daemon: BenchDaemon): Promise<void> {
  if (daemon.child.exitCode !== null) return;
  daemon.child.kill('SIGTERM');
  await new Promise((resolve) => daemon.child.once('exit', resolve));
}

/** User + system CPU time of the process so far (all threads), from /proc/<pid>/stat, in seconds. */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the parenthesized command name: state is field 3; utime and stime are 14 and 15.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticksPerSecond = 100; // USER_HZ on Linux
  return (Number(fields[11]) + Number(fields[12])) / ticksPerSecond;
}

/** The process's peak resident set (VmHWM), in MB. */
export function peakRssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return Math.round(kb / 1024);
}

export function round(n: number): number {
  return Math.round(n * 100) / 100;
}

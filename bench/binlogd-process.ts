// What both end-to-end benchmarks (e2e.ts, snapshot.ts) need around the daemon: `binlogd run` as
// its own process on one connector (test/support/binlogd-process.ts), and its CPU time and peak
// RSS from /proc.
import { readFileSync } from 'node:fs';
import { startBinlogd, type BinlogdProcess } from '../test/support/binlogd-process.js';

/** `--set property=value` pairs as connector properties. */
export function connectorOverrides(pairs: readonly string[]): Record<string, string> {
  return Object.fromEntries(pairs.map((pair) => {
    const eq = pair.indexOf('=');
    if (eq < 1) throw new Error(`--set expects property=value, got '${pair}'`);
    return [pair.slice(0, eq), pair.slice(eq + 1)];
  }));
}

/**
 * Starts `binlogd run` capturing `table` under topic prefix `name`; resolves at the log line
 * `ready`. `cpuProfDir`: V8 CPU profiles of binlogd's main and sink threads go there when it exits.
 */
export function startBenchDaemon(options: {
  name: string; table: string; config: Record<string, string>; ready: RegExp; cpuProfDir?: string;
}): Promise<BinlogdProcess> {
  return startBinlogd({
    name: options.name,
    config: { 'topic.prefix': options.name, 'table.include.list': options.table.replace('.', '\\.'), ...options.config },
    readyMessage: options.ready,
    timeoutMs: 120_000,
    ...(options.cpuProfDir === undefined ? {} : { nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${options.cpuProfDir}`] }),
  });
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

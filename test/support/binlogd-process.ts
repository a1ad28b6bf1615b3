// Runs the real `binlogd run` (compiled CLI) as a child process with a throw-away worker config and
// one connector file (or none), against the local stack. Its JSON log lines are collected for
// assertions. Each daemon gets its own free REST port (http.port 0), exposed as `url`, so tests
// can run several at once.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadStackEnv, repoRoot } from './stack-env.js';
import { recordOutput, recordSecret } from './suite-record.js';

export interface BinlogdProcess {
  child: ChildProcess;
  /** Parsed JSON log lines so far. */
  logs: Array<Record<string, unknown>>;
  stderr: string[];
  /** The REST API, e.g. http://127.0.0.1:40123 */
  url: string;
  /** Resolves with the exit code. */
  exited: Promise<number | null>;
  /** SIGTERM, then the exit code. */
  stop(): Promise<number | null>;
}

export interface StartOptions {
  name: string;
  /** Connector properties; connection settings default to the stack's CDC account. Omitted: no connector file. */
  config?: Record<string, string>;
  /** Merged into the worker config (e.g. `{http: {authToken: '…'}}`; http.host/port stay test-chosen). */
  worker?: Record<string, unknown>;
  /** Extra environment for the daemon. */
  env?: Record<string, string>;
  /** Resolves when this log message appears (default: the streaming line). */
  readyMessage?: RegExp;
  timeoutMs?: number;
  /** Another Kafka than the shared stack's (a private one, test/support/private-stack.ts). */
  kafkaBrokers?: string[];
  /** Options for node itself, e.g. `--cpu-prof` (the benchmarks). */
  nodeArgs?: string[];
}

export function connectorDefaults(): Record<string, string> {
  const env = loadStackEnv();
  return {
    'connector.class': 'io.debezium.connector.mariadb.MariaDbConnector',
    'database.hostname': env.mariadb.host,
    'database.port': String(env.mariadb.port),
    'database.user': env.mariadb.user,
    'database.password': env.mariadb.password,
    'database.server.id': String(400_000 + Math.floor(Math.random() * 500_000)),
  };
}

export async function startBinlogd(options: StartOptions): Promise<BinlogdProcess> {
  const env = loadStackEnv();
  const dir = mkdtempSync(join(tmpdir(), 'binlogd-test-'));
  mkdirSync(join(dir, 'connectors'));
  const extraHttp = (options.worker?.['http'] ?? {}) as Record<string, unknown>;
  writeFileSync(join(dir, 'worker.json'), JSON.stringify({
    kafka: { brokers: options.kafkaBrokers ?? env.kafkaBrokers }, schemaRegistry: { url: env.schemaRegistryUrl }, log: { level: 'info' },
    ...options.worker,
    http: { ...extraHttp, host: '127.0.0.1', port: 0 },
  }));
  if (options.config !== undefined) {
    writeFileSync(join(dir, 'connectors', `${options.name}.json`), JSON.stringify({
      name: options.name, config: { ...connectorDefaults(), ...options.config },
    }));
  }
  recordSecrets(dir, options);
  const child = spawn(process.execPath, [...options.nodeArgs ?? [], join(repoRoot, 'dist/src/cli.js'), 'run', '--config', join(dir, 'worker.json'), '--connectors', join(dir, 'connectors')], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, BINLOGD_HTTP_PORT: '', ...options.env },
  });
  const logs: Array<Record<string, unknown>> = [];
  const stderr: string[] = [];
  const ready = options.readyMessage ?? (options.config === undefined ? /^REST API listening/ : /^streaming/);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    // A daemon that never got ready must not outlive the test (it would keep capturing the shared server).
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`binlogd not ready after ${options.timeoutMs ?? 30_000} ms; logs:\n${JSON.stringify(logs.slice(-10), null, 1)}\n${stderr.join('')}`));
    }, options.timeoutMs ?? 30_000);
    let buffered = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      let newline: number;
      while ((newline = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, newline);
        buffered = buffered.slice(newline + 1);
        recordOutput(`daemon-${options.name}`, line);
        try {
          const entry = JSON.parse(line) as Record<string, unknown>;
          logs.push(entry);
          if (typeof entry['msg'] === 'string' && ready.test(entry['msg'])) { clearTimeout(timer); resolve(); }
        } catch {
          stderr.push(line + '\n');
        }
      }
    });
    child.stderr!.on('data', (chunk: Buffer) => {
      stderr.push(chunk.toString());
      recordOutput(`daemon-${options.name}`, chunk.toString());
    });
    void exited.then((code) => { clearTimeout(timer); reject(new Error(`binlogd exited with ${code} before it was ready:\n${stderr.join('')}\n${JSON.stringify(logs.slice(-10), null, 1)}`)); });
  });
  const listening = logs.find((l) => l['msg'] === 'REST API listening');
  return {
    child, logs, stderr, exited,
    url: typeof listening?.['url'] === 'string' ? listening['url'] : '',
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}

/** The secrets this daemon is given, for the suite's secret scan: referenced environment values, literal passwords and tokens. */
function recordSecrets(dir: string, options: StartOptions): void {
  const files = [join(dir, 'worker.json'), ...(options.config === undefined ? [] : [join(dir, 'connectors', `${options.name}.json`)])];
  const written = files.map((file) => readFileSync(file, 'utf8')).join('\n');
  for (const [name, value] of Object.entries(options.env ?? {})) {
    if (written.includes(`\${env:${name}}`)) recordSecret(value, `${options.name}: \${env:${name}}`);
  }
  // The setting's own name says it is secret (`database.password`, `http.authToken`), not a section it sits in.
  const walk = (node: unknown, path: string, key: string): void => {
    if (typeof node === 'string' && /password|secret|token/i.test(key) && !node.includes('${')) recordSecret(node, `${options.name}: ${path}`);
    else if (node !== null && typeof node === 'object') for (const [name, value] of Object.entries(node)) walk(value, path === '' ? name : `${path}.${name}`, name);
  };
  for (const file of files) walk(JSON.parse(readFileSync(file, 'utf8')), '', '');
}

/** The first log line whose message matches `pattern`, waiting for it up to `timeoutMs`. */
export async function waitForLog(binlogd: BinlogdProcess, pattern: RegExp, timeoutMs = 60_000): Promise<Record<string, unknown>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = binlogd.logs.find((l) => typeof l['msg'] === 'string' && pattern.test(l['msg'] as string));
    if (found) return found;
    if (Date.now() > deadline) throw new Error(`no log line ${pattern}; last lines:\n${JSON.stringify(binlogd.logs.slice(-5), null, 1)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

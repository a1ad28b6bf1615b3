// A private MariaDB and/or Kafka for tests that restart or break a server, started by
// test/stack/stack.sh in a throw-away folder on free ports, beside the shared stack (which other
// tests use at the same time and must never see restarted). Kafka reuses the shared stack's
// resolved libraries, so nothing is downloaded. The schema registry stays the shared one.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from './stack-env.js';

/** `mariadb-user-example`: a private MariaDB with our users' settings (GTID domain 1, compressed binlog). */
export type PrivateService = 'mariadb' | 'mariadb-user-example' | 'kafka';

export interface PrivateStack {
  dir: string;
  mariadbPort: number;
  kafkaBrokers: string[];
  /** Stops and starts the service again on the same data; resolves once it answers. */
  restart(service: PrivateService): Promise<void>;
  stop(service: PrivateService): Promise<void>;
  start(service: PrivateService): Promise<void>;
  /** Stops everything and removes the folder. Idempotent. */
  down(): Promise<void>;
}

/** A port nothing listens on now (the kernel's pick), for a server started right after. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Fixed ports instead of the kernel's pick, e.g. to stay inside a range set aside for a test run. */
export interface PrivatePorts {
  mariadb?: number;
  kafka?: number;
  kafkaController?: number;
}

export async function startPrivateStack(services: readonly PrivateService[], ports: PrivatePorts = {}): Promise<PrivateStack> {
  const dir = mkdtempSync(join(tmpdir(), 'binlogd-private-'));
  const mariadbPort = ports.mariadb ?? await freePort();
  const kafkaPort = ports.kafka ?? await freePort();
  const controllerPort = ports.kafkaController ?? await freePort();
  const env = {
    ...process.env,
    BINLOGD_STACK_DIR: dir,
    STACK_LIB_DIR: join(repoRoot, '.stack', 'lib'),
    STACK_MARIADB_PORT: String(mariadbPort),
    STACK_MARIADB_USER_EXAMPLE_PORT: String(mariadbPort),
    STACK_KAFKA_PORT: String(kafkaPort),
    STACK_KAFKA_CONTROLLER_PORT: String(controllerPort),
    STACK_START_TIMEOUT: '120',
  };
  // Asynchronous, so a test's writers and readers keep running while a server restarts.
  const stack = (...args: string[]): Promise<void> =>
    new Promise((resolve, reject) => {
      const child = spawn('bash', [join(repoRoot, 'test/stack/stack.sh'), ...args], { env, stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      child.once('error', reject);
      child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`stack.sh ${args.join(' ')} exited with ${code}:\n${stderr}`))));
    });
  let down: Promise<void> | undefined;
  const result: PrivateStack = {
    dir,
    mariadbPort,
    kafkaBrokers: [`127.0.0.1:${kafkaPort}`],
    restart: (service) => stack('restart', service),
    stop: (service) => stack('down', service),
    start: (service) => stack('up', service),
    down: () =>
      (down ??= stack('down')
        .catch(() => undefined)
        .finally(() => rmSync(dir, { recursive: true, force: true }))),
  };
  try {
    await stack('up', ...services);
  } catch (error) {
    await result.down();
    throw error;
  }
  return result;
}

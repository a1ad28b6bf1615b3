import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root, found from this file whether it runs from test/ or from dist/test/. */
export const repoRoot: string = (() => {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('package.json not found above ' + fileURLToPath(import.meta.url));
    dir = parent;
  }
  return dir;
})();

export interface StackEnv {
  kafkaBrokers: string[];
  schemaRegistryUrl: string;
  mariadb: { host: string; port: number; user: string; password: string };
  mariadbRoot: { host: string; port: number; user: string; password: string };
  /** A second server running our users' CDC settings: gtid_domain_id=1, log_bin_compress=ON. */
  mariadbUserExamplePort: number;
  /** A Kafka of the 4.x line (transactions v2) beside the 3.9 one. */
  kafka4Brokers: string[];
  /** A MariaDB of the 11.4 line with the main server's settings and accounts, same host. */
  mariadb11Port: number;
}

/** One Kafka release line of the stack, for tests that run against each. */
export interface KafkaLine {
  /** Names the line in test titles, e.g. `Kafka 4.4`. */
  label: string;
  brokers: string[];
}

/** One MariaDB release line of the stack (same host and accounts as the main server). */
export interface MariaDbLine {
  label: string;
  port: number;
}

/** Reads `.stack/env`, written by `npm run stack:up`. */
export function loadStackEnv(): StackEnv {
  const file = join(repoRoot, '.stack', 'env');
  if (!existsSync(file)) throw new Error(`${file} is missing: run 'npm run stack:up' first`);
  const vars = new Map<string, string>();
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0) vars.set(line.slice(0, eq), line.slice(eq + 1));
  }
  const get = (name: string): string => {
    const value = vars.get(name);
    if (value === undefined) throw new Error(`${file} has no ${name}: run 'npm run stack:up' to start the missing services and rewrite it`);
    return value;
  };
  const host = get('MARIADB_HOST');
  const port = Number(get('MARIADB_PORT'));
  return {
    kafkaBrokers: get('KAFKA_BROKERS').split(','),
    schemaRegistryUrl: get('SCHEMA_REGISTRY_URL'),
    mariadb: { host, port, user: get('MARIADB_USER'), password: get('MARIADB_PASSWORD') },
    mariadbRoot: { host, port, user: get('MARIADB_ROOT_USER'), password: get('MARIADB_ROOT_PASSWORD') },
    mariadbUserExamplePort: Number(get('MARIADB_USER_EXAMPLE_PORT')),
    kafka4Brokers: get('KAFKA4_BROKERS').split(','),
    mariadb11Port: Number(get('MARIADB11_PORT')),
  };
}

/** The Kafka lines the exactly-once and crash tests run against (versions: test/stack/maven). */
export function kafkaLines(): KafkaLine[] {
  const env = loadStackEnv();
  return [{ label: 'Kafka 3.9', brokers: env.kafkaBrokers }, { label: 'Kafka 4.4', brokers: env.kafka4Brokers }];
}

/** The MariaDB lines the Debezium comparisons run against. */
export function mariadbLines(): MariaDbLine[] {
  const env = loadStackEnv();
  return [{ label: 'MariaDB 10.11', port: env.mariadb.port }, { label: 'MariaDB 11.4', port: env.mariadb11Port }];
}

/** A name no other test run has used: topics and schemas persist between runs. */
export function uniqueName(prefix: string): string {
  return `${prefix}_${Date.now().toString(36)}_${Math.floor(Math.random() * 1e6).toString(36)}`;
}

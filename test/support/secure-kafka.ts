// A private Kafka broker with TLS, SASL/SCRAM-SHA-512, mutual TLS and ACLs enforced
// (test/stack/secure-kafka.sh), on free ports, and the admin client that grants ACLs on it.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import kafkajs from 'kafkajs';
import { freePort } from './private-stack.js';
import { repoRoot } from './stack-env.js';

const { Kafka, logLevel } = kafkajs;
const run = promisify(execFile);

export const SECURE_KAFKA_USERS = {
  admin: { username: 'admin', password: 'admin-scram-secret-7a21' },
  binlogd: { username: 'binlogd', password: 'binlogd-scram-secret-c93e' },
} as const;
/** The principal Kafka's default principal builder gives the mutual-TLS client certificate. */
export const MTLS_PRINCIPAL = 'User:CN=binlogd-mtls';

export interface SecureKafka {
  dir: string;
  /** SASL_SSL listener (SCRAM-SHA-512). */
  saslBrokers: string[];
  /** SSL listener that requires a client certificate. */
  mtlsBrokers: string[];
  ca: string;
  clientCert: string;
  clientKey: string;
  /** An admin client (super user) over SASL_SSL. */
  admin(): kafkajs.Kafka;
  down(): Promise<void>;
}

export async function startSecureKafka(): Promise<SecureKafka> {
  const dir = mkdtempSync(join(tmpdir(), 'binlogd-secure-kafka-'));
  const [sasl, mtls, internal, controller] = [await freePort(), await freePort(), await freePort(), await freePort()];
  const env = {
    ...process.env,
    STACK_LIB_DIR: join(repoRoot, '.stack', 'lib'),
    SECURE_KAFKA_SASL_PORT: String(sasl), SECURE_KAFKA_MTLS_PORT: String(mtls),
    SECURE_KAFKA_INTERNAL_PORT: String(internal), SECURE_KAFKA_CONTROLLER_PORT: String(controller),
    SECURE_KAFKA_ADMIN_PASSWORD: SECURE_KAFKA_USERS.admin.password,
    SECURE_KAFKA_BINLOGD_PASSWORD: SECURE_KAFKA_USERS.binlogd.password,
  };
  const script = join(repoRoot, 'test/stack/secure-kafka.sh');
  const down = async () => {
    await run('bash', [script, 'down', dir], { env }).catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await run('bash', [script, 'up', dir], { env, timeout: 180_000 });
  } catch (error) {
    await down();
    throw error;
  }
  const read = (file: string) => readFileSync(join(dir, file), 'utf8');
  const ca = read('ca.pem');
  return {
    dir, ca, clientCert: read('client.pem'), clientKey: read('client-key.pem'),
    saslBrokers: [`127.0.0.1:${sasl}`],
    mtlsBrokers: [`127.0.0.1:${mtls}`],
    admin: () => new Kafka({
      clientId: 'secure-kafka-admin', brokers: [`127.0.0.1:${sasl}`], logLevel: logLevel.NOTHING,
      ssl: { ca: [ca] }, sasl: { mechanism: 'scram-sha-512', ...SECURE_KAFKA_USERS.admin },
    }),
    down,
  };
}

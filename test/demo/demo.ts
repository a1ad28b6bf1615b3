// `npm run demo`: binlogd with config/worker.json and connectors/inventory.json against the local
// stack, sample writes to the inventory database every second, and the change events as they
// arrive in Kafka, decoded through the schema registry. Ctrl-C stops everything cleanly.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { createRegistryClient } from '../../src/serialize/registry.js';
import { connectAsRoot } from '../support/mariadb.js';
import { loadStackEnv, repoRoot, uniqueName } from '../support/stack-env.js';

const env = loadStackEnv();
const TABLES = ['customers', 'products', 'orders', 'order_items'];
const db = await connectAsRoot();
await db.query(readFileSync(join(repoRoot, 'config/mariadb/init/02-inventory.sql'), 'utf8'));

const kafka = new Kafka({ brokers: env.kafkaBrokers, clientId: 'binlogd-demo', logLevel: logLevel.NOTHING });
const admin = kafka.admin();
await admin.connect();
await admin.createTopics({ topics: TABLES.map((t) => ({ topic: `dbserver1.inventory.${t}` })), waitForLeaders: true });
await admin.disconnect();
const registry = createRegistryClient({ url: env.schemaRegistryUrl });
const consumer = kafka.consumer({ groupId: uniqueName('demo'), maxWaitTimeInMs: 100 });
await consumer.connect();
await consumer.subscribe({ topics: TABLES.map((t) => `dbserver1.inventory.${t}`), fromBeginning: false });
const joined = new Promise((resolve) => consumer.on(consumer.events.GROUP_JOIN, resolve));
await consumer.run({
  eachMessage: async ({ topic, message }) => {
    const key = message.key ? await registry.decode(message.key) : null;
    const value = message.value ? (await registry.decode(message.value)) as Record<string, any> : null;
    const show = (v: unknown) => JSON.stringify(readable(v));
    if (!value) {
      console.log(`${topic}  key=${show(key)}  tombstone`);
      return;
    }
    const { op, before, after, source } = value;
    const scales = await decimalScales(message.value!.readInt32BE(1));
    const row = (v: unknown) => show(withDecimals(v as Record<string, unknown> | null, scales));
    console.log(`${topic}  op=${op}  key=${show(key)}  gtid=${source.gtid}\n    before=${row(before)}\n    after=${row(after)}`);
  },
});
// Joined before binlogd starts, so the snapshot's records (op=r) show as well as the changes.
await joined;

const binlogd = spawn(process.execPath, [join(repoRoot, 'dist/src/cli.js'), 'run', '--config', join(repoRoot, 'config/worker.json'), '--connectors', join(repoRoot, 'connectors/inventory.json')], {
  env: { ...process.env, MARIADB_HOST: env.mariadb.host, MARIADB_PORT: String(env.mariadb.port), MARIADB_PASSWORD: env.mariadb.password },
  stdio: ['ignore', 'pipe', 'inherit'],
});
await new Promise<void>((resolve, reject) => {
  binlogd.stdout!.on('data', (chunk: Buffer) => {
    for (const line of chunk.toString().split('\n')) {
      if (line.includes('"msg":"streaming')) resolve();
      if (line.includes('"msg":"connector failed')) reject(new Error(`binlogd: ${(JSON.parse(line) as { msg: string }).msg}`));
    }
  });
  binlogd.once('exit', (code) => reject(new Error(`binlogd exited with ${code}`)));
});
console.log('binlogd is streaming inventory.* into dbserver1.inventory.*; writing sample rows every second (Ctrl-C stops)\n');


/** The scale of each DECIMAL column of a value schema (Avro bytes with logicalType decimal). */
const scalesById = new Map<number, Promise<Map<string, number>>>();
function decimalScales(id: number): Promise<Map<string, number>> {
  let scales = scalesById.get(id);
  if (!scales) {
    scales = fetch(`${env.schemaRegistryUrl}/schemas/ids/${id}`).then((r) => r.json() as Promise<{ schema: string }>).then((body) => {
      const envelope = JSON.parse(body.schema) as { fields: Array<{ name: string; type: unknown }> };
      const before = envelope.fields.find((f) => f.name === 'before')?.type as Array<{ fields?: Array<{ name: string; type: unknown }> }>;
      const columns = before.find((t) => typeof t === 'object' && t.fields)?.fields ?? [];
      return new Map(columns.flatMap((c) => {
        const type = (Array.isArray(c.type) ? c.type.find((t) => t !== 'null') : c.type) as { logicalType?: string; scale?: number };
        return type?.logicalType === 'decimal' ? [[c.name, type.scale ?? 0] as [string, number]] : [];
      }));
    });
    scalesById.set(id, scales);
  }
  return scales;
}

/** DECIMAL columns (unscaled two's-complement bytes, as Debezium's precise mode writes them) as text. */
function withDecimals(row: Record<string, unknown> | null, scales: Map<string, number>): unknown {
  if (!row) return row;
  return Object.fromEntries(Object.entries(row).map(([name, value]) => {
    const scale = scales.get(name);
    if (scale === undefined || !Buffer.isBuffer(value)) return [name, value];
    const unscaled = BigInt.asIntN(value.length * 8, BigInt(`0x${value.toString('hex') || '0'}`));
    const digits = (unscaled < 0n ? -unscaled : unscaled).toString().padStart(scale + 1, '0');
    const text = scale === 0 ? digits : `${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
    return [name, unscaled < 0n ? `-${text}` : text];
  }));
}

/** int64 as numbers; other bytes as hex. */
function readable(value: unknown): unknown {
  if (typeof value === 'bigint') return Number(value);
  if (Buffer.isBuffer(value)) return `0x${value.toString('hex')}`;
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, readable(v)]));
  return value;
}

let step = 0;
const writer = setInterval(() => {
  step += 1;
  const n = Date.now();
  const statements = [
    `INSERT INTO inventory.customers (first_name, last_name, email) VALUES ('Anne', 'Kretchmar', 'anne${n}@example.org')`,
    `INSERT INTO inventory.products (name, description, price, weight) VALUES ('hammer ${step}', '16oz carpenter hammer', 12.99, 0.75)`,
    // An order and its items in one transaction, as the application would write them.
    `BEGIN; INSERT INTO inventory.orders (customer_id, total_amount) VALUES (${step}, ${step * 10}.50);
     INSERT INTO inventory.order_items VALUES (LAST_INSERT_ID(), 1, ${step}, 2), (LAST_INSERT_ID(), 2, ${step + 1}, 1); COMMIT`,
    `UPDATE inventory.orders SET status = 'SHIPPED' ORDER BY order_id DESC LIMIT 1`,
    `DELETE FROM inventory.products ORDER BY id LIMIT 1`,
  ];
  void db.query(statements[step % statements.length]!).catch((error: Error) => console.error(error.message));
}, 1000);

const stop = async () => {
  clearInterval(writer);
  if (binlogd.exitCode === null && binlogd.signalCode === null) {
    const exited = new Promise((resolve) => binlogd.once('exit', resolve));
    binlogd.kill('SIGTERM');
    await exited;
  }
  await Promise.race([consumer.disconnect(), new Promise((resolve) => setTimeout(resolve, 3000))]).catch(() => undefined);
  registry.close();
  await db.end().catch(() => undefined);
  process.exit(0);
};
process.once('SIGINT', () => void stop());
process.once('SIGTERM', () => void stop());

// How the connector reaches MariaDB: Debezium's connection properties (BinlogConnectorConfig,
// MariaDbConnectorConfig) with their defaults. Belongs to the source component.
import { z } from 'zod';
import { defineArea } from './area.js';
import { bool, choice, int, optionalInt, requiredText, text } from './values.js';

const MAX_SERVER_ID = 4294967295; // server_id is an unsigned 32-bit number in MariaDB

export const connectionSchema = z.object({
  'database.hostname': requiredText('Resolvable hostname or IP address of the MariaDB server.'),
  'database.port': int(3306, 'Port of the MariaDB server.', { min: 1, max: 65535 }),
  'database.user': requiredText('User the connector connects as (needs REPLICATION SLAVE, REPLICATION CLIENT, SELECT, RELOAD).'),
  'database.password': text('Password of that user; use a ${provider:…} reference rather than the literal.'),
  'database.server.id': optionalInt(
    'Numeric id the connector uses as a replica; unique among all servers and replicas of the cluster. ' +
      'Debezium requires it; when it is missing binlogd derives a stable id from the connector name and warns.',
    { min: 1, max: MAX_SERVER_ID },
  ),
  'database.server.id.offset': int(10000, 'Added to the server id for the extra connections of a parallel snapshot.', { min: 0 }),
  'database.ssl.mode': choice(['disable', 'trust', 'verify-ca', 'verify-full'], 'disable', 'TLS to the server: disable, trust (encrypt, no verification), verify-ca, verify-full (CA and hostname).', {
    removed: {
      disabled: '"disabled" was renamed to "disable" in Debezium 3.1',
      preferred: '"preferred" was removed in Debezium 3.1; use "trust" to encrypt',
      required: '"required" was removed in Debezium 3.1; use "trust"',
      verify_ca: '"verify_ca" was renamed to "verify-ca" in Debezium 3.1',
      verify_identity: '"verify_identity" was renamed to "verify-full" in Debezium 3.1',
    },
  }),
  'database.ssl.keystore': text('Key store file for two-way TLS authentication.'),
  'database.ssl.keystore.password': text('Password of the key store file.'),
  'database.ssl.truststore': text('Trust store file holding the server certificate or its CA.'),
  'database.ssl.truststore.password': text('Password of the trust store file.'),
  'database.initial.statements': text('SQL statements, separated by ";" (";;" for a literal semicolon), run on each new query connection.'),
  'database.query.timeout.ms': int(600000, 'Time to wait for a query to complete; 0 means no limit.', { min: 0 }),
  'connect.timeout.ms': int(30000, 'Time to wait for a connection to the server.', { min: 1 }),
  'connect.keep.alive': bool(true, 'Whether to check the binlog connection periodically and reconnect when it is stale.'),
  'connect.keep.alive.interval.ms': int(60000, 'Interval of those checks.', { min: 1 }),
  'connection.validation.timeout.ms': int(60000, 'Time allowed to validate a connection.', { min: 1 }),
  'use.nongraceful.disconnect': bool(false, 'Whether a stale binlog connection is reset instead of closed.'),
  'binlog.net.read.timeout': int(0, 'Seconds the server waits for a read on the binlog connection; 0 keeps the server default.', { min: 0 }),
  'binlog.net.write.timeout': int(0, 'Seconds the server waits for a write on the binlog connection; 0 keeps the server default.', { min: 0 }),
});

export interface SslConfig {
  readonly mode: 'disable' | 'trust' | 'verify-ca' | 'verify-full';
  readonly keystore?: string;
  readonly keystorePassword?: string;
  readonly truststore?: string;
  readonly truststorePassword?: string;
}

export interface ConnectionConfig {
  /**
   * How messages name the host and the user: the values themselves, or, when a value came from a
   * `${…}` reference, the setting and the reference (`database.hostname (from ${env:DB_HOST})`), so
   * a resolved value never reaches an error, a trace or a log line.
   */
  readonly shown: { readonly hostname: string; readonly user: string };
  readonly hostname: string;
  readonly port: number;
  readonly user: string;
  readonly password: string;
  readonly serverId: number;
  /** True when `database.server.id` was missing and the id was derived from the connector name. */
  readonly serverIdDerived: boolean;
  readonly serverIdOffset: number;
  readonly ssl: SslConfig;
  readonly initialStatements: readonly string[];
  readonly queryTimeoutMs: number;
  readonly connectTimeoutMs: number;
  readonly keepAlive: boolean;
  readonly keepAliveIntervalMs: number;
  readonly validationTimeoutMs: number;
  readonly nongracefulDisconnect: boolean;
  readonly netReadTimeoutSeconds: number;
  readonly netWriteTimeoutSeconds: number;
}

/**
 * A stable server id from the connector name (FNV-1a), kept above the small ids people give
 * their real servers: the same connector always registers as the same replica.
 */
export function deriveServerId(connectorName: string): number {
  let hash = 0x811c9dc5;
  for (const byte of Buffer.from(connectorName, 'utf8')) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  const low = 100000;
  return low + (hash % (0x7fffffff - low));
}

/** Debezium's `database.initial.statements` format: ";" separates, ";;" is a literal ";". */
export function splitStatements(value: string | undefined): string[] {
  if (value === undefined) return [];
  return value
    .split(/(?<!;);(?!;)/)
    .map((s) => s.replaceAll(';;', ';').trim())
    .filter((s) => s !== '');
}

export const connectionArea = defineArea({
  schema: connectionSchema,
  prefixes: ['driver.'],
  build(v, raw, report): ConnectionConfig {
    let serverId = v['database.server.id'];
    const serverIdDerived = serverId === undefined;
    if (serverId === undefined) {
      serverId = deriveServerId(raw['name'] ?? '');
      report({
        severity: 'warning',
        property: 'database.server.id',
        message: `not set; binlogd uses ${serverId}, derived from the connector name. Set it explicitly (Debezium requires it) to a value no other server or replica uses`,
      });
    }
    return {
      shown: { hostname: v['database.hostname'], user: v['database.user'] },
      hostname: v['database.hostname'],
      port: v['database.port'],
      user: v['database.user'],
      password: v['database.password'] ?? '',
      serverId,
      serverIdDerived,
      serverIdOffset: v['database.server.id.offset'],
      ssl: {
        mode: v['database.ssl.mode'],
        keystore: v['database.ssl.keystore'],
        keystorePassword: v['database.ssl.keystore.password'],
        truststore: v['database.ssl.truststore'],
        truststorePassword: v['database.ssl.truststore.password'],
      },
      initialStatements: splitStatements(v['database.initial.statements']),
      queryTimeoutMs: v['database.query.timeout.ms'],
      connectTimeoutMs: v['connect.timeout.ms'],
      keepAlive: v['connect.keep.alive'],
      keepAliveIntervalMs: v['connect.keep.alive.interval.ms'],
      validationTimeoutMs: v['connection.validation.timeout.ms'],
      nongracefulDisconnect: v['use.nongraceful.disconnect'],
      netReadTimeoutSeconds: v['binlog.net.read.timeout'],
      netWriteTimeoutSeconds: v['binlog.net.write.timeout'],
    };
  },
});

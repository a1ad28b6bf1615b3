// How the connector reaches MariaDB: Debezium's connection properties (BinlogConnectorConfig,
// MariaDbConnectorConfig) with their defaults. Belongs to the source component.
import { z } from 'zod';
import { noEffect } from './no-effect.js';
import { defineArea } from './area.js';
import { bool, choice, int, optionalInt, requiredText, text } from './values.js';

const MAX_SERVER_ID = 4294967295; // server_id is an unsigned 32-bit number in MariaDB

const NO_TLS = 'binlogd connects to MariaDB without TLS (database.ssl.mode must be disable)';

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
  'database.server.id.offset': noEffect(int(10000, 'Added to the server id for the extra connections of a parallel snapshot.', { min: 0 }), 'binlogd\'s parallel snapshot readers are plain query connections that register no replica id'),
  'database.ssl.mode': choice(['disable', 'trust', 'verify-ca', 'verify-full'], 'disable', 'TLS to the server. binlogd connects without TLS: only disable is accepted; trust, verify-ca and verify-full are refused so that no file asking for encryption gets a clear connection.', {
    removed: {
      disabled: '"disabled" was renamed to "disable" in Debezium 3.1',
      preferred: '"preferred" was removed in Debezium 3.1; use "trust" to encrypt',
      required: '"required" was removed in Debezium 3.1; use "trust"',
      verify_ca: '"verify_ca" was renamed to "verify-ca" in Debezium 3.1',
      verify_identity: '"verify_identity" was renamed to "verify-full" in Debezium 3.1',
    },
  }),
  'database.ssl.keystore': noEffect(text('Key store file for two-way TLS authentication.'), NO_TLS),
  'database.ssl.keystore.password': noEffect(text('Password of the key store file.'), NO_TLS),
  'database.ssl.truststore': noEffect(text('Trust store file holding the server certificate or its CA.'), NO_TLS),
  'database.ssl.truststore.password': noEffect(text('Password of the trust store file.'), NO_TLS),
  'database.initial.statements': text('SQL statements, separated by ";" (";;" for a literal semicolon), run on each new query connection.'),
  'database.query.timeout.ms': int(600000, 'Time to wait for a query to complete; 0 means no limit.', { min: 0 }),
  'connect.timeout.ms': int(30000, 'Time to wait for a connection to the server.', { min: 1 }),
  'connect.keep.alive': noEffect(bool(true, 'Whether to check the binlog connection periodically and reconnect when it is stale.'), 'binlogd always watches the binlog connection and reconnects from the last position when it is lost'),
  'connect.keep.alive.interval.ms': noEffect(int(60000, 'Interval of those checks.', { min: 1 }), 'binlogd always watches the binlog connection and reconnects from the last position when it is lost'),
  'connection.validation.timeout.ms': noEffect(int(60000, 'Time allowed to validate a connection.', { min: 1 }), 'binlogd validates no pooled connections; connect.timeout.ms bounds each connection attempt'),
  'use.nongraceful.disconnect': noEffect(bool(false, 'Whether a stale binlog connection is reset instead of closed.'), 'binlogd closes a lost binlog connection\'s socket itself before it reconnects'),
  'binlog.net.read.timeout': noEffect(int(0, 'Seconds the server waits for a read on the binlog connection; 0 keeps the server default.', { min: 0 }), 'the binlog connection keeps the server\'s net_read_timeout'),
  'binlog.net.write.timeout': noEffect(int(0, 'Seconds the server waits for a write on the binlog connection; 0 keeps the server default.', { min: 0 }), 'the binlog connection keeps the server\'s net_write_timeout'),
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
    if (v['database.ssl.mode'] !== 'disable') {
      // Refused rather than ignored: a file asking for an encrypted connection must not get a clear one.
      report({
        property: 'database.ssl.mode',
        message: 'binlogd cannot connect to MariaDB over TLS yet; set disable and protect the link otherwise (a private network or a TLS tunnel)',
      });
    }
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

// What a MariaDB server must offer before binlogd can capture from it, read once at start (and by
// `binlogd validate --check`), and explained in words an operator can act on.
import type { ConnectorConfig } from '../config/index.js';
import type { Problem } from '../config/problems.js';
import { createCaptureFilter } from './table-filter.js';
import { accountOf, endpointOf, openSqlClient, type SqlClient } from './sql-client.js';

export interface ServerFacts {
  version: string;
  logBin: boolean;
  binlogFormat: string;
  binlogRowImage: string;
  binlogRowMetadata: string;
  serverId: number;
  gtidBinlogPos: string;
  /** Privileges granted on *.* to the connected account (upper case), e.g. `REPLICATION SLAVE`. */
  globalPrivileges: ReadonlySet<string>;
  /** Database patterns (SHOW GRANTS' `db`.*, LIKE wildcards kept) where the account may create temporary tables. */
  temporaryTableGrants?: readonly string[];
  /** The databases whose tables may be captured (the schema history replays their DDL). */
  capturedDatabases?: readonly string[];
}

export interface ServerFinding {
  severity: 'error' | 'warning';
  code: 'SOURCE_SETTINGS' | 'SOURCE_GRANTS';
  /** The server variable or privilege concerned. */
  subject: string;
  message: string;
}

export async function readServerFacts(sql: SqlClient): Promise<ServerFacts> {
  const [vars] = await sql.query(`SELECT @@version AS version, @@log_bin AS log_bin,
    @@binlog_format AS binlog_format, @@binlog_row_image AS binlog_row_image,
    @@binlog_row_metadata AS binlog_row_metadata, @@server_id AS server_id, @@gtid_binlog_pos AS gtid_binlog_pos`);
  const grants = await sql.query('SHOW GRANTS FOR CURRENT_USER()');
  return {
    version: String(vars?.['version'] ?? ''),
    logBin: String(vars?.['log_bin']) === '1',
    binlogFormat: String(vars?.['binlog_format'] ?? '').toUpperCase(),
    binlogRowImage: String(vars?.['binlog_row_image'] ?? '').toUpperCase(),
    binlogRowMetadata: String(vars?.['binlog_row_metadata'] ?? '').toUpperCase(),
    serverId: Number(vars?.['server_id'] ?? 0),
    gtidBinlogPos: String(vars?.['gtid_binlog_pos'] ?? ''),
    globalPrivileges: globalPrivileges(grants.map((row) => String(Object.values(row)[0] ?? ''))),
    temporaryTableGrants: temporaryTableGrants(grants.map((row) => String(Object.values(row)[0] ?? ''))),
  };
}

/** Databases (patterns) on which SHOW GRANTS lines give CREATE TEMPORARY TABLES (or ALL PRIVILEGES); `*` for all. */
export function temporaryTableGrants(grantLines: readonly string[]): string[] {
  const patterns: string[] = [];
  for (const line of grantLines) {
    const match = /^GRANT (.+?) ON (\*|`(?:[^`]|``)+`)\.\* TO /i.exec(line);
    if (!match) continue;
    const privileges = match[1]!.split(',').map((p) => p.trim().toUpperCase());
    if (!privileges.includes('CREATE TEMPORARY TABLES') && !privileges.includes('ALL PRIVILEGES')) continue;
    patterns.push(match[2] === '*' ? '*' : match[2]!.slice(1, -1).replace(/``/g, '`'));
  }
  return patterns;
}

/** Whether a SHOW GRANTS database pattern (`%`, `_` wildcards, `\_` literal) names `db`. */
export function grantCovers(pattern: string, db: string): boolean {
  if (pattern === '*') return true;
  const regex = pattern.replace(/\\(.)|([%_])|([^%_\\])/g, (_m, escaped: string | undefined, wildcard: string | undefined, plain: string | undefined) =>
    escaped !== undefined ? escaped.replace(/[.*+?^${}()|[\]\\]/g, '\\$&') : wildcard === '%' ? '.*' : wildcard === '_' ? '.' : plain!.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(`^${regex}$`, 'i').test(db);
}

/** The databases on the server whose tables the connector's filters may capture. */
export async function readCapturedDatabases(sql: SqlClient, filters: ConnectorConfig['filters']): Promise<string[]> {
  const filter = createCaptureFilter(filters);
  return (await sql.query('SHOW DATABASES')).map((row) => String(Object.values(row)[0])).filter((db) => filter.capturesDatabase(db));
}

/** Privileges on `*.*` from SHOW GRANTS lines; `ALL PRIVILEGES` expands to everything we check. */
export function globalPrivileges(grantLines: readonly string[]): Set<string> {
  const privileges = new Set<string>();
  for (const line of grantLines) {
    const match = /^GRANT (.+?) ON \*\.\* TO /i.exec(line);
    if (!match) continue;
    for (const privilege of match[1]!.split(',')) privileges.add(privilege.trim().toUpperCase());
  }
  if (privileges.has('ALL PRIVILEGES')) {
    for (const p of ['SELECT', 'RELOAD', 'SHOW DATABASES', 'REPLICATION SLAVE', 'BINLOG MONITOR']) privileges.add(p);
  }
  return privileges;
}

// MariaDB 10.5 renamed REPLICATION CLIENT to BINLOG MONITOR (SHOW GRANTS prints the new name) and
// SUPER implied it before; any of the three lets the account read binlog positions.
const BINLOG_MONITOR = ['BINLOG MONITOR', 'REPLICATION CLIENT', 'SUPER'];

const REQUIRED_GRANTS: ReadonlyArray<{ names: string[]; severity: ServerFinding['severity']; why: string }> = [
  { names: ['REPLICATION SLAVE'], severity: 'error', why: 'to read the binlog as a replica' },
  { names: BINLOG_MONITOR, severity: 'error', why: 'to read binlog positions (SHOW MASTER STATUS)' },
  { names: ['SELECT'], severity: 'error', why: 'to read table definitions and snapshot rows' },
  { names: ['RELOAD'], severity: 'warning', why: 'for snapshots with a global read lock (snapshot.locking.mode=minimal|extended)' },
  { names: ['SHOW DATABASES'], severity: 'warning', why: 'to list the databases to snapshot' },
];

export function serverProblems(facts: ServerFacts, account: string): ServerFinding[] {
  const findings: ServerFinding[] = [];
  const setting = (subject: string, actual: string, wanted: string, why: string, severity: ServerFinding['severity'] = 'error') => {
    findings.push({
      severity, code: 'SOURCE_SETTINGS', subject,
      message: `${subject} is ${actual || 'unset'} but must be ${wanted} ${why}: set ${subject}=${wanted} in the server config ([mariadbd] section) and restart, or SET GLOBAL ${subject}='${wanted}' where the server allows it`,
    });
  };
  if (!facts.logBin) {
    findings.push({
      severity: 'error', code: 'SOURCE_SETTINGS', subject: 'log_bin',
      message: 'the binary log is off (log_bin=OFF): binlogd reads changes from it; set log_bin=mysql-bin in the server config and restart',
    });
  }
  if (facts.binlogFormat !== 'ROW') setting('binlog_format', facts.binlogFormat, 'ROW', 'so every changed row is in the binlog');
  if (facts.binlogRowImage !== 'FULL') setting('binlog_row_image', facts.binlogRowImage, 'FULL', 'so updates and deletes carry every column');
  if (facts.binlogRowMetadata !== 'FULL') {
    setting('binlog_row_metadata', facts.binlogRowMetadata, 'FULL',
      'preferably, so column names, signedness and keys travel with each row event (without it binlogd reads them from INFORMATION_SCHEMA, which can race with ALTER TABLE)', 'warning');
  }
  // The schema history replays each DDL on temporary tables of the same database (docs/architecture.md).
  for (const db of facts.capturedDatabases ?? []) {
    if ((facts.temporaryTableGrants ?? []).some((pattern) => grantCovers(pattern, db))) continue;
    findings.push({
      severity: 'error', code: 'SOURCE_GRANTS', subject: 'CREATE TEMPORARY TABLES',
      message: `${account} lacks CREATE TEMPORARY TABLES on ${db}, which the schema history needs to replay DDL on temporary copies of its tables: GRANT CREATE TEMPORARY TABLES ON \`${db.replace(/`/g, '``')}\`.* TO ${account};`,
    });
  }
  for (const grant of REQUIRED_GRANTS) {
    if (grant.names.some((name) => facts.globalPrivileges.has(name))) continue;
    findings.push({
      severity: grant.severity, code: 'SOURCE_GRANTS', subject: grant.names[0]!,
      message: `${account} lacks ${grant.names[0]} ${grant.why}: GRANT ${grant.names[0]} ON *.* TO ${account}`,
    });
  }
  return findings;
}

/** `binlogd validate --check`: reachability, login, settings and grants, as configuration problems. */
export async function checkServer(connector: ConnectorConfig): Promise<Problem[]> {
  const { database } = connector;
  const endpoint = endpointOf(database);
  let sql: SqlClient | undefined;
  try {
    sql = await openSqlClient(endpoint);
    const facts = { ...await readServerFacts(sql), capturedDatabases: await readCapturedDatabases(sql, connector.filters) };
    return serverProblems(facts, accountOf(endpoint)).map((finding) => ({
      severity: finding.severity, file: connector.file, property: 'database.hostname',
      value: `${database.hostname}:${database.port}`, message: finding.message,
    }));
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return [{ severity: 'error', file: connector.file, property: 'database.hostname', value: `${database.hostname}:${database.port}`, message }];
  } finally {
    await sql?.close();
  }
}

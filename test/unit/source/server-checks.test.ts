import { test } from 'node:test';
import assert from 'node:assert/strict';
import { globalPrivileges, serverProblems, type ServerFacts } from '../../../src/source/server-checks.js';

const good: ServerFacts = {
  version: '10.11.19-MariaDB', logBin: true, binlogFormat: 'ROW', binlogRowImage: 'FULL', binlogRowMetadata: 'FULL',
  serverId: 1, gtidBinlogPos: '0-1-5',
  globalPrivileges: globalPrivileges(["GRANT SELECT, RELOAD, SHOW DATABASES, REPLICATION SLAVE, BINLOG MONITOR ON *.* TO `binlogd`@`%`"]),
};

test('a well-configured server with the CDC grants has no problems', () => {
  assert.deepEqual(serverProblems(good, "'binlogd'@'%'"), []);
  assert.deepEqual(serverProblems({ ...good, globalPrivileges: globalPrivileges(['GRANT ALL PRIVILEGES ON *.* TO `root`@`%`']) }, 'root'), []);
});

const cases: Array<{ change: Partial<ServerFacts>; subject: string; severity: 'error' | 'warning'; says: RegExp }> = [
  { change: { logBin: false }, subject: 'log_bin', severity: 'error', says: /binary log is off.*log_bin=mysql-bin/ },
  { change: { binlogFormat: 'MIXED' }, subject: 'binlog_format', severity: 'error', says: /binlog_format is MIXED but must be ROW/ },
  { change: { binlogRowImage: 'MINIMAL' }, subject: 'binlog_row_image', severity: 'error', says: /must be FULL/ },
  { change: { binlogRowMetadata: 'MINIMAL' }, subject: 'binlog_row_metadata', severity: 'warning', says: /preferably/ },
  { change: { globalPrivileges: globalPrivileges(['GRANT SELECT, REPLICATION SLAVE ON *.* TO `x`@`%`']) }, subject: 'BINLOG MONITOR', severity: 'error', says: /GRANT BINLOG MONITOR ON \*\.\* TO/ },
  { change: { globalPrivileges: globalPrivileges(['GRANT SELECT, BINLOG MONITOR ON *.* TO `x`@`%`']) }, subject: 'REPLICATION SLAVE', severity: 'error', says: /read the binlog as a replica/ },
  { change: { globalPrivileges: globalPrivileges(['GRANT SELECT, REPLICATION SLAVE, REPLICATION CLIENT ON *.* TO `x`@`%`']) }, subject: 'RELOAD', severity: 'warning', says: /snapshots/ },
];

for (const { change, subject, severity, says } of cases) {
  test(`explains ${subject} (${severity})`, () => {
    const finding = serverProblems({ ...good, ...change }, "'x'@'%'").find((f) => f.subject === subject);
    assert.ok(finding, `no finding about ${subject}`);
    assert.equal(finding.severity, severity);
    assert.match(finding.message, says);
  });
}

test('grants on a single database do not count as global grants', () => {
  const privileges = globalPrivileges(['GRANT USAGE ON *.* TO `x`@`%`', 'GRANT SELECT ON `inventory`.* TO `x`@`%`']);
  assert.equal(privileges.has('SELECT'), false);
});

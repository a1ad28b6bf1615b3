import { test } from 'node:test';
import assert from 'node:assert/strict';
import { serverIdClash, serverIdClashes } from '../../../src/runtime/server-id-clash.js';

const reader = (name: string, serverId: number, hostname = 'db.example', port = 3306) =>
  ({ name, database: { serverId, hostname, port } }) as unknown as Parameters<typeof serverIdClash>[0];

test('serverIdClashes: one server id on one server is refused, naming both connectors and database.server.id', () => {
  const [clash, ...more] = serverIdClashes([reader('a', 7), reader('b', 8), reader('c', 7, 'DB.example')]);
  assert.equal(more.length, 0);
  assert.equal(clash?.code, 'CONFIG_INVALID');
  assert.match(clash!.message, /connectors a and c both read the same MariaDB server .*database\.server\.id=7.*Give c its own database\.server\.id/);
  assert.deepEqual(clash!.details['connectors'], ['a', 'c']);
});

test('serverIdClash: other servers, other ports and the connector itself do not clash; loopback names are one server', () => {
  assert.equal(serverIdClash(reader('a', 7), [reader('b', 7, 'other.example')]), undefined);
  assert.equal(serverIdClash(reader('a', 7), [reader('b', 7, 'db.example', 3307)]), undefined);
  assert.equal(serverIdClash(reader('a', 7), [reader('a', 7)]), undefined);
  assert.ok(serverIdClash(reader('a', 7, 'localhost'), [reader('b', 7, '127.0.0.1')]));
});

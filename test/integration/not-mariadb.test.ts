// A host and port that answer TCP but are not MariaDB (a wrong port: an HTTP server, SSH, a
// silent proxy) fail within seconds with a message saying so, instead of "ETIMEDOUT … cannot
// reach" after connect.timeout.ms. Real TCP listeners, no MariaDB involved.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { BinlogdError } from '../../src/errors.js';
import { openSqlClient } from '../../src/source/sql-client.js';

async function listen(onConnection: (socket: Socket) => void): Promise<{ server: Server; port: number; sockets: Socket[] }> {
  const sockets: Socket[] = [];
  const server = createServer((socket) => {
    sockets.push(socket);
    socket.on('error', () => undefined);
    onConnection(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port, sockets };
}

async function failure(port: number): Promise<{ error: BinlogdError; ms: number }> {
  const started = Date.now();
  try {
    const client = await openSqlClient({ host: '127.0.0.1', port, user: 'u', password: 'p', connectTimeoutMs: 30_000 });
    await client.close();
  } catch (error) {
    assert.ok(error instanceof BinlogdError, String(error));
    return { error, ms: Date.now() - started };
  }
  throw new Error('connected to something that is not MariaDB');
}

test('a silent listener: "accepted the TCP connection but is not a MariaDB server" within seconds', { timeout: 30_000 }, async (t) => {
  const { server, port, sockets } = await listen(() => undefined);
  t.after(() => { for (const s of sockets) s.destroy(); server.close(); });
  const { error, ms } = await failure(port);
  assert.equal(error.code, 'SOURCE_NOT_MARIADB');
  assert.match(error.message, new RegExp(`127\\.0\\.0\\.1:${port} accepted the TCP connection but is not a MariaDB server \\(it sent no greeting within 5 s\\): check database\\.hostname and database\\.port`));
  assert.ok(ms < 10_000, `took ${ms} ms`);
});

test('a listener that greets with something else fails at once', { timeout: 30_000 }, async (t) => {
  const { server, port, sockets } = await listen((socket) => socket.write('SSH-2.0-OpenSSH_9.6\r\n'));
  t.after(() => { for (const s of sockets) s.destroy(); server.close(); });
  const { error, ms } = await failure(port);
  assert.equal(error.code, 'SOURCE_NOT_MARIADB');
  assert.match(error.message, /is not a MariaDB server \(its first bytes are not a MariaDB greeting\)/);
  assert.ok(ms < 3_000, `took ${ms} ms`);
});

test('a closed port is still "cannot reach"', { timeout: 30_000 }, async () => {
  const { server, port } = await listen(() => undefined);
  await new Promise<void>((resolve) => server.close(() => resolve()));
  const { error } = await failure(port);
  assert.equal(error.code, 'SOURCE_UNREACHABLE');
  assert.match(error.message, /cannot reach MariaDB at 127\.0\.0\.1:\d+ \(ECONNREFUSED\)/);
});

// The TCP socket SQL connections use, checked for MariaDB's greeting.
import { connect as tcpConnect, type Socket } from 'node:net';
import type { SqlEndpoint } from './sql-endpoint.js';
import { NOT_MARIADB } from './sql-errors.js';

// MariaDB sends its greeting (protocol version 10) or an error packet (0xff: too many
// connections, host blocked) as soon as it accepts a connection; a port that stays silent or
// answers anything else is not a MariaDB server, and waiting the whole connect.timeout.ms for it
// only to say "ETIMEDOUT" sends the operator looking at the network.
const GREETING_TIMEOUT_MS = 5_000;
const PROTOCOL_VERSION_10 = 0x0a;
const ERROR_PACKET = 0xff;

/**
 * The TCP socket mysql2 talks over, failed with NOT_MARIADB when the server does not greet within
 * GREETING_TIMEOUT_MS of accepting the connection, or greets with something else than MariaDB.
 */
export function greetedSocket(endpoint: SqlEndpoint): Socket {
  const socket = tcpConnect(endpoint.port, endpoint.host);
  // What mysql2 does for the sockets it opens itself (TCP_NODELAY, its enableKeepAlive default).
  socket.setNoDelay(true);
  socket.once('connect', () => socket.setKeepAlive(true, 0));
  const fail = (message: string): void => {
    socket.destroy(Object.assign(new Error(message), { code: NOT_MARIADB, fatal: true }));
  };
  socket.once('connect', () => {
    const timer = setTimeout(() => fail(`it sent no greeting within ${GREETING_TIMEOUT_MS / 1000} s`), GREETING_TIMEOUT_MS);
    timer.unref();
    socket.once('close', () => clearTimeout(timer));
    // Packet: 3-byte length, 1-byte sequence, then the protocol version or 0xff.
    socket.prependOnceListener('data', (chunk: Buffer) => {
      clearTimeout(timer);
      const first = chunk[4];
      if (first !== undefined && first !== PROTOCOL_VERSION_10 && first !== ERROR_PACKET) fail('its first bytes are not a MariaDB greeting');
    });
  });
  return socket;
}

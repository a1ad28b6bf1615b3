// Optional bearer-token authentication (worker config `http.authToken`). Kafka Connect has none
// built in (it relies on JAAS/REST extensions); a single shared token is what kcctl, Kafka UI and
// Prometheus can all send (`Authorization: Bearer …`). GET and HEAD /health stay open for liveness
// probes (load balancers often probe with HEAD).
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { HttpError } from './errors.js';

/** Paths reachable without the token. */
const OPEN = new Set(['GET /health', 'HEAD /health']);

export function checkAuth(token: string | undefined, method: string, path: string, headers: IncomingHttpHeaders): void {
  if (token === undefined || OPEN.has(`${method} ${path.replace(/\/+$/, '') || '/'}`)) return;
  const header = headers.authorization ?? '';
  const match = /^Bearer\s+(.+)$/i.exec(header);
  if (!match) throw new HttpError(401, 'this binlogd requires a bearer token: send "Authorization: Bearer <token>" (the worker config\'s http.authToken)');
  // Digests have equal lengths, so the comparison takes the same time whatever was sent.
  const sent = createHash('sha256').update(match[1]!.trim()).digest();
  const expected = createHash('sha256').update(token).digest();
  if (!timingSafeEqual(sent, expected)) throw new HttpError(401, 'the bearer token is not the one in the worker config\'s http.authToken');
}

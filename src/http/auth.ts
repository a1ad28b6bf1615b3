// Optional token authentication (worker config `http.authToken`). Kafka Connect has none built in
// (it relies on JAAS/REST extensions); a single shared token is what kcctl, Kafka UI and Prometheus
// can all send, as `Authorization: Bearer <token>` or as the password of HTTP Basic (any user). GET and HEAD /health stay open for liveness
// probes (load balancers often probe with HEAD).
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { HttpError } from './errors.js';

/** Paths reachable without the token. */
const OPEN = new Set(['GET /health', 'HEAD /health']);

/** The secret a request presents: a bearer token, or the password of HTTP Basic (kcctl and Connect UIs send Basic). */
function presented(header: string): string | undefined {
  const bearer = /^Bearer\s+(.+)$/i.exec(header);
  if (bearer) return bearer[1]!.trim();
  const basic = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header);
  if (!basic) return undefined;
  const credentials = Buffer.from(basic[1]!, 'base64').toString('utf8');
  const colon = credentials.indexOf(':');
  return colon < 0 ? undefined : credentials.slice(colon + 1);
}

export function checkAuth(token: string | undefined, method: string, path: string, headers: IncomingHttpHeaders): void {
  if (token === undefined || OPEN.has(`${method} ${path.replace(/\/+$/, '') || '/'}`)) return;
  const sent = presented(headers.authorization ?? '');
  if (sent === undefined) {
    throw new HttpError(401, 'this binlogd requires a token: send "Authorization: Bearer <token>", or HTTP Basic with the token as the password (the worker config\'s http.authToken)');
  }
  // Digests have equal lengths, so the comparison takes the same time whatever was sent.
  const sentDigest = createHash('sha256').update(sent).digest();
  const expected = createHash('sha256').update(token).digest();
  if (!timingSafeEqual(sentDigest, expected)) throw new HttpError(401, 'the token is not the one in the worker config\'s http.authToken');
}

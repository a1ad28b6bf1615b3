// The REST server (node:http): Kafka Connect's API, /metrics and /health on the worker config's
// http.host/http.port. Every answer is JSON (metrics excepted); every failure has Connect's error
// shape. Closed last at shutdown, after the connectors, so status stays readable while they stop.
// Every JSON body passes through the secret redactor on its way out (status traces quote errors,
// and an error may quote a resolved value).
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { hostname } from 'node:os';
import type { AddressInfo } from 'node:net';
import { hideSecretsIn } from '../config/index.js';
import { isLoopback } from '../config/worker.js';
import { checkAuth } from './auth.js';
import { readJson } from './body.js';
import type { RestContext } from './context.js';
import { errorResponse, HttpError } from './errors.js';
import { Router, type RestResponse } from './router.js';
import { connectorRoutes } from './routes/connectors.js';
import { lifecycleRoutes } from './routes/lifecycle.js';
import { offsetRoutes } from './routes/offsets.js';
import { pluginRoutes } from './routes/plugins.js';
import { rootRoutes } from './routes/root.js';

export interface RestServerOptions {
  host: string;
  /** 0 picks a free port (tests). */
  port: number;
  authToken?: string;
  context: Omit<RestContext, 'workerId'>;
  commit?: string;
  clusterId?: () => string | null;
}

export interface RestServer {
  readonly port: number;
  /** `http://host:port` to reach it. */
  readonly url: string;
  /** Stops accepting, ends idle keep-alive connections, waits for requests under way. Idempotent. */
  close(): Promise<void>;
}

export async function startRestServer(options: RestServerOptions): Promise<RestServer> {
  let port = options.port;
  // Connect's worker_id is the advertised host:port; a wildcard bind advertises the host name.
  const advertised = options.host === '0.0.0.0' || options.host === '::' ? hostname() : options.host;
  const context: RestContext = { ...options.context, workerId: () => `${advertised}:${port}` };
  const router = new Router();
  rootRoutes(router, context, { commit: options.commit ?? 'unknown', clusterId: options.clusterId ?? (() => null) });
  connectorRoutes(router, context);
  lifecycleRoutes(router, context);
  offsetRoutes(router, context);
  pluginRoutes(router, context);
  const log = context.logger.child({ component: 'http' });
  if (options.authToken === undefined && !isLoopback(options.host)) {
    // The worker config refuses this unless http.allowUnauthenticated is true; say it at every start.
    log.warn({ host: options.host, port: options.port }, 'REST API listens beyond loopback WITHOUT authentication (http.allowUnauthenticated): anyone who reaches the port can create connectors and read their status; set http.authToken');
  }

  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const method = request.method ?? 'GET';
    const url = requestUrl(request.url);
    let answer: RestResponse;
    try {
      if (!url) throw new HttpError(400, 'the request target is not a valid path');
      checkAuth(options.authToken, method, url.pathname, request.headers);
      const { handler, params } = router.match(method, url.pathname);
      answer = await handler({ method, path: url.pathname, params, query: url.searchParams, headers: request.headers, json: () => readJson(request) });
    } catch (error) {
      const { status, body } = errorResponse(error);
      if (status >= 500) log.error({ err: error, method, path: url?.pathname }, 'REST request failed');
      answer = { status, body };
    }
    log.debug({ method, path: url?.pathname, status: answer.status }, 'REST request');
    send(response, answer);
  };

  const server = createServer((request, response) => void handle(request, response));

  /** A target such as `////` is no URL relative to any base: it must be a 400, not a crash. */
  function requestUrl(target: string | undefined): URL | undefined {
    try {
      return new URL(target ?? '/', 'http://binlogd');
    } catch {
      return undefined;
    }
  }
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  port = (server.address() as AddressInfo).port;
  const urlHost = options.host === '0.0.0.0' || options.host === '::' ? '127.0.0.1' : options.host;
  let closing: Promise<void> | undefined;
  return {
    port,
    url: `http://${urlHost.includes(':') ? `[${urlHost}]` : urlHost}:${port}`,
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      });
      return closing;
    },
  };
}

function send(response: ServerResponse, answer: RestResponse): void {
  if (answer.status === 204 || (answer.body === undefined && answer.text === undefined)) {
    response.writeHead(answer.status).end();
    return;
  }
  const text = answer.text ?? JSON.stringify(hideSecretsIn(answer.body));
  response.writeHead(answer.status, {
    'Content-Type': answer.contentType ?? 'application/json',
    'Content-Length': Buffer.byteLength(text),
    ...(answer.status === 401 ? { 'WWW-Authenticate': 'Bearer realm="binlogd"' } : {}),
  });
  response.end(text);
}

// Method + path routing for the REST API: patterns like `/connectors/:name/status`, segments
// URL-decoded (connector names may hold spaces or dots). An unknown path is 404 and a known path
// with another method 405, with Jersey's messages, as Kafka Connect answers.
import type { IncomingHttpHeaders } from 'node:http';
import { HttpError } from './errors.js';

export interface RestRequest {
  method: string;
  path: string;
  params: Readonly<Record<string, string>>;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  /** The parsed JSON body (read once). */
  json(): Promise<unknown>;
}

export interface RestResponse {
  status: number;
  /** Serialized as JSON unless `text` is given. */
  body?: unknown;
  text?: string;
  contentType?: string;
}

export type Handler = (request: RestRequest) => RestResponse | Promise<RestResponse>;

interface Route {
  method: string;
  segments: readonly string[];
  handler: Handler;
}

export class Router {
  private readonly routes: Route[] = [];

  add(method: string, pattern: string, handler: Handler): this {
    this.routes.push({ method, segments: split(pattern), handler });
    return this;
  }

  /** The handler and path parameters; throws 404/405 HttpErrors as Connect does. */
  match(method: string, path: string): { handler: Handler; params: Record<string, string> } {
    let segments: string[];
    try {
      segments = split(path).map((s) => decodeURIComponent(s));
    } catch {
      throw new HttpError(404, 'HTTP 404 Not Found');
    }
    let pathKnown = false;
    for (const route of this.routes) {
      const params = matchSegments(route.segments, segments);
      if (!params) continue;
      pathKnown = true;
      // HEAD is GET without the body (node:http drops it), as Jersey answers it for Connect.
      if (route.method === method || (method === 'HEAD' && route.method === 'GET')) return { handler: route.handler, params };
    }
    throw pathKnown ? new HttpError(405, 'HTTP 405 Method Not Allowed') : new HttpError(404, 'HTTP 404 Not Found');
  }
}

function split(path: string): string[] {
  return path.split('/').filter((s) => s !== '');
}

function matchSegments(pattern: readonly string[], segments: readonly string[]): Record<string, string> | undefined {
  if (pattern.length !== segments.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < pattern.length; i++) {
    const p = pattern[i]!;
    if (p.startsWith(':')) params[p.slice(1)] = segments[i]!;
    else if (p !== segments[i]) return undefined;
  }
  return params;
}

// A tiny client for binlogd's (Kafka Connect-compatible) REST API, as curl or kcctl would call it.
import { recordOutput } from './suite-record.js';

export interface RestAnswer {
  status: number;
  /** Parsed JSON, or the text when it is not JSON, or undefined when empty. */
  body: any;
  text: string;
  headers: Headers;
}

export async function rest(base: string, method: string, path: string, options: { body?: unknown; raw?: string; token?: string } = {}): Promise<RestAnswer> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (options.body !== undefined || options.raw !== undefined) headers['Content-Type'] = 'application/json';
  if (options.token !== undefined) headers['Authorization'] = `Bearer ${options.token}`;
  const response = await fetch(base + path, {
    method, headers,
    ...(options.raw !== undefined ? { body: options.raw } : options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
  });
  const text = await response.text();
  recordOutput('rest-answers', `${method} ${path} ${response.status} ${text}`);
  let body: unknown;
  try {
    body = text === '' ? undefined : JSON.parse(text);
  } catch {
    body = text;
  }
  return { status: response.status, body, text, headers: response.headers };
}

/** Polls the connector's status until `check` holds (default 60 s). */
export async function waitForStatus(base: string, name: string, check: (status: any) => boolean, options: { token?: string; timeoutMs?: number } = {}): Promise<any> {
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  let last: RestAnswer | undefined;
  while (Date.now() < deadline) {
    last = await rest(base, 'GET', `/connectors/${encodeURIComponent(name)}/status`, options.token === undefined ? {} : { token: options.token });
    if (last.status === 200 && check(last.body)) return last.body;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`status of ${name} never matched; last: ${last?.status} ${last?.text}`);
}

export const inState = (state: string) => (status: any) => status?.connector?.state === state;

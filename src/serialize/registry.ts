// The schema registry client: the only file importing @kafkajs/confluent-schema-registry.
//
// Registration is one POST /subjects/{subject}/versions, as Confluent's serializer does with
// auto.register.schemas=true. The library's own register() is not used: it also reads and writes the
// subject's compatibility config (and fails when it differs from its own default), which Debezium never
// does. Failures are classified from the raw HTTP response (status, body, network error), captured per
// request through the library's retry hook, because the library's error keeps neither the registry's
// body nor the network error.

import http from 'node:http';
import https from 'node:https';
import { SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import { BinlogdError } from '../errors.js';
import { bigintLongTypeHook } from './avro-codec.js';
import type { AvroSchemaJson } from './avro-schema.js';

export interface RegistryClientOptions {
  url: string;
  auth?: { username: string; password: string };
  /** Per request; default 30 s. */
  timeoutMs?: number;
}

export interface RegistryClient {
  /**
   * The schema id; registers once per process per subject and schema text (concurrent calls share one
   * request). The text sent is JSON.stringify(avroSchema).
   */
  register(subject: string, avroSchema: AvroSchemaJson): Promise<number>;
  /** As register, with the exact schema text to send (buildAvroSchema(...).text: Java's formatting of defaults). */
  registerText(subject: string, schemaText: string): Promise<number>;
  /** Decodes a framed record with the registry library's own decoder (int64 as bigint); for tests and tools. */
  decode(framed: Buffer): Promise<unknown>;
  close(): void;
}

/** What the retry hook saw of the last failed attempt of one request. */
interface Attempt {
  status?: number;
  body?: unknown;
  networkError?: Error;
}

interface RawResponse {
  status(): number;
  data(): unknown;
  error(): Error | null;
  request(): { context(): Record<string, unknown> | undefined };
}

interface SubjectApi {
  Subject: {
    register(params: Record<string, unknown>, context: Record<string, unknown>): Promise<{ data(): unknown }>;
  };
}

const ATTEMPT = 'binlogdAttempt';

export function createRegistryClient(options: RegistryClientOptions): RegistryClient {
  const agent = options.url.startsWith('https:')
    ? new https.Agent({ keepAlive: true })
    : new http.Agent({ keepAlive: true });
  const registry = new SchemaRegistry({
    host: options.url,
    ...(options.auth === undefined ? {} : { auth: options.auth }),
    agent,
    retry: {
      retries: 2,
      // Registering is idempotent, so POSTs may be retried too (the library retries only GETs).
      enableRetry: () => true,
      validateRetry: (response: RawResponse) => {
        const ok = response.status() >= 200 && response.status() < 300 && response.error() === null;
        if (!ok) record(response);
        return !ok && response.error() === null && response.status() >= 500;
      },
    } as Record<string, unknown>,
  }, { [SchemaType.AVRO]: { typeHook: bigintLongTypeHook } });
  const api = (registry as unknown as { api?: SubjectApi }).api;
  if (api?.Subject?.register === undefined) {
    throw new BinlogdError('INTERNAL', 'unsupported @kafkajs/confluent-schema-registry version: no Subject.register API');
  }
  const timeout = options.timeoutMs ?? 30_000;
  const registered = new Map<string, Promise<number>>();
  let closed = false;

  const registerOnce = async (subject: string, text: string): Promise<number> => {
    const attempt: Attempt = {};
    let data: unknown;
    try {
      const response = await api.Subject.register({ subject, body: { schema: text }, timeout }, { [ATTEMPT]: attempt });
      data = response.data();
    } catch (error) {
      throw classify(error, attempt, subject);
    }
    const id = (data as { id?: unknown } | null)?.id;
    if (typeof id !== 'number' || !Number.isInteger(id)) {
      throw new BinlogdError('REGISTRY_REJECTED', `schema registry answered registration of subject "${subject}" without a schema id`, {
        details: { subject, response: data },
      });
    }
    return id;
  };

  const registerText = (subject: string, text: string): Promise<number> => {
    if (closed) return Promise.reject(new BinlogdError('INTERNAL', 'schema registry client is closed'));
    const key = `${subject}\u0000${text}`;
    let pending = registered.get(key);
    if (pending === undefined) {
      pending = registerOnce(subject, text);
      registered.set(key, pending);
      // A failure is not remembered: the next call asks the registry again.
      const forget = pending;
      forget.catch(() => { if (registered.get(key) === forget) registered.delete(key); });
    }
    return pending;
  };

  return {
    register: (subject, avroSchema) => registerText(subject, JSON.stringify(avroSchema)),
    registerText,
    async decode(framed) {
      try {
        return await registry.decode(framed) as unknown;
      } catch (error) {
        throw new BinlogdError('INTERNAL', `cannot decode record: ${(error as Error).message}`, { cause: error });
      }
    },
    close() {
      closed = true;
      agent.destroy();
    },
  };
}

function record(response: RawResponse): void {
  const attempt = response.request().context()?.[ATTEMPT] as Attempt | undefined;
  if (attempt === undefined) return;
  const networkError = response.error();
  if (networkError !== null) {
    // mappersmith reports connection failures and timeouts as a made-up status 400 with an error.
    attempt.networkError = networkError;
    delete attempt.status;
    delete attempt.body;
  } else {
    attempt.status = response.status();
    attempt.body = response.data();
    delete attempt.networkError;
  }
}

function classify(error: unknown, attempt: Attempt, subject: string): BinlogdError {
  const status = attempt.status;
  const details = { subject, ...(status === undefined ? {} : { status, response: attempt.body }) };
  const registryMessage = messageOf(attempt.body) ?? String((error as Error)?.message ?? error);
  if (attempt.networkError !== undefined || status === undefined || status >= 500 || status === 408 || status === 429) {
    const why = attempt.networkError !== undefined ? attempt.networkError.message
      : status === undefined ? registryMessage : `HTTP ${status}: ${registryMessage}`;
    return new BinlogdError('REGISTRY_UNREACHABLE', `schema registry unavailable while registering subject "${subject}": ${why}`, {
      retriable: true,
      cause: attempt.networkError ?? error,
      details,
    });
  }
  const body = attempt.body as { error_code?: unknown } | null | undefined;
  const code = typeof body === 'object' && body !== null && body.error_code !== undefined ? `, error_code ${String(body.error_code)}` : '';
  return new BinlogdError('REGISTRY_REJECTED',
    `schema registry rejected the schema for subject "${subject}" (HTTP ${status}${code}): ${registryMessage}`,
    { retriable: false, cause: error, details });
}

/** The registry's own words: Confluent error bodies are `{"error_code":…,"message":"…"}`. */
function messageOf(body: unknown): string | undefined {
  if (body === undefined || body === null || body === '') return undefined;
  if (typeof body === 'string') return body;
  const message = (body as { message?: unknown }).message;
  return typeof message === 'string' ? message : JSON.stringify(body);
}

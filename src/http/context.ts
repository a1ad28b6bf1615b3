// What the REST routes see of the daemon: the worker and its connectors, how to validate a
// connector document (the same zod schema and config providers as connector files), and who this
// worker is in status bodies.
import { formatProblem, parseConnector, type ParseResult, type ProviderConfigs } from '../config/index.js';
import type { Logger } from '../runtime/logger.js';
import type { ConnectorSupervisor } from '../runtime/supervisor.js';
import type { Worker } from '../runtime/worker.js';
import { HttpError, notFound } from './errors.js';

export interface RestContext {
  worker: Worker;
  providers: ProviderConfigs;
  version: string;
  logger: Logger;
  /** `host:port` this worker answers on (Connect's worker_id). */
  workerId(): string;
}

export function supervisorOf(context: RestContext, name: string): ConnectorSupervisor {
  const supervisor = context.worker.connectors.get(name);
  if (!supervisor) throw notFound(name);
  return supervisor;
}

/**
 * Validates a connector document; throws Connect's 400 listing every error. Warnings (unknown
 * properties…) are logged, as they are for files.
 */
export function validConnector(context: RestContext, document: unknown): NonNullable<ParseResult['config']> {
  const result = parseConnector(document, { providers: context.providers });
  const errors = result.problems.filter((p) => p.severity === 'error');
  if (!result.config || errors.length > 0) {
    const lines = errors.map((p) => formatProblem(p).replace(/^error: /, ''));
    throw new HttpError(400, `Connector configuration is invalid and contains the following ${lines.length} error(s):\n${lines.join('\n')}\n` +
      'You can also find the above list of errors at the endpoint `/connector-plugins/{connectorType}/config/validate`');
  }
  for (const warning of result.problems) context.logger.warn({ connector: result.config.name, property: warning.property }, formatProblem(warning));
  return result.config;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

// Errors as Kafka Connect's REST API returns them (ConnectRestExceptionMapper): a JSON body
// `{"error_code": <HTTP status>, "message": "…"}` with the same status, so kcctl and Connect UIs
// show binlogd's messages as they show Connect's.
import { BinlogdError } from '../errors.js';

export class HttpError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
    this.name = 'HttpError';
  }
}

export interface ErrorBody {
  error_code: number;
  message: string;
}

export const notFound = (name: string): HttpError => new HttpError(404, `Connector ${name} not found`);

/** The status and body for anything a handler threw. */
export function errorResponse(error: unknown): { status: number; body: ErrorBody } {
  if (error instanceof HttpError) return { status: error.status, body: { error_code: error.status, message: error.message } };
  // A value the operator sent that binlogd cannot use is the request's fault; the rest is ours.
  const status = error instanceof BinlogdError && error.code === 'CONFIG_INVALID' ? 400 : 500;
  const message = error instanceof Error ? error.message : String(error);
  return { status, body: { error_code: status, message } };
}

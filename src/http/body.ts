// Reads a request body as JSON. Unparsable JSON answers 500 with the parser's message, exactly as
// Kafka Connect does (its Jackson provider's JsonParseException reaches the generic mapper);
// a body that parses but is wrong is a 400 from the route that reads it.
import type { IncomingMessage } from 'node:http';
import { HttpError } from './errors.js';

const MAX_BODY_BYTES = 1024 * 1024;

export async function readJson(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new HttpError(413, `request body over ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') throw new HttpError(400, 'the request needs a JSON body');
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new HttpError(500, `the request body is not valid JSON: ${(error as Error).message}`);
  }
}

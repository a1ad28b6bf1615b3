// What the whole test suite showed a user: every daemon's log lines and every REST answer, next to the
// secrets the tests handed to daemons, so one test at the end (zz-secret-scan.test.ts) can grep all
// of it for any secret. Files under dist/, which `npm test` empties before each run.
import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './stack-env.js';

const DIR = join(repoRoot, 'dist', 'suite-record');
const SECRETS_FILE = join(DIR, 'secrets.jsonl');
// Shorter values ("1", "true", a port) would match everywhere without meaning anything.
const MIN_SECRET_LENGTH = 8;

function ensureDir(): void {
  if (!existsSync(DIR)) mkdirSync(DIR, { recursive: true });
}

/** A value a test gave a daemon as a secret (a password, a token, what a `${…}` reference resolves to). */
export function recordSecret(value: string, origin: string): void {
  if (value.length < MIN_SECRET_LENGTH) return;
  ensureDir();
  appendFileSync(SECRETS_FILE, JSON.stringify({ value, origin }) + '\n');
}

/** Text a user would see: a log line, a REST answer. `source` names the file it is kept in. */
export function recordOutput(source: string, text: string): void {
  ensureDir();
  appendFileSync(join(DIR, `${source.replace(/[^\w.-]/g, '_')}.out`), text.endsWith('\n') ? text : text + '\n');
}

export interface SuiteRecord {
  secrets: Array<{ value: string; origin: string }>;
  outputs: Array<{ file: string; text: string }>;
}

export function readSuiteRecord(): SuiteRecord {
  if (!existsSync(DIR)) return { secrets: [], outputs: [] };
  const secrets = existsSync(SECRETS_FILE)
    ? readFileSync(SECRETS_FILE, 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line) as { value: string; origin: string })
    : [];
  const outputs = readdirSync(DIR).filter((f) => f.endsWith('.out')).map((file) => ({ file, text: readFileSync(join(DIR, file), 'utf8') }));
  return { secrets, outputs };
}

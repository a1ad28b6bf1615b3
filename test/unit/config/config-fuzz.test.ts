// Seeded, bounded property-based fuzzing of the two config parsers: whatever a connector file or a
// worker file holds, parsing returns named problems (never throws), and a secret, written or
// resolved from a reference, never appears in any problem.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { KNOWN_PROPERTIES, parseConnector, parseWorkerConfig } from '../../../src/config/index.js';
import type { Problem } from '../../../src/config/index.js';

const SEED = 20261207;
const SECRET = 'fuzz-Secret-3b1f9c';
const ENV = { FUZZ_SECRET: SECRET, FUZZ_PLAIN: 'plain-value' };
const PROPERTIES = [...KNOWN_PROPERTIES].sort();
// /proc/self/environ holds the environment the process started with, PATH among it.
const ENVIRONMENT_MARK = `PATH=${process.env['PATH'] ?? ''}`;

/** Values a user (or an attacker) might write: well-formed ones, references, junk, other JSON types. */
const propertyValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.constantFrom('', ' ', 'true', 'false', '0', '-1', '1', '2147483648', '1e309', 'NaN', '.*', '(', '\\', '\u0000', '💥'),
  fc.integer().map(String),
  fc.constantFrom('${env:FUZZ_SECRET}', '${env:FUZZ_PLAIN}', '${env:MISSING_VAR}', '${file:/nonexistent/x}', '${file:/proc/self/environ}', '${unknown:x}', '${env:', '${}'),
  fc.string({ maxLength: 20 }).map((s) => `prefix-${SECRET}-${s}`),
  fc.jsonValue({ maxDepth: 2 }),
);

const connectorDocument: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 8, arbitrary: fc.record({
    name: fc.oneof(fc.string({ maxLength: 30 }), fc.constantFrom('.', '..', 'a/b', '%2F', ' ', 'x'.repeat(300)), fc.jsonValue({ maxDepth: 1 })),
    config: fc.dictionary(fc.oneof({ weight: 5, arbitrary: fc.constantFrom(...PROPERTIES) }, fc.string({ maxLength: 30 })), propertyValue, { maxKeys: 25 }),
  }, { requiredKeys: [] }) },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
);

function assertNamedAndClean(problems: readonly Problem[], input: unknown): void {
  for (const problem of problems) {
    assert.ok(problem.severity === 'error' || problem.severity === 'warning', JSON.stringify(problem));
    assert.equal(typeof problem.message, 'string');
    assert.ok(problem.message.length > 0, `empty message for ${JSON.stringify(input)}`);
    const text = JSON.stringify(problem);
    // A problem may quote what was written, but never a resolved secret.
    const written = JSON.stringify(input) ?? '';
    if (!written.includes(SECRET)) assert.ok(!text.includes(SECRET), `secret in problem: ${text}`);
    // ${file:/proc/self/environ} would bring the whole environment with it.
    assert.ok(!text.includes(ENVIRONMENT_MARK), `process environment in problem: ${text}`);
    assert.ok(!/\n\s+at .+:\d+:\d+/.test(text), `stack trace in problem: ${text}`);
  }
}

test('connector configs: any document gives a config or named problems, never a throw or a resolved secret', () => {
  fc.assert(fc.property(connectorDocument, (document) => {
    const result = parseConnector(document, { env: ENV });
    assertNamedAndClean(result.problems, document);
    if (!result.config) assert.ok(result.problems.some((p) => p.severity === 'error'), 'no config and no error');
    for (const problem of result.problems) {
      // Only a value written in the document may be shown; what a reference resolved to never is.
      assert.ok(!JSON.stringify(problem).includes(ENV.FUZZ_PLAIN) || JSON.stringify(document).includes(ENV.FUZZ_PLAIN), JSON.stringify(problem));
    }
  }), { seed: SEED, numRuns: 600 });
});

test('connector configs: a secret written in a secret-named property is never shown', () => {
  const secretProperties = PROPERTIES.filter((p) => /password|secret|token|jaas|user\.info/.test(p));
  assert.ok(secretProperties.length > 0);
  fc.assert(fc.property(fc.constantFrom(...secretProperties), propertyValue.filter((v) => !JSON.stringify(v ?? null).includes(SECRET)), (property, junk) => {
    const document = { name: 'fuzz', config: { 'database.hostname': 'h', 'database.user': 'u', 'topic.prefix': 'p', 'database.server.id': 'x', [property]: SECRET, 'snapshot.mode': junk } };
    const result = parseConnector(document, { env: ENV });
    for (const problem of result.problems) assert.ok(!JSON.stringify(problem).includes(SECRET), JSON.stringify(problem));
  }), { seed: SEED, numRuns: 200 });
});

const workerSection = (keys: readonly string[]): fc.Arbitrary<Record<string, unknown>> =>
  fc.dictionary(fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...keys) }, fc.string({ maxLength: 12 })), propertyValue, { maxKeys: 6 });

const workerDocument: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 8, arbitrary: fc.record({
    kafka: fc.oneof(workerSection(['brokers', 'clientId', 'ssl', 'sasl']), fc.jsonValue({ maxDepth: 1 })),
    schemaRegistry: fc.oneof(workerSection(['url', 'auth']), fc.jsonValue({ maxDepth: 1 })),
    offsets: workerSection(['topic']),
    http: workerSection(['host', 'port', 'authToken']),
    log: workerSection(['level']),
    configProviders: fc.dictionary(fc.string({ maxLength: 8 }), fc.oneof(workerSection(['type', 'path']), propertyValue), { maxKeys: 3 }),
  }, { requiredKeys: [] }) },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
);

test('worker configs: any document gives a config or named problems, never a throw or a resolved secret', () => {
  fc.assert(fc.property(workerDocument, (document) => {
    const result = parseWorkerConfig(document, { env: ENV });
    assertNamedAndClean(result.problems, document);
    if (!result.config) assert.ok(result.problems.some((p) => p.severity === 'error'), 'no config and no error');
  }), { seed: SEED, numRuns: 600 });
});

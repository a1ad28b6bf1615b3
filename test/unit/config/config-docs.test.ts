import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { configReference } from '../../../src/config/config-docs.js';
import { KNOWN_PROPERTIES, WORKER_ENV_OVERRIDES } from '../../../src/config/index.js';
import { repoRoot } from '../../support/stack-env.js';

const rendered = configReference();

test('docs/config.md is what the schemas generate (run `npm run docs` after changing a schema)', () => {
  const written = readFileSync(join(repoRoot, 'docs', 'config.md'), 'utf8');
  assert.ok(written === rendered, 'docs/config.md is stale: run `npm run docs` and commit the result');
});

test('the reference lists every connector property, every worker setting and every environment override', () => {
  for (const property of KNOWN_PROPERTIES) {
    if (property === 'name') continue;
    assert.ok(rendered.includes(`| \`${property}\` |`), property);
  }
  for (const setting of ['kafka.brokers', 'kafka.sasl.password', 'schemaRegistry.url', 'schemaRegistry.auth.password', 'offsets.topic', 'http.port', 'http.authToken', 'log.level']) {
    assert.ok(rendered.includes(`| \`${setting}\` |`), setting);
  }
  for (const name of Object.keys(WORKER_ENV_OVERRIDES)) assert.ok(rendered.includes(`| \`${name}\` |`), name);
  assert.match(rendered, /\| `snapshot\.mode` \| `initial`, .* \| `initial` \| When to snapshot/);
  assert.match(rendered, /\| `max\.queue\.size` \| integer 1\.\. \| `8192` \|/);
});

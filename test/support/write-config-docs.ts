// `npm run docs`: writes docs/config.md from the zod schemas (src/config/config-docs.ts).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { configReference } from '../../src/config/config-docs.js';
import { repoRoot } from './stack-env.js';

const file = join(repoRoot, 'docs', 'config.md');
writeFileSync(file, configReference());
process.stdout.write(`wrote ${file}\n`);

import { readFileSync } from 'node:fs';

/** binlogd's version, from package.json (two levels above dist/src/). */
export function binlogdVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

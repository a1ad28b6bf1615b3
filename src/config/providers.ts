// Kafka Connect's config providers: a value may hold `${provider:path:key}` references that are
// replaced before validation, so secrets stay out of the connector files. Built in: `env`
// (`${env:NAME}`), `file` (`${file:/path}` whole file, `${file:/path:key}` a key of a properties
// file); named `directory` providers come from the worker config, so `${secrets:a/b:c}` reads
// `<path>/a/b/c` (Kafka's DirectoryConfigProvider). Problems name the property and the reference,
// never a resolved value.
import { readFileSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';
import { parseProperties } from './properties-file.js';
import type { Problem } from './problems.js';
import { displayValue, isSecretName } from './secrets.js';

export interface DirectoryProviderConfig {
  readonly type: 'directory';
  readonly path: string;
}

export type ProviderConfigs = Readonly<Record<string, DirectoryProviderConfig>>;

export interface ResolveContext {
  /** Defaults to `process.env`. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Named providers declared in the worker config (`configProviders`). */
  readonly providers?: ProviderConfigs;
}

/** Kafka's `ConfigTransformer.DEFAULT_PATTERN`: provider, optional path, key. */
const REFERENCE = /\$\{([^}]*?):(?:([^}]*?):)?([^}]*?)\}/g;

export const BUILT_IN_PROVIDERS = ['env', 'file'] as const;

export function hasReference(value: string): boolean {
  REFERENCE.lastIndex = 0;
  return REFERENCE.test(value);
}

type Lookup = { ok: true; value: string } | { ok: false; reason: string };

function readText(file: string): Lookup {
  try {
    return { ok: true, value: readFileSync(file, 'utf8') };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason =
      code === 'ENOENT' ? 'does not exist' : code === 'EACCES' ? 'is not readable' : code === 'EISDIR' ? 'is a directory' : `cannot be read (${code ?? 'error'})`;
    return { ok: false, reason: `${file} ${reason}` };
  }
}

/** Secret files usually end with the newline `echo` or an editor added; it is never part of the secret. */
function trimFinalNewline(text: string): string {
  return text.replace(/\r?\n$/, '');
}

class Resolver {
  private readonly files = new Map<string, Lookup>();
  private readonly env: Readonly<Record<string, string | undefined>>;
  private readonly providers: ProviderConfigs;

  constructor(ctx: ResolveContext) {
    this.env = ctx.env ?? process.env;
    this.providers = ctx.providers ?? {};
  }

  private read(file: string): Lookup {
    let result = this.files.get(file);
    if (!result) {
      result = readText(file);
      this.files.set(file, result);
    }
    return result;
  }

  lookup(provider: string, path: string | undefined, key: string): Lookup {
    if (provider === 'env') {
      const value = this.env[key];
      return value === undefined ? { ok: false, reason: `environment variable ${key} is not set` } : { ok: true, value };
    }
    if (provider === 'file') {
      if (path === undefined || path === '') {
        const whole = this.read(key);
        return whole.ok ? { ok: true, value: trimFinalNewline(whole.value) } : whole;
      }
      const file = this.read(path);
      if (!file.ok) return file;
      const value = parseProperties(file.value).get(key);
      return value === undefined ? { ok: false, reason: `${path} has no key ${key}` } : { ok: true, value };
    }
    const named = this.providers[provider];
    if (named === undefined) {
      const known = [...BUILT_IN_PROVIDERS, ...Object.keys(this.providers)].join(', ');
      return { ok: false, reason: `unknown config provider "${provider}" (known: ${known})` };
    }
    const base = resolve(named.path);
    const file = resolve(base, path ?? '', key);
    const inside = relative(base, file);
    if (inside === '' || inside.startsWith('..') || isAbsolute(inside)) {
      return { ok: false, reason: `"${path ?? ''}:${key}" points outside ${base}` };
    }
    const content = this.read(file);
    return content.ok ? { ok: true, value: trimFinalNewline(content.value) } : content;
  }

  /** Replaces every reference in `text`; the reasons list the references that failed. */
  resolve(text: string): { value: string; referenced: boolean; failures: string[] } {
    const failures: string[] = [];
    let referenced = false;
    const value = text.replace(REFERENCE, (whole, provider: string, path: string | undefined, key: string) => {
      referenced = true;
      const found = this.lookup(provider, path, key);
      if (found.ok) return found.value;
      failures.push(`cannot resolve ${whole}: ${found.reason}`);
      return whole;
    });
    return { value, referenced, failures };
  }
}

export interface ResolvedProperties {
  /** Every property with its references replaced. */
  readonly values: Record<string, string>;
  /** Properties whose value held a reference or whose name marks a secret. */
  readonly secretProperties: Set<string>;
  readonly problems: Problem[];
}

/** Resolves the references in a property map (connector config). */
export function resolveProperties(raw: Readonly<Record<string, string>>, ctx: ResolveContext = {}): ResolvedProperties {
  const resolver = new Resolver(ctx);
  const values: Record<string, string> = {};
  const secretProperties = new Set<string>();
  const problems: Problem[] = [];
  for (const [property, text] of Object.entries(raw)) {
    const { value, referenced, failures } = resolver.resolve(text);
    values[property] = value;
    if (referenced || isSecretName(property)) secretProperties.add(property);
    for (const message of failures) {
      problems.push({ severity: 'error', property, value: displayValue(property, text), message });
    }
  }
  return { values, secretProperties, problems };
}

/**
 * Resolves references in every string of a JSON document (the worker config); `path` names the
 * property in problems (`kafka.sasl.password`).
 */
export function resolveJson(document: unknown, ctx: ResolveContext = {}): { value: unknown; problems: Problem[] } {
  const resolver = new Resolver(ctx);
  const problems: Problem[] = [];
  const walk = (node: unknown, path: string): unknown => {
    if (typeof node === 'string') {
      const { value, failures } = resolver.resolve(node);
      for (const message of failures) problems.push({ severity: 'error', property: path, value: displayValue(path, node), message });
      return value;
    }
    if (Array.isArray(node)) return node.map((item, i) => walk(item, `${path}[${i}]`));
    if (node !== null && typeof node === 'object') {
      return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, walk(v, path === '' ? k : `${path}.${k}`)]));
    }
    return node;
  };
  return { value: walk(document, ''), problems };
}

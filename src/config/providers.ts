// Kafka Connect's config providers: a value may hold `${provider:path:key}` references that are
// replaced before validation, so secrets stay out of the connector files. As in Connect
// (`config.providers`), a provider exists only when the worker config enables it under
// `configProviders`: `env` (`${env:NAME}`, optionally limited to an allowlist), `file`
// (`${file:/path}` whole file, `${file:/path:key}` a key of a properties file, optionally limited to
// allowed paths like FileConfigProvider's `allowed.paths`) and `directory` (`${secrets:a/b:c}`
// reads `<path>/a/b/c`, Kafka's DirectoryConfigProvider). Problems name the property and the
// reference, never a resolved value; every resolved value is remembered so that the last-line
// redactor (secrets.ts) hides it wherever it might still show up.
import { readFileSync, realpathSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';
import { parseProperties } from './properties-file.js';
import type { Problem } from './problems.js';
import { displayValue, isSecretName, rememberSecret, rememberUrlCredentials } from './secrets.js';

export interface EnvProviderConfig {
  readonly type: 'env';
  /** Variable names the provider may read; `PREFIX_*` matches a prefix. Absent: every variable. */
  readonly allowlist?: readonly string[];
}

export interface FileProviderConfig {
  readonly type: 'file';
  /** Absolute directories (or files) the provider may read. Absent: every file the process can read. */
  readonly allowedPaths?: readonly string[];
}

export interface DirectoryProviderConfig {
  readonly type: 'directory';
  readonly path: string;
}

export type ProviderConfig = EnvProviderConfig | FileProviderConfig | DirectoryProviderConfig;

export type ProviderConfigs = Readonly<Record<string, ProviderConfig>>;

export interface ResolveContext {
  /** Defaults to `process.env`. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** The providers the worker config enables (`configProviders`); none when absent. */
  readonly providers?: ProviderConfigs;
}

/**
 * What `binlogd validate` without a worker config resolves with: the operator's own shell, so
 * env and file without limits. Everything that runs connectors uses the worker's providers.
 */
export const LOCAL_PROVIDERS: ProviderConfigs = { env: { type: 'env' }, file: { type: 'file' } };

const ENABLE_EXAMPLE: Readonly<Record<string, string>> = {
  env: '{"type": "env", "allowlist": ["MARIADB_PASSWORD"]}',
  file: '{"type": "file", "allowedPaths": ["/run/secrets"]}',
};

/** Kafka's `ConfigTransformer.DEFAULT_PATTERN`: provider, optional path, key. */
const REFERENCE = /\$\{([^}]*?):(?:([^}]*?):)?([^}]*?)\}/g;

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

function isInside(base: string, file: string): boolean {
  const inside = relative(base, file);
  return inside === '' || (!inside.startsWith('..') && !isAbsolute(inside));
}

/** The real path (symlinks followed) when the file exists, else the lexical one. */
function realPath(file: string): string {
  try {
    return realpathSync(file);
  } catch {
    return file;
  }
}

/**
 * FileConfigProvider's `allowed.paths`, made stricter: the path is resolved (`..` removed) and its
 * symlinks followed, so neither can lead out of the allowed directories.
 */
function allowedFile(name: string, path: string, allowedPaths: readonly string[] | undefined): Lookup {
  const file = resolve(path);
  if (allowedPaths === undefined) return { ok: true, value: file };
  const lexical = allowedPaths.some((allowed) => isInside(resolve(allowed), file));
  const real = lexical && allowedPaths.some((allowed) => isInside(realPath(resolve(allowed)), realPath(file)));
  if (real) return { ok: true, value: file };
  return { ok: false, reason: `${path} is outside the allowed paths of config provider "${name}" (${allowedPaths.join(', ')}); move the secret there or add its directory to configProviders.${name}.allowedPaths` };
}

function envAllowed(allowlist: readonly string[] | undefined, variable: string): boolean {
  if (allowlist === undefined) return true;
  return allowlist.some((entry) => (entry.endsWith('*') ? variable.startsWith(entry.slice(0, -1)) : entry === variable));
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

  private notEnabled(provider: string): Lookup {
    const enabled = Object.keys(this.providers);
    const example = ENABLE_EXAMPLE[provider] ?? '{"type": "directory", "path": "/run/secrets"}';
    return {
      ok: false,
      reason: `config provider "${provider}" is not enabled (enabled: ${enabled.length === 0 ? 'none' : enabled.join(', ')}); ` +
        `enable it in the worker config: "configProviders": {"${provider}": ${example}}`,
    };
  }

  lookup(provider: string, path: string | undefined, key: string): Lookup {
    const config = Object.hasOwn(this.providers, provider) ? this.providers[provider] : undefined;
    if (config === undefined) return this.notEnabled(provider);
    if (config.type === 'env') {
      if (!envAllowed(config.allowlist, key)) {
        return { ok: false, reason: `environment variable ${key} is not in the allowlist of config provider "${provider}"; add it to configProviders.${provider}.allowlist` };
      }
      const value = this.env[key];
      return value === undefined ? { ok: false, reason: `environment variable ${key} is not set` } : { ok: true, value };
    }
    if (config.type === 'file') {
      const whole = path === undefined || path === '';
      const allowed = allowedFile(provider, whole ? key : path, config.allowedPaths);
      if (!allowed.ok) return allowed;
      const file = this.read(allowed.value);
      if (!file.ok) return file;
      if (whole) return { ok: true, value: trimFinalNewline(file.value) };
      const value = parseProperties(file.value).get(key);
      return value === undefined ? { ok: false, reason: `${path} has no key ${key}` } : { ok: true, value };
    }
    const base = resolve(config.path);
    const file = resolve(base, path ?? '', key);
    if (file === base || !isInside(base, file) || !isInside(realPath(base), realPath(file))) {
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
      if (found.ok) {
        rememberSecret(found.value);
        return found.value;
      }
      failures.push(`cannot resolve ${whole}: ${found.reason}`);
      return whole;
    });
    // A failed reference stays in the text as written: that is the reference, not a secret.
    if (referenced && failures.length === 0) rememberSecret(value);
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
    if (isSecretName(property) && failures.length === 0) rememberSecret(value);
    rememberUrlCredentials(value);
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
      if (failures.length === 0 && (isSecretName(path) || /(^|\.)ssl\.(key|passphrase)$/.test(path))) rememberSecret(value);
      rememberUrlCredentials(value);
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

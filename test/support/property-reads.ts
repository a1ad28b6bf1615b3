// Which connector properties the code outside src/config/ actually reads. Each area's build()
// copies a property into a typed field (`maxQueueSizeInBytes: v['max.queue.size.in.bytes']`); a
// property counts as read when that field is accessed anywhere outside src/config/, or when its
// name appears there as a string (code reading `config.raw`). `node dist/test/support/property-reads.js`
// prints the inventory.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ALL_AREAS, CONNECTOR_AREAS, KNOWN_PROPERTIES } from '../../src/config/connector.js';
import { markedProperties } from '../../src/config/no-effect.js';
import { repoRoot } from './stack-env.js';

export interface PropertyUse {
  readonly property: string;
  /** Typed fields build() fills from it. */
  readonly fields: readonly string[];
  /** Files outside src/config/ that read one of those fields or name the property. */
  readonly readIn: readonly string[];
  /** The schema's "accepted, no effect" reason, when marked. */
  readonly noEffect?: string;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Properties build() turns into a field through a local variable or a helper rather than a
 * `field: v['property']` line, with the fields (as `parent.field` paths) they fill.
 */
const INDIRECT: Readonly<Record<string, readonly string[]>> = {
  'converters': ['types.converters'],
  'database.server.id': ['serverId'],
  'errors.deadletterqueue.topic.name': ['deadLetterQueue.topic'],
  'message.key.columns': ['messageKeyColumns'],
  'predicates': ['predicate'],
  'snapshot.select.statement.overrides': ['selectOverrides'],
  'transforms': ['transforms.transforms', 'transforms.chain', 'recordPath'],
};

/** Properties whose whole effect is the check their schema makes (a value binlogd cannot honour is an error). */
const CHECKED_BY_SCHEMA: readonly string[] = ['connector.class', 'database.ssl.mode', 'tasks.max', 'topic.naming.strategy'];

/**
 * `field: <expression naming v['property']>` in the config sources: property → field paths, each
 * with the object keys that enclose it inside build()'s result (`ssl.mode`).
 */
function fieldsByProperty(configSources: readonly string[]): Map<string, Set<string>> {
  const constants = new Map<string, string>();
  const out = new Map<string, Set<string>>();
  for (const source of configSources) {
    for (const [, name, value] of source.matchAll(/const (\w+) = '([a-z0-9.]+)';/g)) constants.set(name!, value!);
    const parents: string[] = [];
    for (const line of source.split('\n')) {
      const opened = /^\s*(?:\.\.\.\(.*\{ )?(\w+): \{\s*$/.exec(line) ?? /^\s*\.\.\.\(.*\{ (\w+): \{\s*$/.exec(line);
      for (const [, field, inline, expression] of line.matchAll(/(\w+): (?:\{ ([^}]*)\}|([^,{}]*v\[[^\]]+\][^,{}]*))/g)) {
        const pairs = inline === undefined ? [[field!, expression!]] : [...inline.matchAll(/(\w+): ([^,]*v\[[^\]]+\][^,]*)/g)].map(([, f, e]) => [`${field}.${f}`, e!]);
        for (const [path, text] of pairs) {
          for (const [, quoted, constant] of text!.matchAll(/v\[(?:'([^']+)'|(\w+))\]/g)) {
            const property = quoted ?? constants.get(constant!);
            if (property === undefined) continue;
            const fields = out.get(property) ?? new Set<string>();
            fields.add([...parents, path].slice(-2).join('.'));
            out.set(property, fields);
          }
        }
      }
      if (opened) parents.push(opened[1]!);
      else if (/^\s*\}+\)?\)?[,;]?\s*$/.test(line) && parents.length > 0) parents.pop();
    }
  }
  for (const [property, fields] of Object.entries(INDIRECT)) out.set(property, new Set(fields));
  return out;
}

/**
 * Whether `text` reads the field at `path`: a top-level field as `.field` or destructured; a nested
 * one (`ssl.mode`) as `.mode` in a file that also names its parent (`const ssl = config.database.ssl`).
 */
function readsField(text: string, path: string): boolean {
  const parts = path.split('.').map(escape);
  const last = parts[parts.length - 1]!;
  const access = new RegExp(`\\??\\.${last}\\b|\\{[^}=]*\\b${last}\\b[^}=]*\\}\\s*=`);
  return access.test(text) && parts.slice(0, -1).every((parent) => new RegExp(`\\b${parent}\\b`).test(text));
}

export function propertyUses(): PropertyUse[] {
  const src = join(repoRoot, 'src');
  const files = sourceFiles(src);
  const inConfig = (file: string): boolean => relative(src, file).startsWith('config');
  const fields = fieldsByProperty(files.filter(inConfig).map((file) => readFileSync(file, 'utf8')));
  const outside = files.filter((file) => !inConfig(file)).map((file) => ({ file: relative(repoRoot, file), text: readFileSync(file, 'utf8') }));
  const marked = markedProperties(ALL_AREAS).fixed;
  const sectionOf = new Map(Object.entries(CONNECTOR_AREAS).flatMap(([section, area]) => Object.keys(area.schema.shape).map((name) => [name, section] as const)));
  // A field name two sections share (`pollIntervalMs`) only counts when read through its section.
  const counts = new Map<string, number>();
  for (const paths of fields.values()) for (const path of paths) counts.set(path, (counts.get(path) ?? 0) + 1);
  const qualified = (property: string, path: string): string => ((counts.get(path) ?? 0) > 1 ? `${sectionOf.get(property)}.${path}` : path);
  return [...KNOWN_PROPERTIES].filter((property) => property !== 'name').sort().map((property) => {
    const own = [...(fields.get(property) ?? [])];
    const named = new RegExp(`['"\`]${escape(property)}['"\`]`);
    if (CHECKED_BY_SCHEMA.includes(property)) return { property, fields: own, readIn: ['(its schema check)'], noEffect: marked.get(property) };
    const readIn = outside
      .filter(({ text }) => named.test(text) || own.some((path) => readsField(text, qualified(property, path))))
      .map(({ file }) => file);
    return { property, fields: own, readIn, noEffect: marked.get(property) };
  });
}

if (process.argv[1]?.endsWith('property-reads.js')) {
  const uses = propertyUses();
  const unread = uses.filter((use) => use.readIn.length === 0 && use.noEffect === undefined);
  const marked = uses.filter((use) => use.noEffect !== undefined);
  for (const use of uses) {
    const state = use.noEffect !== undefined ? `no effect: ${use.noEffect}` : use.readIn.length > 0 ? `read: ${use.readIn.slice(0, 3).join(', ')}` : 'NOT READ';
    process.stdout.write(`${use.property}\t${use.fields.join(',') || '-'}\t${state}\n`);
  }
  process.stdout.write(`\n${uses.length} properties: ${uses.length - unread.length - marked.length} read, ${marked.length} marked no effect, ${unread.length} neither\n`);
}

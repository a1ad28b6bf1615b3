// Properties binlogd accepts, so Debezium connector files load unchanged, but that change nothing
// in what it does. The mark sits on the property's schema, next to its description; validate, the
// start-up log, docs/config.md and the REST plugin config all read it from there, so no property
// can do nothing silently.
import { z } from 'zod';
import type { ConfigArea } from './area.js';

const marks = z.registry<{ reason: string }>();

/** Marks a property schema as accepted without effect, with the reason a user is told. */
export function noEffect<T extends z.ZodType>(schema: T, reason: string): T {
  marks.add(schema, { reason });
  return schema;
}

/** The reason `schema` has no effect, or undefined when it does what it says. */
export function noEffectReason(schema: z.ZodType): string | undefined {
  return marks.get(schema)?.reason;
}

/** The text every surface shows for a marked property. */
export function noEffectText(reason: string): string {
  return `accepted, no effect: ${reason}`;
}

/** The sentence documentation puts before a marked property's description. */
export function noEffectNote(reason: string): string {
  return `Accepted, no effect: ${reason}.`;
}

/** Every marked property of `areas` (and of their no-effect families) with its reason. */
export function markedProperties(areas: readonly ConfigArea[]): { fixed: Map<string, string>; families: Map<string, string> } {
  const fixed = new Map<string, string>();
  const families = new Map<string, string>();
  for (const area of areas) {
    for (const [name, schema] of Object.entries(area.schema.shape)) {
      const reason = noEffectReason(schema as z.ZodType);
      if (reason !== undefined) fixed.set(name, reason);
    }
    for (const [prefix, reason] of Object.entries(area.noEffectPrefixes ?? {})) families.set(prefix, reason);
  }
  return { fixed, families };
}

export interface NoEffectUse {
  readonly property: string;
  readonly reason: string;
}

/** The marked properties among `properties`, in their order. */
export function noEffectUses(properties: Iterable<string>, areas: readonly ConfigArea[]): NoEffectUse[] {
  const { fixed, families } = markedProperties(areas);
  // A property some area reads by name is not part of a family (schema.history.internal.kafka.topic).
  const named = new Set(areas.flatMap((area) => Object.keys(area.schema.shape)));
  const uses: NoEffectUse[] = [];
  for (const property of properties) {
    const family = named.has(property) ? undefined : [...families].find(([prefix]) => property.startsWith(prefix));
    const reason = fixed.get(property) ?? family?.[1];
    if (reason !== undefined) uses.push({ property, reason });
  }
  return uses;
}

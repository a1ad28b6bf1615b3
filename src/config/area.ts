// The contract between a component's connector options and the connector schema that composes
// them: a zod object over the Kafka Connect property names (defaults, descriptions, allowed
// values), the property families it owns, and a mapping to the typed section the component reads.
import type { z } from 'zod';
import type { Severity } from './problems.js';

export interface Finding {
  readonly severity?: Severity;
  readonly property: string;
  readonly message: string;
}

/** Receives problems found while building a section (aliases, families, formats). */
export type Report = (finding: Finding) => void;

export interface ConfigArea<S extends z.ZodObject = z.ZodObject, Out = unknown> {
  /** Properties by their Kafka Connect names; parsing a property map yields typed values. */
  readonly schema: S;
  /** Property families accepted beyond the fixed names (`schema.history.internal.`, `transforms.`). */
  readonly prefixes?: readonly string[];
  /** Families of `prefixes` accepted without effect, each with the reason (see no-effect.ts). */
  readonly noEffectPrefixes?: Readonly<Record<string, string>>;
  /** Builds the typed section. Runs only when every property of the area parsed. */
  build(values: z.output<S>, raw: Readonly<Record<string, string>>, report: Report): Out;
  /** Families that only the values reveal, e.g. the aliases listed in `converters`. */
  dynamicPrefixes?(raw: Readonly<Record<string, string>>): string[];
}

export function defineArea<S extends z.ZodObject, Out>(area: ConfigArea<S, Out>): ConfigArea<S, Out> {
  return area;
}

/**
 * Adds a check across properties that runs even when other properties of the object failed (so
 * every problem is listed at once), but only when the properties it reads parsed.
 */
export function crossCheck<S extends z.ZodObject>(
  schema: S,
  reads: readonly string[],
  check: (values: z.output<S>) => Finding[],
): S {
  return schema.superRefine(
    (values, ctx) => {
      for (const finding of check(values)) {
        ctx.addIssue({ code: 'custom', path: [finding.property], message: finding.message, input: undefined });
      }
    },
    { when: (payload) => !payload.issues.some((issue) => reads.includes(String(issue.path?.[0]))) },
  );
}

/** The properties under `prefix`, keyed by the rest of their name, leaving out `except`. */
export function propertiesUnder(
  raw: Readonly<Record<string, string>>,
  prefix: string,
  except: readonly string[] = [],
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(raw)) {
    if (!name.startsWith(prefix)) continue;
    const rest = name.slice(prefix.length);
    if (rest !== '' && !except.includes(rest)) out[rest] = value;
  }
  return out;
}

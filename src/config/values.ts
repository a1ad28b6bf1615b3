// Property value builders shared by every component's config schema. Connector properties arrive
// as strings (Kafka Connect's model: the REST API and most files hold only strings), so each
// builder parses text the way Kafka Connect's ConfigDef does (trimmed, case-insensitive enums and
// booleans, comma lists) and gives every issue a message that says what is allowed; the
// validator prints those messages next to the property and its value.
import { z } from 'zod';

/** Kafka Connect trims values; an empty value means "not set" so the default applies. */
function blankToUndefined(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const trimmed = value.trim();
  return trimmed === '' ? undefined : trimmed;
}

function describe(text: string, fallback: unknown): string {
  return fallback === undefined ? text : `${text} Default: ${String(fallback)}.`;
}

/** Free text; `undefined` when unset. */
export function text(description: string) {
  return z.preprocess(blankToUndefined, z.string({ error: 'expected text' }).optional()).describe(description);
}

/** Free text with a default. */
export function textOr(fallback: string, description: string) {
  return z.preprocess(blankToUndefined, z.string({ error: 'expected text' }).default(fallback)).describe(describe(description, fallback));
}

/** Text that must be present (and, with `pattern`, match it). */
export function requiredText(description: string, pattern?: { regex: RegExp; allowed: string }) {
  let inner = z.string({ error: (issue) => (issue.input === undefined ? 'is required' : 'expected text') });
  if (pattern) inner = inner.regex(pattern.regex, { error: `expected ${pattern.allowed}` });
  return z.preprocess(blankToUndefined, inner).describe(description);
}

function toInteger(value: unknown): unknown {
  const v = blankToUndefined(value);
  return typeof v === 'string' && /^[+-]?\d+$/.test(v) ? Number(v) : v;
}

export interface IntOptions {
  min?: number;
  max?: number;
  /** Values inside the range that are still refused (Kafka's "-1 or positive" settings refuse 0). */
  except?: readonly number[];
  /** Replaces the generated description of what is allowed. */
  allowed?: string;
}

function integerAllowed({ min, max, allowed }: IntOptions): string {
  if (allowed !== undefined) return allowed;
  if (min !== undefined && max !== undefined) return `an integer from ${min} to ${max}`;
  if (min !== undefined) return `an integer >= ${min}`;
  if (max !== undefined) return `an integer <= ${max}`;
  return 'an integer';
}

function integerSchema(range: IntOptions) {
  const allowed = `expected ${integerAllowed(range)}`;
  let n = z.number({ error: allowed }).int({ error: allowed });
  if (range.min !== undefined) n = n.min(range.min, { error: allowed });
  if (range.max !== undefined) n = n.max(range.max, { error: allowed });
  const except = range.except ?? [];
  // Longs beyond 2^53 would silently lose precision as JS numbers.
  return n.refine((v) => Number.isSafeInteger(v) && !except.includes(v), { error: allowed });
}

/** An integer (Kafka INT or LONG) with a default. */
export function int(fallback: number, description: string, range: IntOptions = {}) {
  return z.preprocess(toInteger, integerSchema(range).default(fallback)).describe(describe(description, fallback));
}

/** An integer that may be unset. */
export function optionalInt(description: string, range: IntOptions = {}) {
  return z.preprocess(toInteger, integerSchema(range).optional()).describe(description);
}

function toBoolean(value: unknown): unknown {
  const v = blankToUndefined(value);
  if (typeof v !== 'string') return v;
  const lower = v.toLowerCase();
  return lower === 'true' ? true : lower === 'false' ? false : v;
}

export function bool(fallback: boolean, description: string) {
  return z.preprocess(toBoolean, z.boolean({ error: 'expected true or false' }).default(fallback)).describe(describe(description, fallback));
}

function toLower(value: unknown): unknown {
  const v = blankToUndefined(value);
  return typeof v === 'string' ? v.toLowerCase() : v;
}

export interface ChoiceOptions {
  /** Values Debezium used to accept, with the reason and the replacement, e.g. `schema_only`. */
  removed?: Readonly<Record<string, string>>;
}

function choiceError(values: readonly string[], options: ChoiceOptions) {
  const allowed = `expected one of ${values.join(', ')}`;
  return (issue: { input?: unknown }): string => {
    const hint = typeof issue.input === 'string' ? options.removed?.[issue.input] : undefined;
    return hint === undefined ? allowed : `${allowed} (${hint})`;
  };
}

/** An enumerated value, matched case-insensitively as Debezium's `EnumeratedValue.parse` does. */
export function choice<const T extends readonly [string, ...string[]]>(
  values: T,
  fallback: T[number],
  description: string,
  options: ChoiceOptions = {},
) {
  return z
    .preprocess(toLower, z.enum(values, { error: choiceError(values, options) }).default(fallback as never))
    .describe(describe(description, fallback));
}

export function optionalChoice<const T extends readonly [string, ...string[]]>(
  values: T,
  description: string,
  options: ChoiceOptions = {},
) {
  return z.preprocess(toLower, z.enum(values, { error: choiceError(values, options) }).optional()).describe(description);
}

/** Kafka's LIST type: comma separated, each item trimmed, empty items dropped. */
export function splitList(value: string): string[] {
  return value
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

export function list(description: string, fallback: readonly string[] = []) {
  return z
    .preprocess(blankToUndefined, z.string().optional())
    .transform((v) => (v === undefined ? [...fallback] : splitList(v)))
    .describe(fallback.length === 0 ? description : describe(description, fallback.join(',')));
}

/**
 * Splits a list of regular expressions on commas that are neither escaped (`\,`) nor inside
 * brackets, braces or parentheses, so `a{1,3}` and `[,;]` stay whole.
 */
export function splitRegexList(value: string): string[] {
  const items: string[] = [];
  let depth = 0;
  let current = '';
  for (let i = 0; i < value.length; i++) {
    const c = value[i]!;
    if (c === '\\' && value[i + 1] === ',') {
      current += ',';
      i++;
    } else if (c === '\\' && i + 1 < value.length) {
      current += c + value[i + 1];
      i++;
    } else if (c === ',' && depth === 0) {
      items.push(current);
      current = '';
    } else {
      if (c === '(' || c === '[' || c === '{') depth++;
      if ((c === ')' || c === ']' || c === '}') && depth > 0) depth--;
      current += c;
    }
  }
  items.push(current);
  return items.map((item) => item.trim()).filter((item) => item !== '');
}

/**
 * Debezium's filters match the whole name (`Pattern.matcher(name).matches()`) and ignore case
 * (`Strings.setOfRegex(…, Pattern.CASE_INSENSITIVE)`), so each pattern is anchored and gets `i`.
 */
export function compileAnchored(pattern: string): RegExp {
  return new RegExp(`^(?:${pattern})$`, 'i');
}

/** Why `pattern` is not a valid regular expression, or undefined when it is. */
export function regexProblem(pattern: string): string | undefined {
  try {
    new RegExp(pattern);
    new RegExp(`^(?:${pattern})$`); // a pattern like "a)|(b" only breaks once anchored
    return undefined;
  } catch (error) {
    return `"${pattern}" is not a valid regular expression (${(error as SyntaxError).message})`;
  }
}

/** Compiles a comma-separated list of patterns, anchored; `errors` says which ones are broken. */
export function compilePatternList(value: string): { patterns: RegExp[]; errors: string[] } {
  const patterns: RegExp[] = [];
  const errors: string[] = [];
  for (const pattern of splitRegexList(value)) {
    const problem = regexProblem(pattern);
    if (problem === undefined) patterns.push(compileAnchored(pattern));
    else errors.push(problem);
  }
  return { patterns, errors };
}

/** A comma-separated list of anchored regular expressions, compiled once here. */
export function regexList(description: string) {
  return z
    .preprocess(blankToUndefined, z.string().optional())
    .transform((v, ctx) => {
      if (v === undefined) return [];
      const { patterns, errors } = compilePatternList(v);
      for (const error of errors) ctx.addIssue({ code: 'custom', message: `${error}; expected comma-separated regular expressions` });
      return patterns;
    })
    .describe(description);
}

// Configuration problems as data: the validator, the daemon's start-up and the REST API all show
// the same list, and every entry says where (file, property), what (the value, redacted when it
// may be a secret) and what would be accepted instead.
import type { ConnectorConfig } from './connector.js';

export type Severity = 'error' | 'warning';

export interface Problem {
  readonly severity: Severity;
  /** The file the property came from, when it came from a file. */
  readonly file?: string;
  /** The property's name as the user wrote it (`database.port`, `http.port`). */
  readonly property?: string;
  /** The offending value as shown to people: never a secret (see `displayValue`). */
  readonly value?: string;
  /** What is wrong and what is allowed. */
  readonly message: string;
}

/**
 * Checks a parsed connector against the live server (settings, grants, reachability). The source
 * component provides the real one (`checkServer` in src/source/server-checks.ts); `validate --check`
 * runs it only after the file itself is valid.
 */
export type ServerChecker = (connector: ConnectorConfig) => Promise<Problem[]>;

export function hasErrors(problems: readonly Problem[]): boolean {
  return problems.some((p) => p.severity === 'error');
}

export function errorsOf(problems: readonly Problem[]): Problem[] {
  return problems.filter((p) => p.severity === 'error');
}

/** `file: error: property = "value": message`, the shape compilers and linters print. */
export function formatProblem(problem: Problem): string {
  const where = problem.file === undefined ? '' : `${problem.file}: `;
  let what = '';
  if (problem.property !== undefined) {
    what = problem.value === undefined ? `${problem.property}: ` : `${problem.property} = ${JSON.stringify(problem.value)}: `;
  }
  return `${where}${problem.severity}: ${what}${problem.message}`;
}

/** Errors first, then warnings; within each, the order the properties appear in the file. */
export function sortProblems(problems: readonly Problem[], order: readonly string[] = []): Problem[] {
  const rank = new Map(order.map((name, i) => [name, i]));
  const position = (p: Problem): number => (p.property === undefined ? -1 : (rank.get(p.property) ?? order.length));
  return problems
    .map((p, i) => ({ p, i }))
    .sort(
      (a, b) =>
        (a.p.severity === b.p.severity ? 0 : a.p.severity === 'error' ? -1 : 1) ||
        position(a.p) - position(b.p) ||
        a.i - b.i,
    )
    .map(({ p }) => p);
}

/** Prefixes every problem with the file it came from (problems are built before the file is known). */
export function inFile(problems: readonly Problem[], file: string | undefined): Problem[] {
  return file === undefined ? [...problems] : problems.map((p) => (p.file === undefined ? { ...p, file } : p));
}

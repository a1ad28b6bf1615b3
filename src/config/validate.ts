// `binlogd validate <connector.json>… [--config <worker.json>] [--check]`: reads the files, lists
// every problem, and with --check asks the server-checks component about the live server.
// Exit code 0 valid (warnings allowed), 1 invalid.
import { errorsOf, formatProblem, inFile, type Problem, type ServerChecker } from './problems.js';
import { loadConnectors } from './load.js';
import { LOCAL_PROVIDERS } from './providers.js';
import { loadWorkerConfig, providersOf, type WorkerConfig } from './worker.js';

export interface ValidateCommandOptions {
  /** Connector files or directories of them. */
  readonly paths: readonly string[];
  /** Worker config, for the config providers it enables; without one, env and file resolve as in the shell. */
  readonly workerFile?: string;
  readonly check?: boolean;
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Supplies the server checker for --check; resolves undefined when this build has none. */
  readonly loadChecker?: () => Promise<ServerChecker | undefined>;
  readonly write: (line: string) => void;
}

function count(problems: readonly Problem[]): string {
  const errors = errorsOf(problems).length;
  const warnings = problems.length - errors;
  const parts = [];
  if (errors > 0) parts.push(`${errors} error${errors === 1 ? '' : 's'}`);
  if (warnings > 0) parts.push(`${warnings} warning${warnings === 1 ? '' : 's'}`);
  return parts.join(', ');
}

export async function validateCommand(options: ValidateCommandOptions): Promise<number> {
  const { write } = options;
  let worker: WorkerConfig | undefined;
  if (options.workerFile !== undefined) {
    const loaded = loadWorkerConfig(options.workerFile, { env: options.env });
    for (const problem of loaded.problems) write(formatProblem(problem));
    if (!loaded.config) {
      write(`${options.workerFile}: invalid (${count(loaded.problems)})`);
      return 1;
    }
    worker = loaded.config;
  }

  const loaded = loadConnectors(options.paths, { env: options.env, providers: worker ? providersOf(worker) : LOCAL_PROVIDERS });
  for (const problem of loaded.problems) write(formatProblem(problem));
  let failed = errorsOf(loaded.problems).length > 0 || loaded.files.length === 0;
  for (const file of loaded.files) {
    const own = loaded.problems.filter((p) => p.file === file);
    const summary = count(own);
    const valid = errorsOf(own).length === 0;
    write(`${file}: ${valid ? 'valid' : 'invalid'}${summary === '' ? '' : ` (${summary})`}`);
  }
  if (failed || !options.check) return failed ? 1 : 0;

  const checker = await options.loadChecker?.();
  if (!checker) {
    write('error: --check is not available in this build');
    return 1;
  }
  for (const connector of loaded.connectors) {
    let problems: Problem[];
    try {
      problems = inFile(await checker(connector), connector.file);
    } catch (error) {
      problems = [{ severity: 'error', file: connector.file, message: `server check failed: ${(error as Error).message ?? String(error)}` }];
    }
    for (const problem of problems) write(formatProblem(problem));
    const bad = errorsOf(problems).length > 0;
    failed ||= bad;
    const summary = count(problems);
    write(`${connector.file ?? connector.name}: server check ${bad ? 'failed' : 'passed'}${summary === '' ? '' : ` (${summary})`}`);
  }
  return failed ? 1 : 0;
}

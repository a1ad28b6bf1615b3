#!/usr/bin/env node
// The `binlogd` command: argument parsing, nothing else.
import { existsSync } from 'node:fs';
import { connectorJsonSchema, validateCommand, workerJsonSchema, type ServerChecker } from './config/index.js';
import { binlogdVersion } from './version.js';

const USAGE = `Usage:
  binlogd run --config <worker.json> [--connectors <dir|file>...]
  binlogd validate <connector.json|dir>... [--config <worker.json>] [--check]
  binlogd config-schema [connector|worker]
  binlogd --version | --help`;

type Command = (args: string[]) => Promise<number>;

const run: Command = async (args) => {
  let workerFile: string | undefined;
  const connectorPaths: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--config' || arg === '-c') workerFile = args[++i];
    else if (arg === '--connectors') {
      while (args[i + 1] !== undefined && !args[i + 1]!.startsWith('-')) connectorPaths.push(args[++i]!);
    } else return usageError(`unknown option '${arg}' for run`);
  }
  if (workerFile === undefined) return usageError('run needs --config <worker.json>');
  const { runCommand } = await import('./runtime/run-command.js');
  // Exit explicitly: a clean shutdown has closed everything that matters, and a client library's
  // lingering timer must not keep the process alive.
  process.exit(await runCommand({ workerFile, connectorPaths }));
};

/** The source component's server checks, when this build has them (loaded only for --check). */
async function loadServerChecker(): Promise<ServerChecker | undefined> {
  const url = new URL('./source/server-checks.js', import.meta.url);
  try {
    const module = (await import(url.href)) as { checkServer?: unknown };
    return typeof module.checkServer === 'function' ? (module.checkServer as ServerChecker) : undefined;
  } catch (error) {
    if (existsSync(url)) process.stderr.write(`binlogd: cannot load the server checks: ${(error as Error).message}\n`);
    return undefined;
  }
}

function usageError(message: string): number {
  process.stderr.write(`binlogd: ${message}\n${USAGE}\n`);
  return 2;
}

const validate: Command = async (args) => {
  const paths: string[] = [];
  let workerFile: string | undefined;
  let check = false;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--check') check = true;
    else if (arg === '--config' || arg === '-c') {
      workerFile = args[++i];
      if (workerFile === undefined) return usageError('--config needs a file');
    } else if (arg.startsWith('--config=')) workerFile = arg.slice('--config='.length);
    else if (arg === '--help' || arg === '-h') {
      process.stdout.write(USAGE + '\n');
      return 0;
    } else if (arg.startsWith('-')) return usageError(`unknown option '${arg}' for validate`);
    else paths.push(arg);
  }
  if (paths.length === 0) return usageError('validate needs a connector file');
  return validateCommand({
    paths,
    workerFile,
    check,
    write: (line) => process.stdout.write(line + '\n'),
    loadChecker: loadServerChecker,
  });
};

const configSchema: Command = async (args) => {
  const which = args[0] ?? 'connector';
  if (which !== 'connector' && which !== 'worker') return usageError(`config-schema takes 'connector' or 'worker', not '${which}'`);
  const schema = which === 'worker' ? workerJsonSchema() : connectorJsonSchema();
  process.stdout.write(JSON.stringify(schema, null, 2) + '\n');
  return 0;
};

const commands: Record<string, Command> = {
  run,
  validate,
  'config-schema': configSchema,
};

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === '--version' || name === '-v') {
    process.stdout.write(`binlogd ${binlogdVersion()}\n`);
    return 0;
  }
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(USAGE + '\n');
    return name === undefined ? 2 : 0;
  }
  const command = commands[name];
  if (!command) {
    process.stderr.write(`binlogd: unknown command '${name}'\n${USAGE}\n`);
    return 2;
  }
  return command(rest);
}

process.exitCode = await main(process.argv.slice(2));

#!/usr/bin/env node
// The `binlogd` command: argument parsing, nothing else.
import { readFileSync } from 'node:fs';

const USAGE = `Usage:
  binlogd run --config <worker.json> [--connectors <dir|file>...]
  binlogd validate <connector.json> [--config <worker.json>] [--check]
  binlogd --version | --help`;

type Command = (args: string[]) => Promise<number>;

// The daemon and the validator arrive with the streaming work (issue 3); until then say so plainly.
const notYet = (name: string): Command => async () => {
  process.stderr.write(`binlogd ${name}: not available in this build yet\n`);
  return 1;
};

const commands: Record<string, Command> = {
  run: notYet('run'),
  validate: notYet('validate'),
};

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === '--version' || name === '-v') {
    process.stdout.write(`binlogd ${version()}\n`);
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

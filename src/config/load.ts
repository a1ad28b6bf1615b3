// Reading connector files from disk: one file, or every `*.json` of a directory. Connector names
// must be unique across everything loaded (they key offsets, transactional ids and REST paths).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseConnector, type ConnectorConfig, type ParseOptions, type ParseResult } from './connector.js';
import type { Problem } from './problems.js';

export type LoadOptions = Omit<ParseOptions, 'file'>;

export function loadConnectorFile(file: string, options: LoadOptions = {}): ParseResult {
  let document: unknown;
  try {
    document = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const message =
      code === 'ENOENT' ? 'file not found' : code !== undefined ? `cannot read the file (${code})` : `not valid JSON: ${(error as Error).message}`;
    return { problems: [{ severity: 'error', file, message }] };
  }
  return parseConnector(document, { ...options, file });
}

/** The connector files a path names: the file itself, or a directory's `*.json`, sorted. */
export function connectorFiles(path: string): { files: string[]; problems: Problem[] } {
  let isDirectory: boolean;
  try {
    isDirectory = statSync(path).isDirectory();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return { files: [], problems: [{ severity: 'error', file: path, message: code === 'ENOENT' ? 'file not found' : `cannot read it (${code})` }] };
  }
  if (!isDirectory) return { files: [path], problems: [] };
  const files = readdirSync(path)
    .filter((name) => name.endsWith('.json'))
    .sort()
    .map((name) => join(path, name));
  const problems: Problem[] = files.length === 0 ? [{ severity: 'warning', file: path, message: 'holds no *.json connector files' }] : [];
  return { files, problems };
}

export interface LoadResult {
  /** The valid connectors; a file with errors is left out (and its errors are in `problems`). */
  readonly connectors: ConnectorConfig[];
  /** The files read, in order, whether valid or not. */
  readonly files: string[];
  readonly problems: Problem[];
}

/** Loads files and directories of connector files. Callers start nothing if any problem is an error. */
export function loadConnectors(paths: readonly string[], options: LoadOptions = {}): LoadResult {
  const connectors: ConnectorConfig[] = [];
  const files: string[] = [];
  const problems: Problem[] = [];
  const byName = new Map<string, string>();
  for (const path of paths) {
    const found = connectorFiles(path);
    problems.push(...found.problems);
    for (const file of found.files) {
      files.push(file);
      const result = loadConnectorFile(file, options);
      problems.push(...result.problems);
      if (!result.config) continue;
      const first = byName.get(result.config.name);
      if (first !== undefined) {
        problems.push({ severity: 'error', file, property: 'name', value: result.config.name, message: `is also the name of the connector in ${first}; connector names must be unique` });
        continue;
      }
      byName.set(result.config.name, file);
      connectors.push(result.config);
    }
  }
  return { connectors, files, problems };
}

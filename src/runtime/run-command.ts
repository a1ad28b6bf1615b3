// `binlogd run`: loads the worker config and the connector files, starts the REST API and every
// connector, and on SIGTERM/SIGINT stops reading, flushes to Kafka, commits the offsets, closes the
// REST API and exits 0. A second signal exits at once.
import { formatProblem, hasErrors, loadConnectors, loadWorkerConfig } from '../config/index.js';
import { providersOf } from '../config/worker.js';
import { startRestServer, type RestServer } from '../http/server.js';
import { binlogdVersion } from '../version.js';
import { createLogger } from './logger.js';
import { createSummaryLogger } from './summary.js';
import { createWorker } from './worker.js';
import { serverIdClashes } from './server-id-clash.js';

const SHUTDOWN_TIMEOUT_MS = 10_000;
const SUMMARY_INTERVAL_MS = 30_000;

export interface RunOptions {
  workerFile: string;
  connectorPaths: readonly string[];
}

export async function runCommand(options: RunOptions): Promise<number> {
  const loaded = loadWorkerConfig(options.workerFile);
  const problems = [...loaded.problems];
  const connectors = loaded.config
    ? loadConnectors(options.connectorPaths, { providers: providersOf(loaded.config) })
    : undefined;
  problems.push(...(connectors?.problems ?? []));
  for (const problem of problems) process.stderr.write(formatProblem(problem) + '\n');
  if (!loaded.config || !connectors || hasErrors(problems)) {
    process.stderr.write('binlogd: not started: fix the problems above\n');
    return 1;
  }
  if (connectors.connectors.length === 0) {
    process.stderr.write(`binlogd: no connector files found in ${options.connectorPaths.join(', ') || '(none given)'}\n`);
  }

  const clashes = serverIdClashes(connectors.connectors);
  for (const clash of clashes) process.stderr.write(`error: ${clash.message}\n`);
  if (clashes.length > 0) {
    process.stderr.write('binlogd: not started: fix the problems above\n');
    return 1;
  }

  const logger = createLogger(loaded.config.log.level);
  const version = binlogdVersion();
  const worker = createWorker({ config: loaded.config, connectors: connectors.connectors, logger, version });
  const { http } = loaded.config;
  let rest: RestServer;
  try {
    rest = await startRestServer({
      host: http.host, port: http.port, ...(http.authToken ? { authToken: http.authToken } : {}),
      context: { worker, providers: providersOf(loaded.config), version, logger }, clusterId: worker.kafkaClusterId,
    });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    process.stderr.write(`binlogd: cannot serve the REST API on ${http.host}:${http.port} (${code ?? (error as Error).message}): set http.port (or BINLOGD_HTTP_PORT) to a free port\n`);
    await worker.stop();
    return 1;
  }
  logger.info({ url: rest.url, port: rest.port, auth: http.authToken !== undefined }, 'REST API listening');
  logger.info({ connectors: connectors.connectors.map((c) => c.name) }, 'starting');
  // Signals are handled from the start: one during start-up stops the connectors once their
  // start settles (each connector runs its lifecycle operations in order).
  void worker.start();
  // A periodic summary per connector instead of a line per row; it also keeps the daemon alive
  // when every connector has failed, so operators can see why.
  const summarize = createSummaryLogger(logger);
  const summary = setInterval(() => void summarize(worker.connectors.values()), SUMMARY_INTERVAL_MS);

  return new Promise<number>((resolve) => {
    let stopping = false;
    const onSignal = (signal: NodeJS.Signals) => {
      if (stopping) {
        logger.warn({ signal }, 'second signal: exiting without a clean shutdown');
        process.exit(1);
      }
      stopping = true;
      clearInterval(summary);
      logger.info({ signal }, 'shutting down');
      const timer = setTimeout(() => {
        logger.error('clean shutdown took longer than 10 s; exiting');
        process.exit(1);
      }, SHUTDOWN_TIMEOUT_MS);
      timer.unref();
      // Reverse order of start: connectors (source, queue, sink flush, offsets, producer), then HTTP.
      void worker.stop().then(() => rest.close()).then(() => {
        clearTimeout(timer);
        logger.info('stopped');
        resolve(0);
      });
    };
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
  });
}

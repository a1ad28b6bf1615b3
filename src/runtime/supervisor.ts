// Runs one connector through its states (connector-state.ts): starts sessions, pauses, resumes,
// stops, restarts, and retries retriable failures with Debezium's errors.max.retries and
// retriable.restart.connector.wait.ms. Every session starts the same way, from the stored offset,
// so crash recovery, restart and resume are one path. A failure stays inside its connector.
//
// Lifecycle operations run one at a time (a queue), so REST calls arriving together cannot
// interleave a start with a stop. A retry wait is cut short when the operator changes the target.
import type { ConnectorConfig } from '../config/index.js';
import { BinlogdError, asBinlogdError } from '../errors.js';
import * as metrics from '../metrics/registry.js';
import { sleep } from './backoff.js';
import { CONNECTOR_STATES, canMove, shouldRetry, type ConnectorState, type RetryPolicy, type TargetState } from './connector-state.js';
import type { Logger } from './logger.js';
import type { SnapshotProgressReport } from './snapshot-progress.js';

/** One run of a connector, from start to stop; never started twice (connector.ts). */
export interface Session {
  /** Resolves once streaming; rejects with the reason it could not start (resources released). */
  start(): Promise<void>;
  /** Stops reading, flushes, commits the offset and releases everything. Idempotent. */
  stop(): Promise<void>;
  summary(): Record<string, unknown>;
  /** The snapshot this session runs or ran, if any. */
  snapshotProgress?(): SnapshotProgressReport | null;
}

/** How a session reports to its supervisor. */
export interface SessionHooks {
  /** A failure after the session started (failures of start() are its rejection). */
  onFailure(error: BinlogdError): void;
  /**
   * The session is connected and at work, though start() has not returned: its initial snapshot
   * runs. Kafka Connect shows a task RUNNING once its start() returned, and Debezium's returns
   * before the snapshot (it runs on the coordinator's thread), so a snapshot shows as RUNNING.
   */
  onRunning(): void;
}

export type SessionFactory = (config: ConnectorConfig, hooks: SessionHooks) => Session;

export interface SupervisorOptions {
  config: ConnectorConfig;
  /** Connect's initial_state; default RUNNING. */
  target?: TargetState;
  createSession: SessionFactory;
  logger: Logger;
  /** A session that ran this long counts as healthy: the retry count starts over. Default 60 s. */
  healthyRunMs?: number;
}

export interface ConnectorStatus {
  state: ConnectorState;
  /** The failure while FAILED or RESTARTING after one (Connect's `trace`). */
  trace?: string;
  /** The progress of a snapshot while one runs. */
  snapshot?: SnapshotProgressReport;
}

const HEALTHY_RUN_MS = 60_000;

export class ConnectorSupervisor {
  private current: ConnectorState = 'UNASSIGNED';
  private wanted: TargetState;
  private failure: BinlogdError | null = null;
  private session: Session | null = null;
  /** A session whose start (a snapshot can take hours) has not returned yet. */
  private starting: Session | null = null;
  /** A starting session told to stop (abortStart): it must not become the running one. */
  private abandoned: Session | null = null;
  private queue: Promise<void> = Promise.resolve();
  private retryWait: AbortController | null = null;
  private attempts = 0;
  private runningSince = 0;
  private closed = false;
  private log: Logger;
  private markSettled!: () => void;
  /** Resolves once the first start attempt settled (RUNNING, RESTARTING, FAILED, PAUSED or STOPPED). */
  readonly firstSettled = new Promise<void>((resolve) => { this.markSettled = resolve; });

  constructor(private settings: SupervisorOptions) {
    this.wanted = settings.target ?? 'RUNNING';
    this.log = settings.logger.child({ connector: settings.config.name });
    this.publish();
  }

  get name(): string {
    return this.settings.config.name;
  }

  get config(): ConnectorConfig {
    return this.settings.config;
  }

  get state(): ConnectorState {
    return this.current;
  }

  get target(): TargetState {
    return this.wanted;
  }

  status(): ConnectorStatus {
    const showTrace = this.failure && (this.current === 'FAILED' || this.current === 'RESTARTING');
    const snapshot = this.current === 'RUNNING' ? (this.session ?? this.starting)?.snapshotProgress?.() : null;
    return {
      state: this.current,
      ...(showTrace ? { trace: traceOf(this.failure!) } : {}),
      ...(snapshot?.state === 'running' ? { snapshot } : {}),
    };
  }

  summary(): Record<string, unknown> {
    return {
      state: this.current,
      ...((this.session ?? this.starting)?.summary() ?? {}),
      ...(this.failure ? { error: this.failure.message, code: this.failure.code } : {}),
    };
  }

  /** Moves towards the target state; resolves once settled (RUNNING, PAUSED, STOPPED or FAILED). */
  start(): Promise<void> {
    return this.enqueue(() => this.reconcile());
  }

  /** PUT pause/resume/stop: takes effect in the background; the returned promise settles with it. */
  setTarget(target: TargetState): Promise<void> {
    this.wanted = target;
    this.retryWait?.abort();
    if (target !== 'RUNNING') this.abortStart();
    return this.enqueue(() => this.reconcile());
  }

  /**
   * POST restart: a new session from the stored offset, when the target is RUNNING. With
   * `onlyFailed`, only a FAILED connector restarts. Returns whether a restart will happen.
   */
  restart(options: { onlyFailed?: boolean } = {}): { restarting: boolean; done: Promise<void> } {
    const restarting = this.wanted === 'RUNNING' && (!options.onlyFailed || this.current === 'FAILED');
    if (!restarting) return { restarting, done: Promise.resolve() };
    this.retryWait?.abort();
    this.abortStart();
    const done = this.enqueue(async () => {
      await this.release();
      this.attempts = 0;
      this.failure = null;
      this.move('RESTARTING');
      await this.reconcile();
    });
    return { restarting, done };
  }

  /** PUT config on an existing connector: the new config takes effect in a new session. */
  reconfigure(config: ConnectorConfig): Promise<void> {
    this.retryWait?.abort();
    // Shown at once (GET config, the PUT answer); the running session keeps its own until replaced.
    this.settings = { ...this.settings, config };
    this.abortStart();
    return this.enqueue(async () => {
      await this.release();
      this.attempts = 0;
      this.failure = null;
      if (this.current !== 'PAUSED' && this.current !== 'STOPPED') this.move('UNASSIGNED');
      await this.reconcile();
    });
  }

  /**
   * Worker shutdown and DELETE: stops the session (flushing and committing) and starts nothing
   * after. With `forget`, the connector's metric series go too.
   */
  close(options: { forget?: boolean } = {}): Promise<void> {
    this.closed = true;
    this.retryWait?.abort();
    this.abortStart();
    return this.enqueue(async () => {
      await this.release();
      if (options.forget) {
        metrics.connectorUp.remove({ connector: this.name });
        for (const state of CONNECTOR_STATES) metrics.connectorState.remove({ connector: this.name, state });
      }
    });
  }

  /**
   * Stops a session that is still starting (e.g. in its initial snapshot) so a pause, stop,
   * restart, new config or shutdown need not wait for its start: what it committed stays, the
   * rest resumes in the next session.
   */
  private abortStart(): void {
    if (!this.starting) return;
    this.abandoned = this.starting;
    void this.starting.stop().catch(() => undefined);
  }

  private enqueue(operation: () => Promise<void>): Promise<void> {
    const run = this.queue.then(operation);
    // One failed operation must not block the ones queued after it.
    this.queue = run.catch((error) => this.log.error({ err: error }, 'connector lifecycle operation failed'));
    return this.queue;
  }

  private async reconcile(): Promise<void> {
    if (this.closed) return;
    if (this.wanted !== 'RUNNING') {
      await this.release();
      this.move(this.wanted);
      return;
    }
    if (this.session) return;
    await this.runSession();
  }

  /** Starts a session; on a retriable failure waits and tries again, within errors.max.retries. */
  private async runSession(): Promise<void> {
    for (;;) {
      if (this.closed || this.wanted !== 'RUNNING') return;
      this.move('UNASSIGNED');
      const session: Session = this.settings.createSession(this.settings.config, {
        onFailure: (error) => this.onSessionFailure(session, error),
        onRunning: () => this.onSessionRunning(session),
      });
      this.starting = session;
      try {
        await session.start();
      } catch (error) {
        await session.stop().catch(() => undefined);
        if (this.current === 'RUNNING') this.forgetAttemptsIfHealthy();
        if (await this.retryAfter(asBinlogdError(error))) continue;
        return;
      } finally {
        this.starting = null;
      }
      // Paused, stopped, restarted or shut down while starting: the operation queued behind this one settles it.
      if (this.closed || this.wanted !== 'RUNNING' || this.abandoned === session) {
        await session.stop().catch(() => undefined);
        return;
      }
      this.session = session;
      if (this.current !== 'RUNNING') this.runningSince = Date.now();
      this.failure = null;
      this.move('RUNNING');
      return;
    }
  }

  /**
   * Not queued: the queue is busy with this very start. A pause, stop, restart or shutdown asked
   * meanwhile already changed the target, closed or abandoned the session, and RUNNING is not
   * shown for a session on its way out.
   */
  private onSessionRunning(session: Session): void {
    if (session !== this.starting || session === this.abandoned || this.closed || this.wanted !== 'RUNNING') return;
    this.runningSince = Date.now();
    this.failure = null;
    this.move('RUNNING');
  }

  /** A session that ran long enough (a snapshot of hours, say) counts as healthy: retries start over. */
  private forgetAttemptsIfHealthy(): void {
    if (Date.now() - this.runningSince >= (this.settings.healthyRunMs ?? HEALTHY_RUN_MS)) this.attempts = 0;
  }

  private onSessionFailure(session: Session, error: BinlogdError): void {
    if (session !== this.session) return; // failures while starting are handled by runSession
    void this.enqueue(async () => {
      if (session !== this.session) return;
      this.session = null;
      this.forgetAttemptsIfHealthy();
      await session.stop().catch(() => undefined);
      if (await this.retryAfter(error)) await this.runSession();
    });
  }

  /** Records the failure; true when a retry should follow (after waiting), false when FAILED. */
  private async retryAfter(error: BinlogdError): Promise<boolean> {
    this.failure = error;
    if (this.closed) return false;
    const { errors } = this.settings.config.connect;
    const policy: RetryPolicy = { maxRetries: errors.maxRetries, waitMs: errors.retriableRestartWaitMs };
    if (this.wanted !== 'RUNNING') {
      this.move(this.wanted);
      return false;
    }
    if (!shouldRetry(error.retriable, this.attempts, policy)) {
      this.move('FAILED');
      const why = error.retriable ? `errors.max.retries=${policy.maxRetries} retries used up` : 'the error is not retriable';
      this.log.error({ code: error.code, attempts: this.attempts }, `connector FAILED (${why}): ${error.message}; fix the cause, then POST /connectors/${this.name}/restart`);
      return false;
    }
    this.attempts += 1;
    this.move('RESTARTING');
    this.log.warn(
      { code: error.code, attempt: this.attempts, maxRetries: policy.maxRetries, waitMs: policy.waitMs },
      `retriable failure; restarting from the stored offset in ${policy.waitMs} ms (retriable.restart.connector.wait.ms)`,
    );
    const wait = (this.retryWait = new AbortController());
    try {
      await sleep(policy.waitMs, wait.signal);
    } catch {
      return false; // the target changed or the worker stops; the queued operation takes over
    } finally {
      this.retryWait = null;
    }
    return !this.closed && this.wanted === 'RUNNING';
  }

  private async release(): Promise<void> {
    const session = this.session;
    this.session = null;
    if (session) await session.stop().catch((error) => this.log.error({ err: error }, 'the connector did not stop cleanly'));
  }

  private move(to: ConnectorState): void {
    if (to === this.current) return;
    if (!canMove(this.current, to)) {
      throw new BinlogdError('INTERNAL', `connector ${this.name}: illegal state change ${this.current} -> ${to}`);
    }
    this.log.info({ from: this.current, to }, `state ${to}`);
    this.current = to;
    this.publish();
    if (to !== 'UNASSIGNED') this.markSettled();
  }

  private publish(): void {
    const connector = this.name;
    metrics.connectorUp.set({ connector }, this.current === 'RUNNING' ? 1 : 0);
    for (const state of CONNECTOR_STATES) metrics.connectorState.set({ connector, state }, state === this.current ? 1 : 0);
  }
}

/** Connect's `trace` is a Java stack trace; ours is the error chain: code, message, causes. */
export function traceOf(error: BinlogdError): string {
  const lines = [`${error.code}: ${error.message}`];
  let cause: unknown = error.cause;
  for (let depth = 0; cause !== undefined && cause !== null && depth < 5; depth++) {
    const e = cause as { name?: unknown; code?: unknown; message?: unknown; cause?: unknown };
    lines.push(`Caused by: ${String(e.name ?? 'Error')}${e.code === undefined ? '' : ` (${String(e.code)})`}: ${String(e.message ?? cause)}`);
    cause = e.cause;
  }
  return lines.join('\n');
}

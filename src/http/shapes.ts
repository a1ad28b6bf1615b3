// Kafka Connect's REST bodies (ConnectorInfo, ConnectorStateInfo, TaskInfo) built from a
// supervised connector. binlogd runs each connector as one task, so every body carries task 0.
// Configs are shown as written, with secrets hidden: a `${provider:…}` reference is shown as the
// reference (what Connect shows, and not a secret), any other value of a secret-named or
// reference-holding property as `[hidden]`; a resolved secret is never shown.
import { HIDDEN, hasReference, isSecretName, redact, type ConnectorConfig } from '../config/index.js';
import type { ConnectorState } from '../runtime/connector-state.js';
import type { SnapshotProgressReport } from '../runtime/snapshot-progress.js';
import type { ConnectorSupervisor } from '../runtime/supervisor.js';

export interface TaskState {
  id: number;
  state: ConnectorState;
  worker_id: string;
  trace?: string;
}

export interface ConnectorStateInfo {
  name: string;
  connector: { state: ConnectorState; worker_id: string; trace?: string };
  tasks: TaskState[];
  type: 'source';
  /**
   * binlogd's own, present only while a snapshot runs: its progress. Connect has no such field;
   * Connect clients (kcctl, Kafka UIs) read the fields they know and skip others.
   */
  snapshot?: SnapshotProgressReport;
}

export interface ConnectorInfo {
  name: string;
  config: Record<string, string>;
  tasks: Array<{ connector: string; task: number }>;
  type: 'source';
}

export function displayConfig(config: ConnectorConfig): Record<string, string> {
  const written = config.written;
  if (!written) return redact(config);
  const out: Record<string, string> = {};
  for (const [property, value] of Object.entries(written)) {
    if (hasReference(value)) out[property] = value;
    else out[property] = config.secretProperties.has(property) || isSecretName(property) ? HIDDEN : value;
  }
  return out;
}

/** A STOPPED connector has no tasks (KIP-875), as Connect shows it. */
function hasTask(supervisor: ConnectorSupervisor): boolean {
  return supervisor.state !== 'STOPPED';
}

export function connectorInfo(supervisor: ConnectorSupervisor): ConnectorInfo {
  const { name } = supervisor;
  return { name, config: displayConfig(supervisor.config), tasks: hasTask(supervisor) ? [{ connector: name, task: 0 }] : [], type: 'source' };
}

export function taskState(supervisor: ConnectorSupervisor, workerId: string, override?: ConnectorState): TaskState {
  const status = supervisor.status();
  return { id: 0, state: override ?? status.state, worker_id: workerId, ...(status.trace && !override ? { trace: status.trace } : {}) };
}

/** `override` shows a state about to be entered (RESTARTING in a restart's 202 answer). */
export function connectorStateInfo(supervisor: ConnectorSupervisor, workerId: string, override?: ConnectorState): ConnectorStateInfo {
  const status = supervisor.status();
  return {
    name: supervisor.name,
    connector: { state: override ?? status.state, worker_id: workerId, ...(status.trace && !override ? { trace: status.trace } : {}) },
    tasks: hasTask(supervisor) ? [taskState(supervisor, workerId, override)] : [],
    type: 'source',
    ...(status.snapshot && !override ? { snapshot: status.snapshot } : {}),
  };
}

/** The `n-0` id Connect uses in task messages. */
export function taskId(name: string, task: number | string): string {
  return `${name}-${task}`;
}

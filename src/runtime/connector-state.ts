// A connector's states as Kafka Connect reports them (AbstractStatus.State plus STOPPED from
// KIP-875), and which moves between them are legal. Pure: the supervisor asks before it moves, so a
// bug shows up as an INTERNAL error naming the move instead of a status nobody can explain.

export const CONNECTOR_STATES = ['UNASSIGNED', 'RUNNING', 'PAUSED', 'STOPPED', 'FAILED', 'RESTARTING'] as const;
export type ConnectorState = (typeof CONNECTOR_STATES)[number];

/** What the operator asked for (Connect's TargetState); the supervisor moves the state towards it. */
export const TARGET_STATES = ['RUNNING', 'PAUSED', 'STOPPED'] as const;
export type TargetState = (typeof TARGET_STATES)[number];

/**
 * UNASSIGNED: a session is starting (Connect shows it until the task runs). RESTARTING: between
 * sessions, after a retriable failure or on POST restart. PAUSED and STOPPED both hold no session:
 * PAUSED differs only in that offsets may not be altered (Connect's rule), so resume is cheap to
 * reason about — it is a start from the stored offset like every other start.
 */
const MOVES: Readonly<Record<ConnectorState, readonly ConnectorState[]>> = {
  UNASSIGNED: ['RUNNING', 'FAILED', 'RESTARTING', 'PAUSED', 'STOPPED'],
  RUNNING: ['PAUSED', 'STOPPED', 'FAILED', 'RESTARTING', 'UNASSIGNED'],
  PAUSED: ['UNASSIGNED', 'STOPPED', 'RESTARTING'],
  STOPPED: ['UNASSIGNED', 'PAUSED', 'RESTARTING'],
  FAILED: ['UNASSIGNED', 'RESTARTING', 'PAUSED', 'STOPPED'],
  RESTARTING: ['UNASSIGNED', 'FAILED', 'PAUSED', 'STOPPED'],
};

export function canMove(from: ConnectorState, to: ConnectorState): boolean {
  return from === to || MOVES[from].includes(to);
}

export function isTargetState(value: unknown): value is TargetState {
  return typeof value === 'string' && (TARGET_STATES as readonly string[]).includes(value);
}

export interface RetryPolicy {
  /** errors.max.retries: -1 without limit, 0 never. */
  maxRetries: number;
  /** retriable.restart.connector.wait.ms */
  waitMs: number;
}

/**
 * Whether a failure is retried, given how many retries already ran since the connector last ran
 * healthily. Debezium's rule (BaseSourceTask): only retriable errors, at most errors.max.retries.
 */
export function shouldRetry(retriable: boolean, attempts: number, policy: RetryPolicy): boolean {
  if (!retriable) return false;
  return policy.maxRetries < 0 || attempts < policy.maxRetries;
}

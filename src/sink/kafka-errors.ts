// Kafka client errors -> BinlogdError codes, decided by the fields kafkajs puts on its errors
// (`name` = class, `type` = Kafka protocol error name, `retriable`, `cause`, `errors`), never by
// message text. Pure and kafkajs-free so it can be tested with plain objects; only
// kafka-client.ts calls it, on what kafkajs throws.
import { BinlogdError, type ErrorCode } from '../errors.js';

interface Verdict {
  code: ErrorCode;
  retriable: boolean;
}

/**
 * The producer lost its identity to a newer one (same transactional.id) or to expiry; it must be
 * recreated. Kafka >= 2.7 answers old request versions (which kafkajs speaks) with
 * INVALID_PRODUCER_EPOCH where newer clients see PRODUCER_FENCED (KIP-588).
 */
const FENCED_TYPES = new Set([
  'INVALID_PRODUCER_EPOCH',
  'PRODUCER_FENCED',
  'INVALID_PRODUCER_ID_MAPPING',
  'TRANSACTION_COORDINATOR_FENCED',
]);

/** The broker refused the request itself: retrying the same records or settings cannot help. */
const REJECTED_TYPES = new Set([
  'MESSAGE_TOO_LARGE',
  'RECORD_LIST_TOO_LARGE',
  'INVALID_RECORD',
  'INVALID_TIMESTAMP',
  'INVALID_REQUIRED_ACKS',
  'INVALID_TOPIC_EXCEPTION',
  'INVALID_PARTITIONS',
  'INVALID_REPLICATION_FACTOR',
  'INVALID_REPLICA_ASSIGNMENT',
  'INVALID_CONFIG',
  'INVALID_REQUEST',
  'INVALID_TRANSACTION_TIMEOUT',
  'POLICY_VIOLATION',
  'UNSUPPORTED_VERSION',
  'UNSUPPORTED_FOR_MESSAGE_FORMAT',
  'UNSUPPORTED_COMPRESSION_TYPE',
  'TOPIC_AUTHORIZATION_FAILED',
  'GROUP_AUTHORIZATION_FAILED',
  'CLUSTER_AUTHORIZATION_FAILED',
  'TRANSACTIONAL_ID_AUTHORIZATION_FAILED',
  'SASL_AUTHENTICATION_FAILED',
  'UNSUPPORTED_SASL_MECHANISM',
  'ILLEGAL_SASL_STATE',
]);

/**
 * The producer's sequence/transaction state no longer matches the broker's. Fatal for this
 * producer, but a fresh producer resuming from the stored offset recovers (at-least-once resend,
 * or an aborted transaction), so the supervisor may retry.
 */
const PRODUCER_STATE_TYPES = new Set([
  'OUT_OF_ORDER_SEQUENCE_NUMBER',
  'DUPLICATE_SEQUENCE_NUMBER',
  'UNKNOWN_PRODUCER_ID',
  'INVALID_TXN_STATE',
]);

/**
 * Node's codes for a broker certificate that did not verify (kafkajs keeps them as `code` on its
 * connection error): retrying cannot help, the trust settings must change.
 */
const TLS_VERIFY_CODES = new Set([
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_UNTRUSTED',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_SIGNATURE_FAILURE',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

// binlogd checks each record against max.request.size and its topic's max.message.bytes (read
// once per topic) before sending, so this is a limit changed since, or not readable then.
const TOO_LARGE_HINT = 'a record batch was over a topic\'s max.message.bytes (or the broker\'s message.max.bytes). ' +
  'Raise max.message.bytes of the topic, or set producer.override.max.request.size below it, then restart the connector: ' +
  'records over the limit are then refused one by one, per errors.tolerance, with their table and position';

/** What to change for each refusal, in the words of the worker config and the ACLs docs/security.md lists. */
const PROTOCOL_HINTS: Readonly<Record<string, string>> = {
  MESSAGE_TOO_LARGE: TOO_LARGE_HINT,
  RECORD_LIST_TOO_LARGE: TOO_LARGE_HINT,
  TOPIC_AUTHORIZATION_FAILED: 'the principal lacks a Topic ACL: it needs CREATE, WRITE and DESCRIBE on the topics under the connector\'s topic.prefix (and its side topics), and CREATE, READ, WRITE, DESCRIBE and DESCRIBE_CONFIGS on the offsets topic (docs/security.md lists every ACL)',
  TRANSACTIONAL_ID_AUTHORIZATION_FAILED: 'the principal lacks a TransactionalId ACL: exactly-once delivery needs WRITE and DESCRIBE on the transactional id binlogd-<connector name> (docs/security.md lists every ACL)',
  CLUSTER_AUTHORIZATION_FAILED: 'the principal lacks a Cluster ACL: it needs IDEMPOTENT_WRITE and DESCRIBE on the cluster resource kafka-cluster (docs/security.md lists every ACL)',
  GROUP_AUTHORIZATION_FAILED: 'the principal lacks a Group ACL: reading the offsets topic needs READ on groups prefixed <kafka.clientId>-reader- (docs/security.md lists every ACL)',
};

/** kafkajs classes (by `name`) that mean the cluster could not be reached or did not answer in time. */
const UNREACHABLE_NAMES = new Set([
  'KafkaJSConnectionError',
  'KafkaJSConnectionClosedError',
  'KafkaJSRequestTimeoutError',
  'KafkaJSBrokerNotFound',
  'KafkaJSNoBrokerAvailableError',
  'KafkaJSMetadataNotLoaded',
  'KafkaJSTopicMetadataNotLoaded',
  'KafkaJSStaleTopicMetadataAssignment',
  'KafkaJSGroupCoordinatorNotFound',
  'KafkaJSTimeout',
  'KafkaJSLockTimeout',
]);

/** kafkajs classes that mean we are not allowed in, or the broker cannot speak what we need. */
const REJECTED_NAMES = new Set(['KafkaJSSASLAuthenticationError', 'KafkaJSServerDoesNotSupportApiKey']);

interface ErrorLike {
  name?: unknown;
  type?: unknown;
  retriable?: unknown;
  cause?: unknown;
  errors?: unknown;
  broker?: unknown;
}

/** The error, its causes, and the members of aggregate errors (createTopics), outermost first. */
function chain(error: unknown): ErrorLike[] {
  const out: ErrorLike[] = [];
  const pending: unknown[] = [error];
  while (pending.length > 0 && out.length < 32) {
    const e = pending.shift();
    if (typeof e !== 'object' || e === null || out.includes(e as ErrorLike)) continue;
    const like = e as ErrorLike;
    out.push(like);
    if (like.cause !== undefined) pending.push(like.cause);
    if (Array.isArray(like.errors)) pending.push(...like.errors);
  }
  return out;
}

function typeOf(e: ErrorLike): string | undefined {
  return typeof e.type === 'string' ? e.type : undefined;
}

function nameOf(e: ErrorLike): string | undefined {
  return typeof e.name === 'string' ? e.name : undefined;
}

function tlsCodeOf(e: ErrorLike): string | undefined {
  const code = (e as { code?: unknown }).code;
  return typeof code === 'string' && TLS_VERIFY_CODES.has(code) ? code : undefined;
}

/** What the operator should change, when the cause chain says it: a size limit, an ACL, credentials or trust. */
export function kafkaErrorHint(error: unknown): string | undefined {
  const all = chain(error);
  const type = all.map(typeOf).find((t) => t !== undefined && PROTOCOL_HINTS[t] !== undefined);
  if (type !== undefined) return PROTOCOL_HINTS[type];
  if (all.some((e) => nameOf(e) === 'KafkaJSSASLAuthenticationError' || typeOf(e) === 'SASL_AUTHENTICATION_FAILED')) {
    return 'the broker refused the SASL login: check kafka.sasl.username, kafka.sasl.password and kafka.sasl.mechanism in the worker config';
  }
  const tls = all.map(tlsCodeOf).find((c) => c !== undefined);
  if (tls !== undefined) {
    return `the broker's TLS certificate did not verify (${tls}): set kafka.ssl.ca in the worker config to the CA that signed it (PEM, e.g. through a \${file:…} reference), or kafka.ssl.servername when the certificate names another host`;
  }
  return undefined;
}

/** Decides the code; the most specific fact anywhere in the cause chain wins. */
export function classifyKafkaError(error: unknown): Verdict {
  const all = chain(error);
  const types = all.map(typeOf);
  const names = all.map(nameOf);
  if (types.some((t) => t !== undefined && FENCED_TYPES.has(t))) return { code: 'KAFKA_FENCED', retriable: false };
  if (types.some((t) => t !== undefined && REJECTED_TYPES.has(t))) return { code: 'KAFKA_REJECTED', retriable: false };
  if (names.some((n) => n !== undefined && REJECTED_NAMES.has(n))) return { code: 'KAFKA_REJECTED', retriable: false };
  if (all.some((e) => tlsCodeOf(e) !== undefined)) return { code: 'KAFKA_REJECTED', retriable: false };
  if (types.some((t) => t !== undefined && PRODUCER_STATE_TYPES.has(t))) return { code: 'KAFKA_REJECTED', retriable: true };
  if (names.some((n) => n !== undefined && UNREACHABLE_NAMES.has(n))) return { code: 'KAFKA_UNREACHABLE', retriable: true };
  // A protocol error kafkajs itself calls retriable (NOT_LEADER_FOR_PARTITION, NOT_ENOUGH_REPLICAS,
  // REQUEST_TIMED_OUT, ...) is the cluster being temporarily unavailable.
  if (all.some((e) => typeOf(e) !== undefined && e.retriable === true)) return { code: 'KAFKA_UNREACHABLE', retriable: true };
  const kafkaJs = all.find((e) => nameOf(e)?.startsWith('KafkaJS'));
  if (kafkaJs !== undefined) {
    // Retries exhausted wraps the last retriable failure: still an availability problem.
    if (names.includes('KafkaJSNumberOfRetriesExceeded') || kafkaJs.retriable === true) {
      return { code: 'KAFKA_UNREACHABLE', retriable: true };
    }
    return { code: 'KAFKA_REJECTED', retriable: false };
  }
  return { code: 'INTERNAL', retriable: false };
}

export interface KafkaErrorContext {
  /** What we were doing, e.g. "producing to orders.inv.customers". */
  action: string;
  topics?: readonly string[];
}

/** Wraps whatever kafkajs threw into a BinlogdError that keeps it as the cause. */
export function toBinlogdError(error: unknown, context: KafkaErrorContext): BinlogdError {
  if (error instanceof BinlogdError) return error;
  const verdict = classifyKafkaError(error);
  const all = chain(error);
  const kafkaType = all.map(typeOf).find((t) => t !== undefined);
  const broker = all.map((e) => e.broker).find((b) => typeof b === 'string');
  const detail = kafkaType ?? (error instanceof Error ? error.message : String(error));
  const details: Record<string, unknown> = {};
  if (kafkaType !== undefined) details.kafkaError = kafkaType;
  if (broker !== undefined) details.broker = broker;
  if (context.topics !== undefined) details.topics = [...context.topics];
  const hint = kafkaErrorHint(error);
  return new BinlogdError(verdict.code, `Kafka: ${context.action} failed: ${detail}${hint === undefined ? '' : `; ${hint}`}`, {
    retriable: verdict.retriable,
    cause: error,
    details,
  });
}

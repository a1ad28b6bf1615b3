// kafkajs error shapes (name = class, type = protocol error, retriable, cause) -> our codes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { classifyKafkaError, kafkaErrorHint, toBinlogdError } from '../../../src/sink/kafka-errors.js';
import { BinlogdError } from '../../../src/errors.js';

function kafkaJs(name: string, fields: Record<string, unknown> = {}): Error {
  const e = new Error('text that must not matter');
  e.name = name;
  Object.assign(e, { retriable: true, ...fields });
  return e;
}
const protocol = (type: string, retriable: boolean) => kafkaJs('KafkaJSProtocolError', { type, retriable });
// What the kafkajs retrier throws after bail() or after the last retry.
const nonRetriable = (cause: Error) => kafkaJs('KafkaJSNonRetriableError', { retriable: false, cause });
const retriesExceeded = (cause: Error) => kafkaJs('KafkaJSNumberOfRetriesExceeded', { retriable: false, cause });

const CASES: [string, unknown, string, boolean][] = [
  ['message too large', protocol('MESSAGE_TOO_LARGE', false), 'KAFKA_REJECTED', false],
  ['invalid record behind the retrier', nonRetriable(protocol('INVALID_RECORD', false)), 'KAFKA_REJECTED', false],
  ['topic authorization', protocol('TOPIC_AUTHORIZATION_FAILED', false), 'KAFKA_REJECTED', false],
  ['transactional id authorization', protocol('TRANSACTIONAL_ID_AUTHORIZATION_FAILED', false), 'KAFKA_REJECTED', false],
  ['SASL', kafkaJs('KafkaJSSASLAuthenticationError', { retriable: false }), 'KAFKA_REJECTED', false],
  ['fenced epoch', protocol('INVALID_PRODUCER_EPOCH', false), 'KAFKA_FENCED', false],
  ['fenced behind the retrier', nonRetriable(protocol('PRODUCER_FENCED', false)), 'KAFKA_FENCED', false],
  ['producer id mapping', protocol('INVALID_PRODUCER_ID_MAPPING', false), 'KAFKA_FENCED', false],
  ['out of order sequence', protocol('OUT_OF_ORDER_SEQUENCE_NUMBER', false), 'KAFKA_REJECTED', true],
  ['connection refused', kafkaJs('KafkaJSConnectionError'), 'KAFKA_UNREACHABLE', true],
  ['retries exhausted on connection', retriesExceeded(kafkaJs('KafkaJSConnectionError')), 'KAFKA_UNREACHABLE', true],
  ['retries exhausted on leader election', retriesExceeded(protocol('NOT_LEADER_FOR_PARTITION', true)), 'KAFKA_UNREACHABLE', true],
  ['request timeout', kafkaJs('KafkaJSRequestTimeoutError'), 'KAFKA_UNREACHABLE', true],
  ['lock timeout', kafkaJs('KafkaJSLockTimeout', { retriable: false }), 'KAFKA_UNREACHABLE', true],
  ['not enough replicas', protocol('NOT_ENOUGH_REPLICAS', true), 'KAFKA_UNREACHABLE', true],
  [
    'createTopics aggregate',
    Object.assign(kafkaJs('KafkaJSAggregateError'), { errors: [kafkaJs('KafkaJSCreateTopicError', { type: 'POLICY_VIOLATION', retriable: false })] }),
    'KAFKA_REJECTED',
    false,
  ],
  ['unknown kafkajs non-retriable', kafkaJs('KafkaJSNonRetriableError', { retriable: false }), 'KAFKA_REJECTED', false],
  ['a bug of ours', new TypeError('x is undefined'), 'INTERNAL', false],
  ['not even an error', 'boom', 'INTERNAL', false],
];

for (const [name, error, code, retriable] of CASES) {
  test(`classifies ${name} as ${code}${retriable ? ' (retriable)' : ''}`, () => {
    assert.deepEqual(classifyKafkaError(error), { code, retriable });
  });
}

test('toBinlogdError names the action and topics and keeps the cause', () => {
  const cause = nonRetriable(protocol('MESSAGE_TOO_LARGE', false));
  const e = toBinlogdError(cause, { action: 'producing to a.b.c', topics: ['a.b.c'] });
  assert.equal(e.code, 'KAFKA_REJECTED');
  assert.equal(e.cause, cause);
  assert.match(e.message, /a\.b\.c/);
  assert.match(e.message, /MESSAGE_TOO_LARGE/);
  assert.deepEqual(e.details, { kafkaError: 'MESSAGE_TOO_LARGE', topics: ['a.b.c'] });
  const already = new BinlogdError('KAFKA_FENCED', 'x');
  assert.equal(toBinlogdError(already, { action: 'y' }), already);
});

test('a broker certificate that does not verify is refused, not retried, and names kafka.ssl.ca', () => {
  const error = kafkaJs('KafkaJSConnectionError', { code: 'SELF_SIGNED_CERT_IN_CHAIN' });
  assert.deepEqual(classifyKafkaError(kafkaJs('KafkaJSNumberOfRetriesExceeded', { cause: error })), { code: 'KAFKA_REJECTED', retriable: false });
  assert.match(kafkaErrorHint(error) ?? '', /kafka\.ssl\.ca.*SELF_SIGNED_CERT_IN_CHAIN|SELF_SIGNED_CERT_IN_CHAIN.*kafka\.ssl\.ca/);
  assert.equal(kafkaErrorHint(kafkaJs('KafkaJSConnectionError', { code: 'ECONNREFUSED' })), undefined);
});

test('each refused permission names the ACL to grant; a refused login names the SASL settings', () => {
  const hints: Array<[string, RegExp]> = [
    ['TOPIC_AUTHORIZATION_FAILED', /Topic ACL.*CREATE, WRITE and DESCRIBE/],
    ['TRANSACTIONAL_ID_AUTHORIZATION_FAILED', /TransactionalId ACL.*WRITE and DESCRIBE.*binlogd-<connector name>/],
    ['CLUSTER_AUTHORIZATION_FAILED', /Cluster ACL/],
    ['GROUP_AUTHORIZATION_FAILED', /Group ACL.*READ/],
  ];
  for (const [type, hint] of hints) {
    const e = toBinlogdError(nonRetriable(protocol(type, false)), { action: 'connecting the producer' });
    assert.match(e.message, hint, type);
  }
  assert.match(kafkaErrorHint(kafkaJs('KafkaJSSASLAuthenticationError')) ?? '', /kafka\.sasl\.username, kafka\.sasl\.password and kafka\.sasl\.mechanism/);
});

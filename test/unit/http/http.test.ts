import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseConnector } from '../../../src/config/index.js';
import { checkAuth } from '../../../src/http/auth.js';
import { errorResponse, HttpError } from '../../../src/http/errors.js';
import { Router } from '../../../src/http/router.js';
import { displayConfig } from '../../../src/http/shapes.js';
import { BinlogdError } from '../../../src/errors.js';

const ok = () => ({ status: 200 });

test('router: parameters are URL-decoded; unknown paths 404, other methods 405', () => {
  const router = new Router().add('GET', '/connectors/:name/status', ok).add('PUT', '/connectors/:name/pause', ok);
  assert.deepEqual(router.match('GET', '/connectors/my%20conn/status').params, { name: 'my conn' });
  assert.deepEqual(router.match('GET', '/connectors/a.b/status/').params, { name: 'a.b' });
  assert.throws(() => router.match('GET', '/connectors/x/nothing'), (e: HttpError) => e.status === 404);
  assert.throws(() => router.match('POST', '/connectors/x/status'), (e: HttpError) => e.status === 405);
  assert.throws(() => router.match('GET', '/connectors/%E0%A4%A/status'), (e: HttpError) => e.status === 404);
});

test('errors: Connect\'s shape; config problems 400, the rest 500', () => {
  assert.deepEqual(errorResponse(new HttpError(404, 'Connector x not found')), { status: 404, body: { error_code: 404, message: 'Connector x not found' } });
  assert.equal(errorResponse(new BinlogdError('CONFIG_INVALID', 'bad offset')).status, 400);
  assert.equal(errorResponse(new BinlogdError('KAFKA_UNREACHABLE', 'down', { retriable: true })).status, 500);
  assert.equal(errorResponse(new Error('boom')).body.message, 'boom');
});

test('auth: no token configured lets everything through; with one, Bearer <token> is required except for GET /health', () => {
  assert.doesNotThrow(() => checkAuth(undefined, 'GET', '/connectors', {}));
  assert.throws(() => checkAuth('s3cret', 'GET', '/connectors', {}), (e: HttpError) => e.status === 401);
  assert.throws(() => checkAuth('s3cret', 'GET', '/connectors', { authorization: 'Bearer nope' }), (e: HttpError) => e.status === 401);
  assert.throws(() => checkAuth('s3cret', 'GET', '/connectors', { authorization: 'Basic czNjcmV0' }), (e: HttpError) => e.status === 401);
  assert.doesNotThrow(() => checkAuth('s3cret', 'GET', '/connectors', { authorization: 'Bearer s3cret' }));
  const basic = (credentials: string) => ({ authorization: `Basic ${Buffer.from(credentials).toString('base64')}` });
  assert.doesNotThrow(() => checkAuth('s3cret', 'GET', '/connectors', basic('kcctl:s3cret')), 'HTTP Basic with the token as the password');
  assert.throws(() => checkAuth('s3cret', 'GET', '/connectors', basic('s3cret:wrong')), (e: HttpError) => e.status === 401);
  assert.doesNotThrow(() => checkAuth('s3cret', 'GET', '/health', {}));
  assert.doesNotThrow(() => checkAuth('s3cret', 'HEAD', '/health', {}), 'load balancers probe with HEAD');
  assert.throws(() => checkAuth('s3cret', 'HEAD', '/connectors', {}), (e: HttpError) => e.status === 401);
  assert.throws(() => checkAuth('s3cret', 'GET', '/metrics', {}), (e: HttpError) => e.status === 401);
});

test('configs are shown as written: references kept, secrets hidden, resolved secrets never', () => {
  const { config } = parseConnector({
    name: 'c',
    config: {
      'database.hostname': 'h', 'database.user': 'u', 'database.server.id': '1', 'topic.prefix': 'p',
      'database.password': '${env:PW}', 'database.ssl.keystore.password': 'plain-secret', 'table.include.list': 'a\\.b',
    },
  }, { env: { PW: 'resolved-secret' }, providers: { env: { type: 'env' } } });
  assert.ok(config);
  const shown = displayConfig(config);
  assert.equal(shown['database.password'], '${env:PW}');
  assert.equal(shown['database.ssl.keystore.password'], '[hidden]');
  assert.equal(shown['table.include.list'], 'a\\.b');
  assert.equal(shown['name'], 'c');
  assert.doesNotMatch(JSON.stringify(shown), /resolved-secret|plain-secret/);
});

test('HEAD is answered by the GET route, as Jersey does for Connect', () => {
  const get = () => ({ status: 200, body: { status: 'healthy' } });
  const router = new Router().add('GET', '/health', get).add('PUT', '/connectors/:name/pause', get);
  assert.equal(router.match('HEAD', '/health').handler, get);
  assert.throws(() => router.match('HEAD', '/connectors/x/pause'), (e: HttpError) => e.status === 405);
});

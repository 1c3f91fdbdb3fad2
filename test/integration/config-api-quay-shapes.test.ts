// Issue 16: what a Quay API client sees. Error bodies in Quay's shape (endpoints/exception.py
// ApiException.to_dict), `POST …/test` answering `{}` (repositorynotification.py) with the delivery
// id in a header, and the error-type resource `type` links to (endpoints/api/error.py).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startConfigApi, type RunningConfigApi } from '../helpers/config-api.js';
import { adminToken, testToken } from '../helpers/tokens.js';

const REPO = 'acme/app';
const BASE = `/api/v1/repository/${REPO}`;
let api: RunningConfigApi;
let token: string;

before(async () => {
  api = await startConfigApi();
  token = await adminToken(REPO);
});
after(async () => {
  await api?.stop();
});

type QuayError = Record<string, unknown>;

function assertQuayError(body: QuayError, status: number, errorType: string, detail: RegExp): void {
  // Quay's keys, plus Herald's `error` (and `field` on 400s).
  for (const key of ['detail', 'error_message', 'error_type', 'title', 'type', 'status', 'error']) assert.ok(key in body, `${key} in ${JSON.stringify(body)}`);
  assert.equal(body['status'], status);
  assert.equal(body['error_type'], errorType);
  assert.equal(body['title'], errorType);
  assert.equal(body['type'], `http://herald.test/api/v1/error/${errorType}`);
  assert.match(String(body['detail']), detail);
  assert.equal(body['error_message'], body['detail']);
  assert.equal(body['error'], body['detail']);
}

test("error bodies carry Quay's detail, error_message, error_type, title, type and status", async () => {
  const invalid = await api.request<QuayError>('POST', `${BASE}/notification/`, { token, body: { event: 'repo_push', method: 'webhook', config: {}, eventConfig: {} } });
  assert.equal(invalid.status, 400);
  assertQuayError(invalid.body, 400, 'invalid_request', /^config\.url: is required/);
  assert.equal(invalid.body['field'], 'config.url');

  const anonymous = await api.request<QuayError>('GET', `${BASE}/notification/`);
  assert.equal(anonymous.status, 401);
  assertQuayError(anonymous.body, 401, 'invalid_token', /./);

  const forbidden = await api.request<QuayError>('GET', `${BASE}/notification/`, { token: await testToken('mallory') });
  assert.equal(forbidden.status, 403);
  assertQuayError(forbidden.body, 403, 'insufficient_scope', /./);

  const missing = await api.request<QuayError>('GET', `${BASE}/notification/00000000-0000-4000-8000-000000000000`, { token });
  assert.equal(missing.status, 404);
  assertQuayError(missing.body, 404, 'not_found', /not found/);

  const noRoute = await api.request<QuayError>('GET', '/api/v1/nothing-here');
  assertQuayError(noRoute.body, 404, 'not_found', /no route/);
});

test('GET /api/v1/error/{type} describes each error type, as Quay does', async () => {
  const res = await api.request<Record<string, string>>('GET', '/api/v1/error/invalid_request');
  assert.equal(res.status, 200);
  assert.deepEqual(res.body, {
    type: 'http://herald.test/api/v1/error/invalid_request',
    title: 'invalid_request',
    description: 'The request was invalid. It may have contained invalid values or was improperly formatted.',
  });
  assert.equal((await api.request('GET', '/api/v1/error/no_such_type')).status, 404);
});

test('POST …/test answers {} with the delivery id in X-Herald-Delivery-Id', async () => {
  const created = await api.request<{ uuid: string }>('POST', `${BASE}/notification/`, {
    token,
    body: { event: 'repo_push', method: 'webhook', config: { url: 'https://hooks.herald-test.invalid/x' }, eventConfig: {} },
  });
  assert.equal(created.status, 201, created.text);
  const res = await api.request('POST', `${BASE}/notification/${created.body.uuid}/test`, { token, headers: { 'content-type': 'application/json' }, body: '' });
  assert.equal(res.status, 200, res.text);
  assert.deepEqual(res.body, {});
  assert.match(res.headers.get('x-herald-delivery-id') ?? '', /^[0-9a-f-]{36}$/);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { registryError } from './registry-errors.js';

const response = (status: number, message: string) => Object.assign(new Error(message), { status });

test('refused credentials are an outage to retry, naming the settings, not a refused schema', () => {
  for (const status of [401, 403]) {
    const err = registryError(response(status, 'Unauthorized'), 'fetch schema 7');
    assert.equal(err.code, 'REGISTRY_UNAVAILABLE');
    assert.equal(err.retriable, true);
    assert.match(err.message, new RegExp(`fetch schema 7: the schema registry refused Herald's credentials \\(HTTP ${status}\\); check SCHEMA_REGISTRY_USERNAME and SCHEMA_REGISTRY_PASSWORD`));
  }
});

test('other client errors keep their meaning', () => {
  assert.equal(registryError(response(409, 'incompatible'), 'register').code, 'SCHEMA_INCOMPATIBLE');
  assert.equal(registryError(response(422, 'invalid'), 'register').code, 'SCHEMA_INVALID');
  assert.equal(registryError(response(404, 'not found'), 'fetch').code, 'REGISTRY_REQUEST_FAILED');
  assert.equal(registryError(response(400, 'connect ECONNREFUSED 127.0.0.1:1'), 'fetch').code, 'REGISTRY_UNAVAILABLE');
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HeraldError } from '@herald/errors';
import { DeliveryError } from './delivery-error.js';
import { isInfrastructureFailure } from './infrastructure-failure.js';

/** An error as a client library makes it: its class name, and a code or retriable flag. */
const named = (name: string, fields: Record<string, unknown> = {}) => Object.assign(new Error(name), { name }, fields);

test('MongoDB, Kafka and registry outages are infrastructure, not the endpoint', () => {
  assert.ok(isInfrastructureFailure(named('MongoServerSelectionError')));
  assert.ok(isInfrastructureFailure(named('MongoNetworkError')));
  assert.ok(isInfrastructureFailure(named('MongoServerError', { code: 10107 })), 'not writable primary');
  assert.ok(isInfrastructureFailure(named('PoolClearedOnNetworkError')));
  assert.ok(isInfrastructureFailure(named('MongoWriteConcernError', { errorLabels: ['RetryableWriteError'] })));
  assert.ok(isInfrastructureFailure(named('KafkaJSConnectionError', { retriable: true })));
  assert.ok(isInfrastructureFailure(new HeraldError('REGISTRY_UNAVAILABLE', 'fetch schema 2: ECONNREFUSED', { retriable: true })));
});

test('endpoint failures and requests that are wrong are not', () => {
  assert.equal(isInfrastructureFailure(new DeliveryError('HTTP_STATUS', 'HTTP 503', { retriable: true, errorClass: 'http_5xx', statusCode: 503 })), false);
  assert.equal(isInfrastructureFailure(Object.assign(new Error('connect ECONNREFUSED 10.0.0.1:443'), { code: 'ECONNREFUSED' })), false, 'the endpoint refusing');
  assert.equal(isInfrastructureFailure(named('MongoServerError', { code: 11000 })), false, 'a duplicate key is a bug, retrying will not help');
  assert.equal(isInfrastructureFailure(named('KafkaJSNonRetriableError', { retriable: false })), false);
  assert.equal(isInfrastructureFailure(undefined), false);
  assert.equal(isInfrastructureFailure('boom'), false);
});

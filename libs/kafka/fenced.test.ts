import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fencedCause } from './fenced.js';

/** The shapes kafkajs gives: a protocol error with `type`, wrapped by its retrier in `cause`. */
function protocolError(type: string): Error {
  return Object.assign(new Error(`broker says ${type}`), { type, retriable: false });
}

test('a fencing error is found however deep kafkajs wrapped it', () => {
  const wrapped = Object.assign(new Error('wrapped'), { cause: Object.assign(new Error('retries'), { cause: protocolError('INVALID_PRODUCER_EPOCH') }) });
  assert.deepEqual(fencedCause(wrapped), { type: 'INVALID_PRODUCER_EPOCH', message: 'broker says INVALID_PRODUCER_EPOCH' });
  assert.equal(fencedCause(protocolError('PRODUCER_FENCED'))?.type, 'PRODUCER_FENCED');
  assert.equal(fencedCause(protocolError('UNKNOWN_SERVER_ERROR'))?.type, 'UNKNOWN_SERVER_ERROR', 'what Kafka 4.4 answers an EndTxn racing a fence');
});

test('other failures are not fencing', () => {
  assert.equal(fencedCause(protocolError('CONCURRENT_TRANSACTIONS')), undefined);
  assert.equal(fencedCause(new Error('connect ECONNREFUSED')), undefined);
  assert.equal(fencedCause(undefined), undefined);
  const loop: { cause?: unknown } = {};
  loop.cause = loop;
  assert.equal(fencedCause(loop), undefined, 'a cyclic chain ends');
});

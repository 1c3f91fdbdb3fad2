import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MongoClient } from 'mongodb';
import { IDLE_POOL_CHECK_MS, patchMongoPoolTimer } from './mongodb-patches.js';

test('a pool without a minimum size checks every IDLE_POOL_CHECK_MS, one with a minimum keeps the driver pace', () => {
  const proto = patchMongoPoolTimer();
  const idle = Object.create(proto) as { options: { minPoolSize: number; minPoolSizeCheckFrequencyMS: number }; poolState: string; ensureMinPoolSize(): void };
  idle.options = Object.freeze({ minPoolSize: 0, minPoolSizeCheckFrequencyMS: 100 });
  idle.poolState = 'paused'; // the driver's method returns at once unless the pool is ready
  idle.ensureMinPoolSize();
  assert.equal(idle.options.minPoolSizeCheckFrequencyMS, IDLE_POOL_CHECK_MS);
  const kept = Object.create(proto) as typeof idle;
  kept.options = Object.freeze({ minPoolSize: 5, minPoolSizeCheckFrequencyMS: 100 });
  kept.poolState = 'paused';
  kept.ensureMinPoolSize();
  assert.equal(kept.options.minPoolSizeCheckFrequencyMS, 100);
});

test('patching twice is harmless, and the client still refuses the internal option (why it is patched)', () => {
  assert.equal(patchMongoPoolTimer(), patchMongoPoolTimer());
  assert.throws(() => new MongoClient('mongodb://127.0.0.1:1', { minPoolSizeCheckFrequencyMS: 2000 } as never), /not supported/);
});

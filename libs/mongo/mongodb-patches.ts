// The MongoDB driver's connection pool re-arms a 100 ms timer for its whole life to keep
// `minPoolSize` connections open, and checks for perished connections on the same tick, even when
// minPoolSize is 0 (Herald's default). The interval is an internal option the client refuses
// ("option minpoolsizecheckfrequencyms is not supported"), so at rest each service woke ten times a
// second for nothing. With minPoolSize 0 the pool now looks every 2 s (perished connections are also
// dropped when checked out); with a minimum pool it keeps the driver's pace.
import { createRequire } from 'node:module';

interface PoolLike {
  options: { minPoolSize: number; minPoolSizeCheckFrequencyMS: number };
  ensureMinPoolSize(): void;
}

/** How often a pool without a minimum size looks after its connections. */
export const IDLE_POOL_CHECK_MS = 2_000;

const PATCHED = Symbol.for('herald.mongodb.poolPatched');

/** Applies the patch (idempotent); returns the patched prototype for tests. */
export function patchMongoPoolTimer(): PoolLike {
  const require = createRequire(import.meta.url);
  const { ConnectionPool } = require('mongodb/lib/cmap/connection_pool.js') as { ConnectionPool: { prototype: PoolLike & { [PATCHED]?: true } } };
  const proto = ConnectionPool.prototype;
  if (proto[PATCHED]) return proto;
  const ensure = proto.ensureMinPoolSize;
  if (typeof ensure !== 'function') throw new Error('mongodb ConnectionPool changed shape: review libs/mongo/mongodb-patches.ts against the installed driver');
  proto.ensureMinPoolSize = function (this: PoolLike) {
    const o = this.options;
    if (o.minPoolSize === 0 && o.minPoolSizeCheckFrequencyMS < IDLE_POOL_CHECK_MS) {
      this.options = Object.freeze({ ...o, minPoolSizeCheckFrequencyMS: IDLE_POOL_CHECK_MS });
    }
    ensure.call(this);
  };
  proto[PATCHED] = true;
  return proto;
}

patchMongoPoolTimer();

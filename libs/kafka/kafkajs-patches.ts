// Two timers in kafkajs 2.2.4's per-connection request queue keep every idle client busy, and kafkajs
// is unmaintained (its fixes, kafkajs#1556/#1704, never shipped). Both are corrected here, once per
// process, on the module kafkajs itself loads (the same CommonJS instance: bundles keep kafkajs
// external):
//
// - `scheduleCheckPendingRequests` re-arms a setTimeout even when nothing is pending and the client is
//   not throttled; the delay is then negative, so Node runs it every 1 ms, and every fulfilled
//   response starts such a loop again. It only has something to do while requests wait in `pending`
//   (throttled, or over the in-flight limit), and `push` and every settled request schedule a check
//   in that case, so with nothing pending no timer is armed.
// - `scheduleRequestTimeoutCheck` scans in-flight requests for expired ones every 100 ms per
//   connection. Timeouts are seconds long (requestTimeout, or a fetch's maxWaitTime + requestTimeout):
//   checking every 500 ms keeps them within half a second of due at a fifth of the wake-ups.
import { createRequire } from 'node:module';

interface RequestQueueLike {
  pending: unknown[];
  inflight: Map<number, { sentAt: number; requestTimeout: number; timeoutRequest(): void }>;
  requestTimeout: number;
  enforceRequestTimeout: boolean;
  requestTimeoutIntervalId?: NodeJS.Timeout;
  destroy(): void;
  isConnected(): boolean;
  scheduleCheckPendingRequests(): void;
  scheduleRequestTimeoutCheck(): void;
}

/** How often each connection looks for requests past their timeout. */
export const REQUEST_TIMEOUT_CHECK_MS = 500;

const PATCHED = Symbol.for('herald.kafkajs.requestQueuePatched');

/** Applies the patches (idempotent); returns the patched prototype for tests. */
export function patchKafkajsRequestQueue(): RequestQueueLike {
  const require = createRequire(import.meta.url);
  const RequestQueue = require('kafkajs/src/network/requestQueue/index.js') as { prototype: RequestQueueLike & { [PATCHED]?: true } };
  const proto = RequestQueue.prototype;
  if (proto[PATCHED]) return proto;
  if (typeof proto.scheduleCheckPendingRequests !== 'function' || typeof proto.scheduleRequestTimeoutCheck !== 'function') {
    throw new Error('kafkajs RequestQueue changed shape: review libs/kafka/kafkajs-patches.ts against the installed kafkajs');
  }

  const scheduleCheck = proto.scheduleCheckPendingRequests;
  proto.scheduleCheckPendingRequests = function (this: RequestQueueLike) {
    if (this.pending.length === 0) return;
    scheduleCheck.call(this);
  };

  proto.scheduleRequestTimeoutCheck = function (this: RequestQueueLike) {
    if (!this.enforceRequestTimeout) return;
    this.destroy();
    this.requestTimeoutIntervalId = setInterval(
      () => {
        const now = Date.now();
        for (const request of this.inflight.values()) {
          if (now - request.sentAt > request.requestTimeout) request.timeoutRequest();
        }
        if (!this.isConnected()) this.destroy();
      },
      Math.min(this.requestTimeout, REQUEST_TIMEOUT_CHECK_MS),
    );
  };

  proto[PATCHED] = true;
  return proto;
}

patchKafkajsRequestQueue();

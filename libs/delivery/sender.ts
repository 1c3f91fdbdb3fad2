import type { DeliveryJob } from '@herald/events';
import type { DeliveryMethod } from '@herald/kafka';
import type { NotificationDoc } from '@herald/subscriptions';
import type { AttemptCancel } from './attempt-cancel.js';
import type { AttemptTrace } from './attempt-trace.js';
import type { AttemptCapture } from './inspection.js';

export interface SendRequest {
  job: DeliveryJob;
  /** The notification with its secrets (`config`, `signing_secret`); never log it. */
  notification: NotificationDoc;
  /**
   * Aborted at the attempt timeout or when the runtime stops; pass it to every I/O call (the
   * guarded HTTP client takes it as is; `cancel.signal` is an AbortSignal for other APIs).
   */
  cancel: AttemptCancel;
  /** 1 for the first attempt. */
  attempt: number;
  /** Present when tracing is on: wrap each request in tracedRequest (a client span, `traceparent` sent). */
  trace?: AttemptTrace | undefined;
  /**
   * Present when attempt inspection is on: call `capture.request(…)` with what is sent and
   * `capture.response(…)` with the answer (ask the client for `capture.responseBodyBytes` of its body).
   */
  capture?: AttemptCapture | undefined;
}

export interface SendResult {
  statusCode?: number;
}

/**
 * The method-specific part of a delivery service: one attempt to deliver one job. Resolve on
 * success; throw a DeliveryError (or any HeraldError) otherwise — its `retriable` decides retry or
 * dead-letter, and a DeliveryError's `disable` disables the notification at once.
 */
export interface Sender {
  readonly method: DeliveryMethod;
  send(req: SendRequest): Promise<SendResult>;
}

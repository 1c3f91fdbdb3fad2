import { filterEventTags } from '@herald/events';
import type { SendRequest, Sender } from './sender.js';

/**
 * The request as the notification delivers it: an event whose body lists tags carries only those
 * its notification's tag filter (`tag-glob` / `tag-regex`) lets through. The router fired the job
 * because one tag matched; the job itself holds the event as published (its bytes, unread), so the
 * narrowing happens here, once for every method, before the sender renders anything. Test jobs
 * (the stored sample, as Quay sends it) and Herald's own alerts are delivered as they are.
 */
export function deliveredRequest(req: SendRequest): SendRequest {
  if (req.job.test || req.job.alert) return req;
  const event = filterEventTags(req.job.event, req.notification.event_config);
  return event === req.job.event ? req : { ...req, job: { ...req.job, event } };
}

/** `sender`, sent each job's event as its notification delivers it (deliveredRequest). */
export function tagFilteredSender(sender: Sender): Sender {
  return { method: sender.method, send: (req) => sender.send(deliveredRequest(req)) };
}

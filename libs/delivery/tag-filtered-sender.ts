import { filterEventTags, hasTagFilter, isTagListEventKind, TAG_LIST_FIELDS, type DeliveryJob } from '@herald/events';
import type { NotificationDoc } from '@herald/subscriptions';
import type { SendRequest, Sender } from './sender.js';

/**
 * Whether `doc`'s tag filter lets none of the job's tags through although the event lists some: the
 * router fired the job under another version of the notification (an edit of its filter crossed
 * the job). Delivered as is, the body would list no tag; the job processor reads the notification
 * again and drops the job if the current version still rejects it. Tests and alerts never.
 */
export function tagFilterRejects(job: DeliveryJob, doc: NotificationDoc): boolean {
  if (job.test || job.alert || !hasTagFilter(doc.event_config) || !isTagListEventKind(job.event.kind)) return false;
  const field = TAG_LIST_FIELDS[job.event.kind];
  const listed = (e: DeliveryJob['event']) => ((e.body as unknown as Record<string, readonly string[] | undefined>)[field] ?? []).length;
  return listed(job.event) > 0 && listed(filterEventTags(job.event, doc.event_config)) === 0;
}

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

import { ObjectId } from '@herald/mongo';

/** One record waiting for the next flush: its notification, its time (epoch ms) and its stored line. */
export interface QueuedLine {
  uuid: string;
  t: number;
  line: string;
}

/** Up to `size` records of one notification in one document: the attempt log's and inspection's layout. */
export interface LineBucket {
  /** Set when the bucket is built, so a retried write cannot store it twice. */
  _id: ObjectId;
  notification_uuid: string;
  first: Date;
  last: Date;
  n: number;
  lines: string;
}

/** `queued` grouped per notification, in order, `size` records per bucket at most. */
export function bucketLines(queued: readonly QueuedLine[], size: number): LineBucket[] {
  const byUuid = new Map<string, QueuedLine[]>();
  for (const q of queued) {
    const list = byUuid.get(q.uuid);
    if (list) list.push(q);
    else byUuid.set(q.uuid, [q]);
  }
  const out: LineBucket[] = [];
  for (const [uuid, list] of byUuid) {
    for (let i = 0; i < list.length; i += size) {
      const part = list.slice(i, i + size);
      let first = Infinity;
      let last = -Infinity;
      for (const q of part) {
        if (q.t < first) first = q.t;
        if (q.t > last) last = q.t;
      }
      out.push({ _id: new ObjectId(), notification_uuid: uuid, first: new Date(first), last: new Date(last), n: part.length, lines: part.map((q) => q.line).join('\n') });
    }
  }
  return out;
}

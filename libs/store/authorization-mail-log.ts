import { randomUUID } from 'node:crypto';
import type { Collection, Db } from '@herald/mongo';
import { normalizeEmail } from './email-address.js';

export const AUTHORIZATION_MAILS_COLLECTION = 'authorization_mails';

/** One confirmation mail sent (or being sent) for an e-mail authorization. */
export interface AuthorizationMailDoc {
  _id: string;
  repository: string;
  email: string;
  sent_at: Date;
}

/** How many confirmation mails may go out. */
export interface AuthorizationMailLimits {
  /** At most one mail per address (whatever the repository) per this many ms; 0 = no such limit. */
  perAddressIntervalMs: number;
  /** Mails per address per 24 h. */
  perAddressDaily: number;
  /** Mails per repository per 24 h. */
  perRepositoryDaily: number;
}

/** A claim on one mail: release it when the mail could not be sent. */
export interface MailClaim {
  release(): Promise<void>;
}

/** Why no mail may go out now, and when one may. */
export interface MailRefusal {
  retryAfterMs: number;
  reason: string;
}

const DAY_MS = 24 * 3600 * 1000;

/**
 * The rate limits of confirmation mails (issue 16): a mail goes out only when the address had none
 * within the interval and is under its daily cap, and the repository under its own. A request
 * first records its mail, then counts: two concurrent requests both see each other and both
 * refuse, rather than both send. Entries older than a day are removed as new ones are written.
 */
export class AuthorizationMailLog {
  readonly col: Collection<AuthorizationMailDoc>;

  constructor(db: Db) {
    this.col = db.collection<AuthorizationMailDoc>(AUTHORIZATION_MAILS_COLLECTION);
  }

  async ensureIndexes(): Promise<void> {
    await this.col.createIndex({ email: 1, sent_at: -1 }, { name: 'email_sent_at' });
    await this.col.createIndex({ repository: 1, sent_at: -1 }, { name: 'repository_sent_at' });
    await this.col.createIndex({ sent_at: 1 }, { name: 'sent_at' });
  }

  /** Claims one mail for `email` on `repository`, or says why not and how long to wait. */
  async claim(repository: string, rawEmail: string, limits: AuthorizationMailLimits, now = new Date()): Promise<MailClaim | MailRefusal> {
    const email = normalizeEmail(rawEmail);
    const t = now.getTime();
    const dayAgo = new Date(t - DAY_MS);
    await this.col.deleteMany({ sent_at: { $lt: dayAgo } });
    const _id = randomUUID();
    await this.col.insertOne({ _id, repository, email, sent_at: now });
    const refusal = await this.refusal(_id, repository, email, limits, t);
    if (refusal) {
      await this.col.deleteOne({ _id });
      return refusal;
    }
    return { release: async () => void (await this.col.deleteOne({ _id })) };
  }

  private async refusal(own: string, repository: string, email: string, limits: AuthorizationMailLimits, t: number): Promise<MailRefusal | undefined> {
    const dayAgo = new Date(t - DAY_MS);
    const others = { _id: { $ne: own } };
    const byAddress = await this.col.find({ ...others, email, sent_at: { $gte: dayAgo } }).sort({ sent_at: -1 }).toArray();
    const latest = byAddress[0]?.sent_at.getTime();
    if (limits.perAddressIntervalMs > 0 && latest !== undefined && t - latest < limits.perAddressIntervalMs) {
      return { retryAfterMs: latest + limits.perAddressIntervalMs - t, reason: `a confirmation mail went to ${email} less than ${Math.round(limits.perAddressIntervalMs / 60_000)} minutes ago` };
    }
    if (byAddress.length >= limits.perAddressDaily) {
      const oldest = byAddress[limits.perAddressDaily - 1]?.sent_at.getTime() ?? t;
      return { retryAfterMs: oldest + DAY_MS - t, reason: `${email} got ${limits.perAddressDaily} confirmation mails in the last 24 hours` };
    }
    const byRepository = await this.col.find({ ...others, repository, sent_at: { $gte: dayAgo } }).sort({ sent_at: -1 }).limit(limits.perRepositoryDaily).toArray();
    if (byRepository.length >= limits.perRepositoryDaily) {
      const oldest = byRepository[limits.perRepositoryDaily - 1]?.sent_at.getTime() ?? t;
      return { retryAfterMs: oldest + DAY_MS - t, reason: `${repository} sent ${limits.perRepositoryDaily} confirmation mails in the last 24 hours` };
    }
    return undefined;
  }
}

export function isMailRefusal(x: MailClaim | MailRefusal): x is MailRefusal {
  return 'retryAfterMs' in x;
}

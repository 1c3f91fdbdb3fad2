import { createHash, randomBytes } from 'node:crypto';
import { isDuplicateKey, type Collection, type Db } from '@herald/mongo';
import { normalizeEmail } from './email-address.js';

export const AUTHORIZED_EMAILS_COLLECTION = 'authorized_emails';

/** One address authorized (or being authorized) to receive a repository's notifications. */
export interface AuthorizedEmailDoc {
  repository: string;
  email: string;
  confirmed: boolean;
  /** SHA-256 (hex) of the pending confirmation code; the code itself is never stored. */
  code_hash: string | null;
  requested_at: Date;
  confirmed_at: Date | null;
}

/** The public view of an authorization: no code. */
export interface AuthorizedEmail {
  repository: string;
  email: string;
  confirmed: boolean;
}

/** Result of starting an authorization: the code to mail, or none when already confirmed. */
export interface AuthorizationRequest {
  authorization: AuthorizedEmail;
  /** The one-time confirmation code (≥ 256 bits, base64url); absent when already confirmed. */
  code?: string;
}

function hashCode(code: string): string {
  return createHash('sha256').update(code).digest('hex');
}

function view(d: AuthorizedEmailDoc): AuthorizedEmail {
  return { repository: d.repository, email: d.email, confirmed: d.confirmed };
}

/**
 * E-mail authorizations per repository (SPEC §3: an address must be authorized and confirmed for a
 * repository before a notification may mail it, and again at send time).
 */
export class AuthorizedEmailStore {
  readonly col: Collection<AuthorizedEmailDoc>;

  constructor(db: Db) {
    this.col = db.collection<AuthorizedEmailDoc>(AUTHORIZED_EMAILS_COLLECTION);
  }

  async ensureIndexes(): Promise<void> {
    await this.col.createIndex({ repository: 1, email: 1 }, { unique: true, name: 'repository_email_unique' });
    await this.col.createIndex({ code_hash: 1 }, { name: 'code_hash' });
  }

  async get(repository: string, email: string): Promise<AuthorizedEmail | null> {
    const d = await this.col.findOne({ repository, email: normalizeEmail(email) });
    return d ? view(d) : null;
  }

  /** The addresses authorized and confirmed for the repository, sorted. */
  async confirmedFor(repository: string): Promise<string[]> {
    const docs = await this.col.find({ repository, confirmed: true }, { projection: { _id: 0, email: 1 } }).toArray();
    return docs.map((d) => d.email).sort();
  }

  /** True when the address is authorized and confirmed for the repository. */
  async isConfirmed(repository: string, email: string): Promise<boolean> {
    const d = await this.col.findOne({ repository, email: normalizeEmail(email), confirmed: true });
    return d !== null;
  }

  /**
   * Starts (or restarts) an authorization. A confirmed address stays confirmed and gets no code;
   * otherwise a fresh code replaces any earlier one.
   */
  async request(repository: string, rawEmail: string, now = new Date()): Promise<AuthorizationRequest> {
    const email = normalizeEmail(rawEmail);
    const existing = await this.col.findOne({ repository, email });
    if (existing?.confirmed) return { authorization: view(existing) };
    const code = randomBytes(32).toString('base64url');
    const fields = { code_hash: hashCode(code), requested_at: now, confirmed: false, confirmed_at: null };
    if (existing) {
      await this.col.updateOne({ repository, email, confirmed: false }, { $set: fields });
    } else {
      try {
        await this.col.insertOne({ repository, email, ...fields });
      } catch (err) {
        // A concurrent request inserted first; take over its pending record with our code.
        if (!isDuplicateKey(err)) throw err;
        await this.col.updateOne({ repository, email, confirmed: false }, { $set: fields });
      }
    }
    return { authorization: { repository, email, confirmed: false }, code };
  }

  /**
   * The authorization a code was issued for, without confirming it (the confirmation page shows it
   * before its button is pressed); null for an unknown, superseded or expired code.
   */
  async lookup(code: string, maxAgeMs: number, now = new Date()): Promise<AuthorizedEmail | null> {
    if (code === '' || code.length > 256) return null;
    const d = await this.col.findOne({ code_hash: hashCode(code) });
    if (!d) return null;
    if (!d.confirmed && now.getTime() - d.requested_at.getTime() > maxAgeMs) return null;
    return view(d);
  }

  /**
   * Confirms the authorization a code was issued for. Returns it, or null for an unknown, superseded
   * or expired code. Confirming twice with the same code is harmless.
   */
  async confirm(code: string, maxAgeMs: number, now = new Date()): Promise<AuthorizedEmail | null> {
    if (code === '' || code.length > 256) return null;
    const code_hash = hashCode(code);
    const d = await this.col.findOne({ code_hash });
    if (!d) return null;
    if (d.confirmed) return view(d);
    if (now.getTime() - d.requested_at.getTime() > maxAgeMs) return null;
    const updated = await this.col.findOneAndUpdate(
      { repository: d.repository, email: d.email, code_hash },
      { $set: { confirmed: true, confirmed_at: now } },
      { returnDocument: 'after' },
    );
    return updated ? view(updated) : null;
  }

  /** Removes an authorization; true when one existed. */
  async remove(repository: string, email: string): Promise<boolean> {
    const r = await this.col.deleteOne({ repository, email: normalizeEmail(email) });
    return r.deletedCount > 0;
  }
}

import type { TokenVerifier } from '@herald/auth';
import type { AttemptLog, RedriveResult } from '@herald/delivery';
import type { AuditLog, AuthorizationMailLimits, AuthorizationMailLog, AuthorizedEmailStore, InAppStore, RecentRefsStore } from '@herald/store';
import type { NotificationDoc, NotificationStore } from '@herald/subscriptions';
import type { Auditor } from './audit/auditor.js';
import type { ConfirmationMailer } from './mail/mailer.js';
import type { DeliveryOps } from './routes/deliveries.js';
import type { RecorderStatus } from './recent-refs/recorder.js';
import type { ReplayTasks } from './replay/replay-tasks.js';
import type { TestDelivery } from './test-delivery.js';
import type { DestinationGuard } from './validation/destination-guard.js';

/** Publishes subscription changes (the lead's SubscriptionChangePublisher fits this). */
export interface ChangeFeed {
  upsert(doc: NotificationDoc): Promise<void>;
  remove(doc: NotificationDoc): Promise<void>;
}

export interface ReadinessReport {
  ready: boolean;
  /** The lifecycle state (starting, ready, draining, stopped, failed). */
  state: string;
  /** Why it is not ready: the state, or the unreachable dependency. */
  reason?: string;
  /** Each dependency: true when it answers. */
  checks: Record<string, boolean>;
  /** The recent-refs consumer: reported, never a reason to be unready (only the ref preview depends on it). */
  recent_refs: RecorderStatus;
}

export interface HealthReport {
  /** False exactly when the service failed and will exit to be restarted. */
  healthy: boolean;
  state: string;
  reason?: string;
}

/** Everything the HTTP layer needs, constructed and connected by createApp. */
export interface ApiDeps {
  verifier: TokenVerifier;
  notifications: NotificationStore;
  emails: AuthorizedEmailStore;
  /** Confirmation mails sent, for their rate limits. */
  mailLog: AuthorizationMailLog;
  mailLimits: AuthorizationMailLimits;
  inapp: InAppStore;
  /** The last few refs built in each repository (the ref-regex preview). */
  recentRefs: RecentRefsStore;
  changes: ChangeFeed;
  testDelivery: TestDelivery;
  /** The delivery attempt log (written by the delivery services). */
  attempts: AttemptLog;
  /** Re-publishes a notification's dead-lettered jobs. */
  redrive(n: NotificationDoc): Promise<RedriveResult>;
  /** Attempt inspection, resend of one delivery, endpoint health (issue 18). */
  deliveries: DeliveryOps;
  /** Replays of a time window of the event log, per notification (issue 18). */
  replays: Pick<ReplayTasks, 'start' | 'get' | 'cancel'>;
  mailer: ConfirmationMailer;
  /** The delivery services' SSRF guard and allow-lists, applied to URLs at creation. */
  destinations: DestinationGuard;
  /** Base URL for links in mails, without a trailing slash. */
  publicUrl: string;
  emailCodeTtlMs: number;
  /** How long a rotated-out signing secret keeps signing, unless a PUT says otherwise. */
  secretOverlapMs: number;
  /** Removes a rotated-out secret from MongoDB when its overlap ends. */
  secretExpiry: { schedule(uuid: string, at: Date): void };
  /** The audit log, read by the audit routes. */
  audit: AuditLog;
  /** Records audited actions (audit/auditor.ts): every change to a notification or an e-mail authorization. */
  auditor: Auditor;
  readiness(): Promise<ReadinessReport>;
  health(): HealthReport;
}

export { AuthorizedEmailStore, AUTHORIZED_EMAILS_COLLECTION } from './authorized-email-store.js';
export type { AuthorizedEmail, AuthorizedEmailDoc, AuthorizationRequest } from './authorized-email-store.js';
export { InAppStore, INAPP_COLLECTION, INAPP_TARGET_KINDS } from './inapp-store.js';
export type { InAppDoc, InAppPage, InAppRecipient, InAppTarget, InAppTargetKind, NewInApp } from './inapp-store.js';
export { isEmailAddress, normalizeEmail, MAX_EMAIL_LENGTH } from './email-address.js';
export { AuthorizationMailLog, AUTHORIZATION_MAILS_COLLECTION, isMailRefusal } from './authorization-mail-log.js';
export type { AuthorizationMailDoc, AuthorizationMailLimits, MailClaim, MailRefusal } from './authorization-mail-log.js';
export { RecentRefsStore, RECENT_REFS_COLLECTION, MAX_RECENT_REF_LENGTH, mergeRecentRefs } from './recent-refs-store.js';
export type { RecentRef, RecentRefsDoc } from './recent-refs-store.js';

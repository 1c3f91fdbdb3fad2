import type { FastifyReply } from 'fastify';
import { ValidationError } from '@herald/errors';
import type { Principal } from '@herald/auth';
import { isEmailAddress, isMailRefusal, normalizeEmail } from '@herald/store';
import { repositoryScope } from '../audit/auditor.js';
import type { ApiDeps } from '../deps.js';
import { NotFoundError, TooManyRequestsError, UpstreamError } from '../http/http-errors.js';
import { confirmationLink, confirmationMail } from '../mail/confirmation-mail.js';

/**
 * An authorization in Quay's response shape: `repository` is the name within the namespace. Quay
 * also returns the confirmation `code`; Herald never does (whoever may read the API could otherwise
 * confirm an address without access to its mailbox).
 */
export function authorizedEmailView(a: { email: string; repository: string; confirmed: boolean }): Record<string, unknown> {
  const slash = a.repository.indexOf('/');
  return { email: a.email, repository: a.repository.slice(slash + 1), namespace: a.repository.slice(0, slash), confirmed: a.confirmed };
}

function checkEmail(email: string): void {
  if (!isEmailAddress(email.trim())) throw new ValidationError('email', 'must be a valid e-mail address');
}

/** `GET …/authorizedemail/{email}`: `{email, repository, namespace, confirmed}`; 404 if never requested. */
export async function getAuthorizedEmail(deps: ApiDeps, repository: string, email: string): Promise<unknown> {
  checkEmail(email);
  const a = await deps.emails.get(repository, email);
  if (!a) throw new NotFoundError(`no authorization for ${email} on ${repository}`);
  return authorizedEmailView(a);
}

/**
 * `POST …/authorizedemail/{email}`: starts authorization and mails the confirmation link. An address
 * already confirmed is reported as such and gets no mail. Mails are rate-limited per address and
 * per repository (429 with `Retry-After`; the earlier link stays valid). The code is never in the
 * response.
 */
export async function requestAuthorizedEmail(deps: ApiDeps, repository: string, email: string, who: Principal): Promise<unknown> {
  checkEmail(email);
  const existing = await deps.emails.get(repository, email);
  if (existing?.confirmed) return authorizedEmailView(existing);
  const entry = { actor: who.subject, action: 'email_request', scope: repositoryScope(repository), email: normalizeEmail(email) } as const;
  return deps.auditor.record(entry, () => sendConfirmation(deps, repository, email));
}

/** A new code, mailed; within the rate limits. */
async function sendConfirmation(deps: ApiDeps, repository: string, email: string): Promise<unknown> {
  const claim = await deps.mailLog.claim(repository, email, deps.mailLimits);
  if (isMailRefusal(claim)) {
    throw new TooManyRequestsError(`${claim.reason}; try again later`, claim.retryAfterMs / 1000);
  }
  const { authorization: a, code } = await deps.emails.request(repository, email);
  if (code !== undefined) {
    const mail = confirmationMail(a.email, repository, confirmationLink(deps.publicUrl, code));
    try {
      await deps.mailer.send(mail);
    } catch (err) {
      await claim.release();
      throw new UpstreamError(502, 'the confirmation e-mail could not be sent; retry later', err);
    }
  } else {
    await claim.release();
  }
  return authorizedEmailView(a);
}

/** `DELETE …/authorizedemail/{email}`: withdraws the authorization (204), 404 if none. */
export async function deleteAuthorizedEmail(deps: ApiDeps, repository: string, email: string, reply: FastifyReply, who: Principal): Promise<void> {
  checkEmail(email);
  const existing = await deps.emails.get(repository, email);
  if (!existing) throw new NotFoundError(`no authorization for ${email} on ${repository}`);
  const entry = { actor: who.subject, action: 'email_withdraw', scope: repositoryScope(repository), email: existing.email } as const;
  await deps.auditor.record(entry, async () => {
    if (!(await deps.emails.remove(repository, email))) throw new NotFoundError(`no authorization for ${email} on ${repository}`);
  });
  void reply.code(204);
}

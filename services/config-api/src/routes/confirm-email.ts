import type { FastifyInstance, FastifyReply } from 'fastify';
import { Type } from 'typebox';
import { mailboxActor, repositoryScope } from '../audit/auditor.js';
import type { ApiDeps } from '../deps.js';
import { NotFoundError } from '../http/http-errors.js';
import { Html } from '../schemas/common.js';
import { escapeHtml, htmlPage } from '../present/html.js';

const PATH = '/authrepoemail';
const FORM_BODY_LIMIT = 4 * 1024;

/**
 * The code is judged by the handler, which answers with a page (not a JSON 400) when it is missing
 * or not one string: these schemas describe, and accept anything.
 */
const CODE = { code: Type.Unknown({ description: 'The code of the confirmation link (a string)' }) };
const CodeQuery = Type.Object({ code: Type.Optional(CODE.code) });
const CodeForm = Type.Unsafe({ properties: CODE, description: 'The form of the confirmation page' });
const PAGES = { produces: ['text/html'], tags: ['e-mail authorization'] };

function pageHeaders(reply: FastifyReply): FastifyReply {
  return reply
    .type('text/html; charset=utf-8')
    .header('Cache-Control', 'no-store')
    .header('Referrer-Policy', 'no-referrer')
    .header('X-Content-Type-Options', 'nosniff')
    .header('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'");
}

const MISSING = htmlPage('Missing confirmation code', '<p>The link is incomplete: it has no code.</p>');
const INVALID = htmlPage(
  'Invalid confirmation link',
  '<p>This confirmation link is unknown, was replaced by a newer one, or has expired. Ask a repository admin to send a new one.</p>',
);

function confirmedPage(a: { email: string; repository: string }): string {
  return htmlPage(
    'E-mail address confirmed',
    `<p>The address <strong>${escapeHtml(a.email)}</strong> may now receive notifications for the repository <strong>${escapeHtml(a.repository)}</strong>.</p>`,
  );
}

/**
 * Confirms the authorization a code was issued for, recorded in the audit log with the address as
 * actor (the link needs no token: the mailbox is the proof). Null for an unknown, superseded or
 * expired code, which changes nothing and is not recorded; confirming again records nothing either.
 */
async function confirm(deps: ApiDeps, code: string): Promise<{ email: string; repository: string } | null> {
  const found = await deps.emails.lookup(code, deps.emailCodeTtlMs);
  if (!found || found.confirmed) return found;
  const entry = { actor: mailboxActor(found.email), action: 'email_confirm', scope: repositoryScope(found.repository), email: found.email } as const;
  try {
    return await deps.auditor.record(entry, async () => {
      const a = await deps.emails.confirm(code, deps.emailCodeTtlMs);
      if (!a) throw new NotFoundError('the code expired or was replaced while it was confirmed');
      return a;
    });
  } catch (err) {
    if (err instanceof NotFoundError) return null;
    throw err;
  }
}

/**
 * The link of the confirmation mail. `GET /authrepoemail?code=…` only shows what would be
 * confirmed and a button; the button POSTs the code, and only the POST confirms. Mail scanners and
 * link previewers fetch links with GET (and HEAD): they can no longer confirm an address nobody
 * looked at. No token: possession of the code is the proof.
 */
export function registerConfirmEmail(app: FastifyInstance, deps: ApiDeps): void {
  // No HEAD route: a link checker gets 404, and learns nothing about the code.
  const page = (description: string) => ({ ...Html, description });
  app.get(
    PATH,
    {
      exposeHeadRoute: false,
      schema: {
        ...PAGES,
        summary: 'The link of the confirmation mail: a page showing what would be confirmed, with a button (opening it confirms nothing)',
        querystring: CodeQuery,
        response: { 200: page('The confirmation page, or "already confirmed"'), 400: page('No code'), 404: page('Unknown, replaced or expired code') },
      },
    },
    async (req, reply) => {
    const raw = (req.query as Record<string, unknown>)['code'];
    const code = typeof raw === 'string' ? raw : '';
    pageHeaders(reply);
    if (code === '') return reply.code(400).send(MISSING);
    const a = await deps.emails.lookup(code, deps.emailCodeTtlMs);
    if (!a) return reply.code(404).send(INVALID);
    if (a.confirmed) return reply.code(200).send(confirmedPage(a));
    // The form posts to the same path relative to this page, so a PUBLIC_URL with a path prefix works.
    const body = `<p>Confirm that <strong>${escapeHtml(a.email)}</strong> may receive notifications for the repository <strong>${escapeHtml(a.repository)}</strong>?</p>
<form method="post" action="authrepoemail"><input type="hidden" name="code" value="${escapeHtml(code)}"><button type="submit">Confirm this e-mail address</button></form>
<p>If you did not expect this, close this page: nothing will be sent until you confirm.</p>`;
    return reply.code(200).send(htmlPage('Confirm e-mail notifications', body));
  });

  // The form's POST: an urlencoded body, parsed in this scope only.
  void app.register(async (scope) => {
    scope.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: FORM_BODY_LIMIT }, (_req, body, done) => {
      done(null, Object.fromEntries(new URLSearchParams(typeof body === 'string' ? body : body.toString('utf8'))));
    });
    scope.post(
      PATH,
      {
        schema: {
          ...PAGES,
          consumes: ['application/x-www-form-urlencoded'],
          summary: "The page's button: confirms the authorization",
          body: CodeForm,
          response: { 200: page('Confirmed'), 400: page('No code'), 404: page('Unknown, replaced or expired code') },
        },
      },
      async (req, reply) => {
      const b = req.body as Record<string, unknown> | undefined;
      const code = typeof b === 'object' && b !== null && typeof b['code'] === 'string' ? b['code'] : '';
      pageHeaders(reply);
      if (code === '') return reply.code(400).send(MISSING);
      const a = await confirm(deps, code);
      if (!a) return reply.code(404).send(INVALID);
      return reply.code(200).send(confirmedPage(a));
    });
  });
}

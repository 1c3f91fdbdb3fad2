import type { FastifyInstance } from 'fastify';
import type { ApiDeps } from '../deps.js';
import { escapeHtml, htmlPage } from '../present/html.js';

/**
 * `GET /authrepoemail?code=…`: the link of the confirmation mail. No token: possession of the code
 * is the proof. Answers a small HTML page; never echoes the code.
 */
export function registerConfirmEmail(app: FastifyInstance, deps: ApiDeps): void {
  // No HEAD: a link checker probing the URL must not be what confirms it.
  app.get('/authrepoemail', { exposeHeadRoute: false }, async (req, reply) => {
    const raw = (req.query as Record<string, unknown>)['code'];
    const code = typeof raw === 'string' ? raw : '';
    void reply
      .type('text/html; charset=utf-8')
      .header('Cache-Control', 'no-store')
      .header('Referrer-Policy', 'no-referrer')
      .header('X-Content-Type-Options', 'nosniff')
      .header('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'");
    if (code === '') {
      return reply.code(400).send(htmlPage('Missing confirmation code', '<p>The link is incomplete: it has no code.</p>'));
    }
    const a = await deps.emails.confirm(code, deps.emailCodeTtlMs);
    if (!a) {
      const body = '<p>This confirmation link is unknown, was replaced by a newer one, or has expired. Ask a repository admin to send a new one.</p>';
      return reply.code(404).send(htmlPage('Invalid confirmation link', body));
    }
    const body = `<p>The address <strong>${escapeHtml(a.email)}</strong> may now receive notifications for the repository <strong>${escapeHtml(a.repository)}</strong>.</p>`;
    return reply.code(200).send(htmlPage('E-mail address confirmed', body));
  });
}

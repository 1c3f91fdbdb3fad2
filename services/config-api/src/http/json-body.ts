import type { FastifyInstance } from 'fastify';
import { ValidationError } from '@herald/errors';

/**
 * JSON bodies: an empty body is "no body" rather than an error (Quay clients POST reset and test
 * with a JSON content type and nothing in it); a malformed one is a 400 naming `body`.
 */
export function installJsonParser(app: FastifyInstance): void {
  app.removeContentTypeParser(['application/json']);
  app.addContentTypeParser(['application/json'], { parseAs: 'string' }, (_req, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    if (text.trim() === '') return done(null, undefined);
    try {
      done(null, JSON.parse(text) as unknown);
    } catch {
      done(new ValidationError('body', 'is not valid JSON'), undefined);
    }
  });
}

import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { HeraldError, ValidationError } from '@herald/errors';
import { ForbiddenError, UnauthenticatedError } from '@herald/auth';
import { MethodNotAllowedError, NotFoundError, NotImplementedError, UpstreamError } from './http-errors.js';

/** The JSON error body: Herald's `{error, field}`, plus Quay's `error_message` and `status`. */
export interface ErrorBody {
  error: string;
  error_message: string;
  status: number;
  field?: string;
}

export function errorBody(status: number, message: string, field?: string): ErrorBody {
  return { error: message, error_message: message, status, ...(field === undefined ? {} : { field }) };
}

function statusOf(err: unknown): number {
  if (err instanceof ValidationError) return 400;
  if (err instanceof UnauthenticatedError) return 401;
  if (err instanceof ForbiddenError) return 403;
  if (err instanceof NotFoundError) return 404;
  if (err instanceof MethodNotAllowedError) return 405;
  if (err instanceof NotImplementedError) return 501;
  if (err instanceof UpstreamError) return err.status;
  if (err instanceof HeraldError) return 500;
  const s = (err as Partial<FastifyError>).statusCode;
  return typeof s === 'number' && s >= 400 && s < 500 ? s : 500;
}

/**
 * Maps every error to a JSON response: 4xx name what is wrong, 5xx say nothing internal. Only
 * 5xx are logged as errors.
 */
export function errorHandler(err: unknown, req: FastifyRequest, reply: FastifyReply): void {
  const status = statusOf(err);
  if (err instanceof UnauthenticatedError) {
    const extra = err.bearerError ? `, error="${err.bearerError}", error_description="${err.message}"` : '';
    void reply.header('WWW-Authenticate', `Bearer realm="herald"${extra}`);
  }
  if (err instanceof MethodNotAllowedError) void reply.header('Allow', err.allow.join(', '));
  if (status >= 500 && !(err instanceof NotImplementedError)) {
    req.log.error({ err, route: req.routeOptions.url, method: req.method }, 'request failed');
  }
  const message =
    status === 500 ? 'internal error' : err instanceof Error ? err.message : 'request failed';
  const field = err instanceof ValidationError ? err.field : undefined;
  void reply.code(status).type('application/json; charset=utf-8').send(errorBody(status, message, field));
}

import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { HeraldError, ValidationError } from '@herald/errors';
import { ForbiddenError, UnauthenticatedError } from '@herald/auth';
import { ConflictError, MethodNotAllowedError, NotFoundError, NotImplementedError, TooManyRequestsError, UpstreamError } from './http-errors.js';

/** Quay's API error types (endpoints/exception.py `ApiErrorType`) Herald answers with. */
export const ERROR_TYPES = {
  invalid_request: 'The request was invalid. It may have contained invalid values or was improperly formatted.',
  invalid_token: 'The access token provided was invalid.',
  insufficient_scope: 'The access token did not have sufficient scope to access the requested resource.',
  not_found: 'The resource was not found.',
  downstream_issue: 'An error occurred in a downstream service.',
} as const;
export type ErrorType = keyof typeof ERROR_TYPES;

/**
 * The JSON error body in Quay's shape (`detail`, `error_message`, `error_type`, `title`, `type`,
 * `status`), plus Herald's `error` (the same text) and `field` (the offending request field).
 */
export interface ErrorBody {
  detail: string;
  error_message: string;
  error_type: ErrorType;
  title: ErrorType;
  type: string;
  status: number;
  error: string;
  field?: string;
}

export function errorTypeOf(status: number): ErrorType {
  if (status === 401) return 'invalid_token';
  if (status === 403) return 'insufficient_scope';
  if (status === 404) return 'not_found';
  if (status >= 500) return 'downstream_issue';
  return 'invalid_request';
}

/** `typeBase` is the service's public URL: `type` points at `GET /api/v1/error/{error_type}`, as Quay's does. */
export function errorBody(status: number, message: string, field?: string, typeBase = ''): ErrorBody {
  const t = errorTypeOf(status);
  return {
    detail: message,
    error_message: message,
    error_type: t,
    title: t,
    type: `${typeBase}/api/v1/error/${t}`,
    status,
    error: message,
    ...(field === undefined ? {} : { field }),
  };
}

/** The HTTP status an error is answered with (the audit log records it for failed actions). */
export function statusOf(err: unknown): number {
  if (err instanceof ValidationError) return 400;
  if (err instanceof UnauthenticatedError) return 401;
  if (err instanceof ForbiddenError) return 403;
  if (err instanceof NotFoundError) return 404;
  if (err instanceof MethodNotAllowedError) return 405;
  if (err instanceof ConflictError) return 409;
  if (err instanceof TooManyRequestsError) return 429;
  if (err instanceof NotImplementedError) return 501;
  if (err instanceof UpstreamError) return err.status;
  if (err instanceof HeraldError) return 500;
  const s = (err as Partial<FastifyError>).statusCode;
  return typeof s === 'number' && s >= 400 && s < 500 ? s : 500;
}

export type ErrorHandler = (err: unknown, req: FastifyRequest, reply: FastifyReply) => void;

/**
 * Maps every error to a JSON response: 4xx name what is wrong, 5xx say nothing internal. Only
 * 5xx are logged as errors. `typeBase`: see errorBody.
 */
export function createErrorHandler(typeBase = ''): ErrorHandler {
  return (err, req, reply) => {
    const status = statusOf(err);
    if (err instanceof UnauthenticatedError) {
      const extra = err.bearerError ? `, error="${err.bearerError}", error_description="${err.message}"` : '';
      void reply.header('WWW-Authenticate', `Bearer realm="herald"${extra}`);
    }
    if (err instanceof MethodNotAllowedError) void reply.header('Allow', err.allow.join(', '));
    if (err instanceof TooManyRequestsError) void reply.header('Retry-After', String(err.retryAfterSeconds));
    if (status >= 500 && !(err instanceof NotImplementedError)) {
      req.log.error({ err, route: req.routeOptions.url, method: req.method }, 'request failed');
    }
    const message = status === 500 ? 'internal error' : err instanceof Error ? err.message : 'request failed';
    const field = err instanceof ValidationError ? err.field : undefined;
    void reply.code(status).type('application/json; charset=utf-8').send(errorBody(status, message, field, typeBase));
  };
}

/** The handler with a relative `type` (tests, and pages without a public URL). */
export const errorHandler: ErrorHandler = createErrorHandler();

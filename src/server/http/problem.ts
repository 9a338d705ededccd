// Errors: every domain names its failures with stable codes; one handler maps them to RFC 9457.
import type { FastifyError, FastifyInstance } from 'fastify';
import { identityErrors } from '../modules/identity/identity.errors.ts';
import { importsErrors } from '../modules/imports/imports.errors.ts';
import { jobsErrors } from '../modules/jobs/jobs.errors.ts';
import { peopleErrors } from '../modules/people/people.errors.ts';
import { segmentsErrors } from '../modules/segments/segments.errors.ts';

// Failures that belong to no domain: HTTP plumbing.
const httpErrors = {
  VALIDATION_FAILED: 400,
  NOT_FOUND: 404,
  ROUTE_NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  RATE_LIMITED: 429,
  INTERNAL_ERROR: 500,
  SERVICE_UNAVAILABLE: 503,
} as const;

// Every code of every domain with its status: one table, so a code cannot exist without a status.
const STATUS_BY_CODE = { ...httpErrors, ...identityErrors, ...importsErrors, ...jobsErrors, ...peopleErrors, ...segmentsErrors } as const;
export type ErrorCode = keyof typeof STATUS_BY_CODE;
export const ERROR_CODES = Object.keys(STATUS_BY_CODE) as ErrorCode[];

/** A failure the client can act on, carrying a stable code. */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly extra: Record<string, unknown>;
  constructor(code: ErrorCode, message?: string, extra: Record<string, unknown> = {}) {
    super(message ?? titleOf(code));
    this.name = 'AppError';
    this.code = code;
    this.extra = extra;
  }
}

/** Shorthand for the most common failure: the resource does not exist (or is not yours). */
export function notFound(what = 'resource'): AppError {
  return new AppError('NOT_FOUND', `No such ${what}.`);
}

/** HTTP status of an error code. */
export function statusOf(code: ErrorCode): number {
  return STATUS_BY_CODE[code];
}

/** Human title of each code (stable, English, as RFC 9457 suggests). */
export function titleOf(code: ErrorCode): string {
  return code
    .toLowerCase()
    .replace(/_/g, ' ')
    .replace(/^./, (c) => c.toUpperCase());
}

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: ErrorCode;
  instance?: string;
  request_id?: string;
  [extra: string]: unknown;
}

/** Builds the problem document of an error code. */
export function problemOf(code: ErrorCode, detail: string, extra: Record<string, unknown> = {}): Problem {
  return {
    type: `https://relais.dev/problems/${code.toLowerCase().replace(/_/g, '-')}`,
    title: titleOf(code),
    status: statusOf(code),
    detail,
    code,
    ...extra,
  };
}

/** Installs the one error handler and the not-found handler of the application. */
export function registerProblemHandlers(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError | AppError, request, reply) => {
    let problem: Problem;
    if (error instanceof AppError) {
      problem = problemOf(error.code, error.message, error.extra);
    } else if ((error as FastifyError).validation) {
      const fe = error as FastifyError;
      problem = problemOf('VALIDATION_FAILED', fe.message, {
        errors: fe.validation?.map((v) => ({
          location: fe.validationContext ?? 'body',
          pointer: v.instancePath || '/',
          message: v.message,
        })),
      });
    } else {
      const status = (error as FastifyError).statusCode ?? 500;
      const code = codeForStatus(status, (error as FastifyError).code);
      if (status >= 500) request.log.error({ err: error }, 'unhandled error');
      // 5xx details never leak.
      problem = problemOf(code, status >= 500 ? 'An unexpected error occurred.' : error.message);
    }
    problem.request_id = request.id;
    problem.instance = request.url.split('?')[0];
    if (problem.status === 401) reply.header('www-authenticate', 'Bearer realm="relais"');
    reply.status(problem.status).type('application/problem+json').send(problem);
  });
  app.setNotFoundHandler((request, reply) => {
    const problem = problemOf('ROUTE_NOT_FOUND', `No route ${request.method} ${request.url.split('?')[0]}.`);
    problem.request_id = request.id;
    reply.status(404).type('application/problem+json').send(problem);
  });
}

function codeForStatus(status: number, fastifyCode?: string): ErrorCode {
  if (fastifyCode === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') return 'UNSUPPORTED_MEDIA_TYPE';
  switch (status) {
    case 400:
      return 'VALIDATION_FAILED';
    case 401:
      return 'UNAUTHENTICATED';
    case 403:
      return 'FORBIDDEN';
    case 404:
      return 'NOT_FOUND';
    case 405:
      return 'METHOD_NOT_ALLOWED';
    case 413:
      return 'PAYLOAD_TOO_LARGE';
    case 415:
      return 'UNSUPPORTED_MEDIA_TYPE';
    case 429:
      return 'RATE_LIMITED';
    case 503:
      return 'SERVICE_UNAVAILABLE';
    default:
      return status >= 500 ? 'INTERNAL_ERROR' : 'VALIDATION_FAILED';
  }
}

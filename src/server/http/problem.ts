// Errors: every domain names its failures with stable codes; one handler maps them to RFC 9457.
import type { FastifyError, FastifyInstance } from 'fastify';
// Type-only: the codes are derived from the list of modules, whose files import AppError from here.
import type { ModuleErrorCode } from '../modules/index.ts';

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

/** Every code: the HTTP layer's and those each module's manifest declares with its status. */
export type ErrorCode = keyof typeof httpErrors | ModuleErrorCode;

// Every code of every domain with its status: the HTTP layer's, then the modules' tables handed to
// registerProblemHandlers by app.ts (from the manifests, so a code cannot exist without a status).
const statusByCode = new Map<string, number>(Object.entries(httpErrors));

/** Adds the modules' error tables to the status table; a code declared twice with two statuses is refused. */
export function registerErrorStatuses(tables: readonly Readonly<Record<string, number>>[]): void {
  for (const table of tables) {
    for (const [code, status] of Object.entries(table)) {
      const known = statusByCode.get(code);
      if (known !== undefined && known !== status) throw new Error(`Error code ${code} declared with statuses ${known} and ${status}.`);
      statusByCode.set(code, status);
    }
  }
}

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
  const status = statusByCode.get(code);
  if (status === undefined) throw new Error(`Error code ${code} has no status: is its module in modules/index.ts?`);
  return status;
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

/** Installs the one error handler and the not-found handler of the application, with the modules' error tables. */
export function registerProblemHandlers(app: FastifyInstance, errorTables: readonly Readonly<Record<string, number>>[]): void {
  registerErrorStatuses(errorTables);
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

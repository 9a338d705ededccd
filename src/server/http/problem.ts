// Errors: every domain names its failures with stable codes; one handler maps them to RFC 9457.
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { databaseErrors } from '../db/database.errors.ts';
import { DatabaseBusyError } from '../db/database.ts';
// Type-only: the codes are derived from the list of modules, whose files import AppError from here.
import type { ModuleErrorCode } from '../modules/index.ts';
import { sendProblemNegotiated } from './hal.ts';

// Failures that belong to no domain: HTTP plumbing.
const httpErrors = {
  VALIDATION_FAILED: 400,
  NOT_FOUND: 404,
  ROUTE_NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
  URI_TOO_LONG: 414,
  UNSUPPORTED_MEDIA_TYPE: 415,
  RATE_LIMITED: 429,
  INTERNAL_ERROR: 500,
  SERVICE_UNAVAILABLE: 503,
} as const;

/** Every code: the HTTP layer's, the database's and those each module's manifest declares with its status. */
export type ErrorCode = keyof typeof httpErrors | keyof typeof databaseErrors | ModuleErrorCode;

// Every code of every domain with its status: the platform's (HTTP, database), then the modules'
// tables handed to registerProblemHandlers by app.ts (from the manifests, so a code cannot exist
// without a status).
const statusByCode = new Map<string, number>([...Object.entries(httpErrors), ...Object.entries(databaseErrors)]);

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

/** Every code known to the status table (the platform's, and the modules' once registered). */
export function knownErrorCodes(): string[] {
  return [...statusByCode.keys()];
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
    const fromDatabase = problemOfDatabaseError(error);
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
    } else if (fromDatabase) {
      problem = fromDatabase;
      request.log.warn({ err: error, code: problem.code }, 'database refused the request');
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
    // A busy database or pool: the client may try again shortly.
    if (problem.status === 503 && !reply.hasHeader('retry-after')) reply.header('retry-after', String(RETRY_AFTER_SECONDS));
    sendProblemNegotiated(request, reply, problem);
  });
  app.setNotFoundHandler((request, reply) => {
    const problem = problemOf('ROUTE_NOT_FOUND', `No route ${request.method} ${request.url.split('?')[0]}.`);
    problem.request_id = request.id;
    sendProblemNegotiated(request, reply, problem);
  });
}

/**
 * Fastify's refusals before any route or hook runs (Fastify's `frameworkErrors`): a path that does
 * not decode (`%ZZ`, `%C0%80`) and a path parameter past its length; without this they were plain
 * JSON with Fastify's own codes.
 */
export function sendFrameworkProblem(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const path = request.url.split('?')[0];
  const problem =
    error.code === 'FST_ERR_BAD_URL'
      ? problemOf('VALIDATION_FAILED', 'The path is not valid percent-encoded UTF-8.')
      : error.code === 'FST_ERR_MAX_PARAM_LENGTH'
        ? problemOf('URI_TOO_LONG', 'A part of the path is too long.')
        : problemOf(codeForStatus(error.statusCode ?? 500), 'The request could not be routed.');
  problem.request_id = request.id;
  problem.instance = path;
  reply.status(problem.status).type('application/problem+json').send(problem);
}

/** Seconds a client is asked to wait (Retry-After) when the database is busy. */
export const RETRY_AFTER_SECONDS = 5;

// SQLSTATEs a client can provoke (values the schema let through but the database refuses, a request
// too large to run, a statement cut by the timeout, contention), each with a code and a detail of
// our own: the driver's message names tables, constraints and the values sent.
const DATABASE_PROBLEMS: Record<string, [ErrorCode, string]> = {
  '23505': ['CONFLICT', 'Another record already has this value (it must be unique).'],
  '23503': ['CONFLICT', 'A record this one refers to is gone, or other records still refer to it.'],
  '23P01': ['CONFLICT', 'This conflicts with another record.'],
  '23502': ['INVALID_VALUE', 'A required value is missing.'],
  '23514': ['INVALID_VALUE', 'A value breaks a rule of its field.'],
  '22001': ['VALUE_OUT_OF_RANGE', 'A text is too long for its field.'],
  '22003': ['VALUE_OUT_OF_RANGE', 'A number is out of range.'],
  '22008': ['VALUE_OUT_OF_RANGE', 'A date or time is out of range, or not a day of the calendar.'],
  '22015': ['VALUE_OUT_OF_RANGE', 'A duration is out of range.'],
  // The driver's message overflowed (more than 65,535 bind parameters): the server calls it a protocol violation.
  '08P01': ['REQUEST_TOO_COMPLEX', 'The request is too large for the database (too many values).'],
  '54000': ['REQUEST_TOO_COMPLEX', 'The request is too large for the database (too many values or conditions).'],
  '54001': ['REQUEST_TOO_COMPLEX', 'The request is too complex for the database.'],
  '57014': ['QUERY_TIMEOUT', 'The database did not finish in time; try again, or narrow the request.'],
};
const BUSY_SQLSTATES = new Set(['40001', '40P01', '55P03', '53300', '25P03', '57P01', '57P03']);

/** The problem of an error the database raised (or of a full pool), or null when it is none of those. */
export function problemOfDatabaseError(error: unknown): Problem | null {
  if (error instanceof DatabaseBusyError) return problemOf('SERVICE_UNAVAILABLE', 'The server is busy; try again shortly.');
  if (typeof error !== 'object' || error === null || !('severity' in error)) return null;
  const sqlstate = String((error as { code?: unknown }).code ?? '');
  const known = DATABASE_PROBLEMS[sqlstate];
  if (known) return problemOf(known[0], known[1]);
  if (BUSY_SQLSTATES.has(sqlstate)) return problemOf('SERVICE_UNAVAILABLE', 'The server is busy; try again shortly.');
  // Any other data exception (class 22: bad text for a number or a date, a NUL byte, bad encoding…)
  // or program limit (class 54: too many bind parameters, columns…) comes from what was sent.
  if (sqlstate.startsWith('22')) return problemOf('INVALID_VALUE', 'A value sent cannot be stored or compared as its field requires.');
  if (sqlstate.startsWith('54')) return problemOf('REQUEST_TOO_COMPLEX', 'The request is too large for the database.');
  return null;
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
    case 414:
      return 'URI_TOO_LONG';
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

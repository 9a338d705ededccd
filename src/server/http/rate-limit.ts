// Rate limits per API token: every request an API token authenticates counts against the token's
// limit (its own `rate_limit_per_minute`, else API_TOKEN_RATE_LIMIT) over a fixed one-minute window,
// counted by @fastify/rate-limit's in-memory store in this process: no database work per request.
// Behind N instances a token gets up to N × its limit (each instance counts its own share).
// Answers carry the IETF draft's headers (draft-ietf-httpapi-ratelimit-headers-07): RateLimit-Limit,
// -Remaining, -Reset (seconds) and RateLimit-Policy (`600;w=60`); past the limit, 429 RATE_LIMITED
// (problem+json) with Retry-After.
import type { FastifyInstance, FastifyReply } from 'fastify';
import fp from 'fastify-plugin';
import { AppError } from './problem.ts';

const WINDOW_SECONDS = 60;

function setHeaders(reply: FastifyReply, limit: number, remaining: number, resetSeconds: number): void {
  reply.header('ratelimit-limit', limit);
  reply.header('ratelimit-remaining', remaining);
  reply.header('ratelimit-reset', resetSeconds);
  reply.header('ratelimit-policy', `${limit};w=${WINDOW_SECONDS}`);
}

/** Counts API token requests (registered after the auth plugin, with @fastify/rate-limit in the same scope). */
export const tokenRateLimitPlugin = fp(async (app: FastifyInstance, { defaultPerMinute }: { defaultPerMinute: number }) => {
  const limiter = app.createRateLimit({
    timeWindow: WINDOW_SECONDS * 1000,
    keyGenerator: (request) => `token:${request.actor?.tokenId ?? ''}`,
    max: (request) => request.actor?.rateLimitPerMinute ?? defaultPerMinute,
  });
  app.addHook('onRequest', async (request, reply) => {
    if (!request.actor?.tokenId) return;
    const counted = await limiter(request);
    if (counted.isAllowed) return;
    setHeaders(reply, counted.max, counted.remaining, counted.ttlInSeconds);
    if (counted.isExceeded) {
      reply.header('retry-after', counted.ttlInSeconds);
      throw new AppError(
        'RATE_LIMITED',
        `This API token made more than ${counted.max} requests this minute: retry in ${counted.ttlInSeconds} s.`,
        { limit: counted.max, window_seconds: WINDOW_SECONDS, retry_after: counted.ttlInSeconds },
      );
    }
  });
});

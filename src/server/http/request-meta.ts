// Request facts that use cases record (audit): client address and agent.
import type { FastifyRequest } from 'fastify';
import type { TenantActor } from './auth.ts';

/** The caller's IP and user agent. */
export function metaOf(request: FastifyRequest) {
  return { ip: request.ip ?? null, userAgent: request.headers['user-agent'] ?? null };
}

/** The actor as use cases see it (who, in which campaign, from where). */
export function actorRef(request: FastifyRequest, actor: TenantActor) {
  return {
    campaignId: actor.campaignId,
    userId: actor.userId,
    tokenId: actor.tokenId,
    label: actor.label,
    role: actor.role,
    zoneScope: actor.zoneScope,
    ip: request.ip ?? null,
  };
}

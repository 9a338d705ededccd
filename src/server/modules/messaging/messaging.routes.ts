// Routes of the messaging module: mailings as OSDI messages (CRUD, preview, test send, audience
// count, the osdi:send_helper).
import type { FastifyPluginAsync } from 'fastify';

export const messagingRoutes: FastifyPluginAsync = async () => {};

// The audit module's public face and manifest: the audit log (what others write to it) and its read route.
import { defineModule } from '../manifest.ts';
import { auditRoutes } from './audit.routes.ts';
import { auditNav } from './nav.ts';

export { type AuditEntry, insertAuditEvents } from './audit.repo.ts';

export const auditModule = defineModule({
  name: 'audit',
  routes: [{ prefix: '/api/v1', plugin: auditRoutes }],
  links: [{ rel: 'relais:audit_events', path: '/audit_events', title: 'The audit log' }],
  permissions: [{ id: 'audit.read', roles: ['admin'] }],
  scopes: [{ id: 'audit:read', permission: 'audit.read', fr: "Lire le journal d'audit", en: 'Read the audit log' }],
  nav: auditNav,
});

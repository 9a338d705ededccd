// The dashboard module's public face and manifest: the home figures, scoped to the actor's zones.
import { defineModule } from '../manifest.ts';
import { dashboardRoutes } from './dashboard.routes.ts';
import { dashboardNav } from './nav.ts';

export const dashboardModule = defineModule({
  name: 'dashboard',
  routes: [{ prefix: '/api/v1', plugin: dashboardRoutes }],
  links: [{ rel: 'relais:dashboard', path: '/dashboard', title: 'The campaign dashboard' }],
  permissions: [
    {
      id: 'dashboard.read',
      roles: ['admin', 'organizer', 'referent', 'community_manager', 'moderator', 'candidate'],
    },
  ],
  scopes: [{ id: 'dashboard:read', permission: 'dashboard.read', fr: 'Lire le tableau de bord', en: 'Read the dashboard' }],
  nav: dashboardNav,
});

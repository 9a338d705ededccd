// The public site's face and manifest: server-rendered pages at the root (home with the candidate's
// message and the map of arrondissements, a page per arrondissement with its running mates and
// news, news, edited pages, the accessibility declaration, sitemap, robots.txt, news feeds, images),
// and their editing in the API (/api/v1/site/…) and the back office.
import { defineModule } from '../modules/manifest.ts';
import { siteNav } from './nav.ts';
import { siteApiRoutes } from './site.api.ts';
import { siteErrors } from './site.errors.ts';
import { siteRoutes } from './site.routes.ts';

export { sanitizeRichText } from './html.ts';
export { forgetSitePages } from './page-cache.ts';

export const siteModule = defineModule({
  name: 'site',
  routes: [
    { prefix: '', plugin: siteRoutes },
    { prefix: '/api/v1', plugin: siteApiRoutes },
  ],
  errors: siteErrors,
  permissions: [
    { id: 'site.read', roles: ['admin', 'organizer', 'referent', 'community_manager', 'moderator', 'candidate'] },
    { id: 'site.write', roles: ['admin', 'organizer', 'referent', 'community_manager'] },
  ],
  scopes: [
    {
      id: 'site:read',
      permission: 'site.read',
      fr: 'Lire le contenu du site public (pages, actualités, colistiers)',
      en: "Read the public site's content (pages, news, running mates)",
    },
    {
      id: 'site:write',
      permission: 'site.write',
      fr: 'Modifier le contenu du site public (pages, actualités, colistiers, images)',
      en: "Change the public site's content (pages, news, running mates, images)",
    },
  ],
  links: [
    { rel: 'relais:site_pages', path: '/site/pages', title: "The public site's pages" },
    { rel: 'relais:site_news', path: '/site/news', title: "The public site's news" },
    { rel: 'relais:site_running_mates', path: '/site/running_mates', title: 'The running mates of each arrondissement' },
  ],
  nav: siteNav,
});

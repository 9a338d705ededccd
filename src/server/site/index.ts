// The public site's manifest: server-rendered pages at the root.
import { defineModule } from '../modules/manifest.ts';
import { siteRoutes } from './site.routes.ts';

export const siteModule = defineModule({
  name: 'site',
  routes: [{ prefix: '', plugin: siteRoutes }],
});

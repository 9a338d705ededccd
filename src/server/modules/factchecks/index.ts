// The fact checks module's public face and manifest ("le vrai du faux"): claims checked against
// the campaign's verdict scale, with sources whose links are checked in the background, reviewed
// before publishing (held by electoral silence), shown on the site with schema.org ClaimReview.
import { defineModule } from '../manifest.ts';
import { factchecksErrors } from './factchecks.errors.ts';
import { factchecksRoutes } from './factchecks.routes.ts';
import { factchecksSiteRoutes } from './factchecks.site.ts';
import { factchecksNav } from './nav.ts';
import { checkSourcesJob } from './sources-check.ts';

export { claimReviewOf, jsonLdScript } from './claim-review.ts';
export { seedDemoFactchecks } from './demo.ts';
export { findFactchecks } from './factchecks.repo.ts';
export { FACTCHECKS_PATH, publicUrlOf } from './factchecks.site.ts';

export const factchecksModule = defineModule({
  name: 'factchecks',
  routes: [
    { prefix: '/api/v1', plugin: factchecksRoutes },
    { prefix: '', plugin: factchecksSiteRoutes },
  ],
  errors: factchecksErrors,
  permissions: [
    { id: 'factchecks.read', roles: ['admin', 'organizer', 'referent', 'community_manager', 'moderator', 'candidate', 'volunteer'] },
    { id: 'factchecks.write', roles: ['admin', 'organizer', 'community_manager'] },
    { id: 'factchecks.publish', roles: ['admin', 'community_manager'] },
    // Publishing one's own check without a second reader: owners only (they hold every permission).
    { id: 'factchecks.publish_own', roles: [] },
  ],
  scopes: [
    { id: 'factchecks:read', permission: 'factchecks.read', fr: 'Lire les vérifications (le vrai du faux)', en: 'Read fact checks' },
    {
      id: 'factchecks:write',
      permission: 'factchecks.write',
      fr: 'Rédiger des vérifications et les soumettre à relecture',
      en: 'Write fact checks and submit them for review',
    },
    {
      id: 'factchecks:publish',
      permission: 'factchecks.publish',
      fr: 'Relire, publier et retirer des vérifications ; modifier l’échelle des verdicts',
      en: 'Review, publish and withdraw fact checks; change the verdict scale',
    },
  ],
  links: [{ rel: 'relais:factchecks', path: '/factchecks', title: "The campaign's fact checks (schema.org ClaimReview on the site)" }],
  jobs: [checkSourcesJob],
  nav: factchecksNav,
});

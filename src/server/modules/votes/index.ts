// The public votes module's public face and manifest (e.g. the official poster): options with
// images, one ballot per e-mail address counted once confirmed through a signed link, results live
// or after the close, a tally recomputable from the ballots, anti-fraud counters and audited voiding.
import { defineModule } from '../manifest.ts';
import { votesNav } from './nav.ts';
import { votesErrors } from './votes.errors.ts';
import { votesRoutes } from './votes.routes.ts';
import { votesSiteRoutes } from './votes.site.ts';

export { seedDemoVote } from './demo.ts';

export const votesModule = defineModule({
  name: 'votes',
  routes: [
    { prefix: '/api/v1', plugin: votesRoutes },
    { prefix: '', plugin: votesSiteRoutes },
  ],
  errors: votesErrors,
  permissions: [
    { id: 'votes.read', roles: ['admin', 'organizer', 'referent', 'community_manager', 'moderator', 'candidate'] },
    { id: 'votes.manage', roles: ['admin', 'community_manager'] },
  ],
  scopes: [
    {
      id: 'votes:read',
      permission: 'votes.read',
      fr: 'Lire les votes publics et leurs résultats',
      en: 'Read public votes and their results',
    },
    {
      id: 'votes:manage',
      permission: 'votes.manage',
      fr: 'Gérer les votes publics : options, ouverture, clôture, compteurs anti-fraude, annulation de bulletins',
      en: 'Manage public votes: options, opening, closing, anti-fraud counters, voiding ballots',
    },
  ],
  links: [{ rel: 'relais:votes', path: '/votes', title: "The campaign's public votes (ballots confirmed by e-mail)" }],
  nav: votesNav,
});

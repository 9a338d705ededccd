// The listening module's public face and manifest: the campaign's social accounts (credentials
// sealed with AES-256-GCM), keyword watches over RSS/Atom feeds, Mastodon, Bluesky and X (one adapter
// file each, with its cursor, rate limits and back-off, fetched through the SSRF guard), the inbox
// (mentions de-duplicated, threaded and triaged, a spike detector and crisis mode), key messages,
// and replies and posts published through the networks' APIs, the candidate's own account only
// with her approval and never inside an electoral silence.
import { defineModule } from '../manifest.ts';
import { listeningErrors } from './listening.errors.ts';
import { listeningRoutes } from './listening.routes.ts';
import { listeningNav } from './nav.ts';
import { passChainJanitorOf, passJob } from './pass.ts';
import { streamJob } from './stream.job.ts';
import { websubRoutes } from './websub.routes.ts';

export { seedDemoListening } from './demo.ts';
export { type ResponseBucket, responseReport } from './listening.report.ts';

export const listeningModule = defineModule({
  name: 'listening',
  routes: [
    { prefix: '/api/v1', plugin: listeningRoutes },
    // WebSub callbacks: called by hubs, without a session (websub.routes.ts).
    { prefix: '/api/v1', plugin: websubRoutes },
  ],
  errors: listeningErrors,
  permissions: [
    { id: 'listening.read', roles: ['admin', 'organizer', 'community_manager', 'moderator', 'candidate'] },
    { id: 'listening.write', roles: ['admin', 'organizer', 'community_manager', 'candidate'] },
    { id: 'listening.publish', roles: ['admin', 'organizer', 'community_manager', 'candidate'] },
    // The candidate approves what goes out on her own account (owners hold every permission).
    { id: 'listening.approve', roles: ['candidate'] },
    { id: 'listening.accounts', roles: ['admin'] },
  ],
  scopes: [
    {
      id: 'listening:read',
      permission: 'listening.read',
      fr: 'Lire la veille : comptes, veilles, mentions, messages clés, brouillons',
      en: 'Read listening: accounts, watches, mentions, key messages, drafts',
    },
    {
      id: 'listening:write',
      permission: 'listening.write',
      fr: 'Gérer les veilles, traiter les mentions, écrire des réponses',
      en: 'Manage watches, handle mentions, write replies',
    },
    {
      id: 'listening:publish',
      permission: 'listening.publish',
      fr: 'Publier des réponses et des messages sur les réseaux',
      en: 'Publish replies and posts on the networks',
    },
    {
      id: 'listening:approve',
      permission: 'listening.approve',
      fr: 'Approuver ce qui est publié sur le compte de la candidate',
      en: "Approve what is published on the candidate's account",
    },
  ],
  links: [
    { rel: 'relais:listening_mentions', path: '/listening/mentions', title: 'Mentions caught by the watches (the inbox)' },
    { rel: 'relais:listening_watches', path: '/listening/watches', title: 'Keyword watches' },
    { rel: 'relais:listening_drafts', path: '/listening/drafts', title: 'Replies and posts, with their approvals' },
  ],
  jobs: [passJob, streamJob],
  janitors: [passChainJanitorOf],
  nav: listeningNav,
});

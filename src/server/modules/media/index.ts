// The volunteer media module's public face and manifest: photos and short videos sent from a phone
// over tus (resumable), by members, API tokens or one-time upload links; judged by their bytes;
// published copies without metadata made by a job; a moderation queue; the public gallery.
import { defineModule } from '../manifest.ts';
import { mediaErrors } from './media.errors.ts';
import { abandonedUploadsJanitorOf } from './media.janitor.ts';
import { deriveMediaJob } from './media.process.ts';
import { mediaRoutes } from './media.routes.ts';
import { mediaSiteRoutes } from './media.site.ts';
import { mediaNav } from './nav.ts';
import { tusRoutes } from './tus.routes.ts';

export { seedDemoMedia } from './demo.ts';
export { MediaPageSchema, MediaSchema, UploadLinkSchema } from './media.routes.ts';
export { GALLERY_PATH } from './media.site.ts';

export const mediaModule = defineModule({
  name: 'media',
  routes: [
    { prefix: '/api/v1', plugin: tusRoutes },
    { prefix: '/api/v1', plugin: mediaRoutes },
    { prefix: '', plugin: mediaSiteRoutes },
  ],
  errors: mediaErrors,
  permissions: [
    // Staff who see the queue (and every media's published copies).
    { id: 'media.read', roles: ['admin', 'organizer', 'referent', 'community_manager', 'moderator', 'candidate'] },
    // Approve, hide, refuse, captions, upload links, the originals: the director and communication.
    { id: 'media.moderate', roles: ['admin', 'community_manager'] },
    // Sending photos and videos: every member the field app admits.
    { id: 'media.upload', roles: ['admin', 'organizer', 'referent', 'community_manager', 'moderator', 'candidate', 'volunteer'] },
  ],
  scopes: [
    { id: 'media:read', permission: 'media.read', fr: 'Lire les photos et vidéos des bénévoles', en: "Read volunteers' photos and videos" },
    { id: 'media:write', permission: 'media.upload', fr: 'Envoyer des photos et vidéos (tus)', en: 'Upload photos and videos (tus)' },
  ],
  links: [
    {
      rel: 'relais:media',
      path: '/media',
      title: "Volunteers' photos and videos (moderation queue, gallery); uploads over tus at /media/uploads",
    },
  ],
  jobs: [deriveMediaJob],
  janitors: [abandonedUploadsJanitorOf],
  nav: mediaNav,
});

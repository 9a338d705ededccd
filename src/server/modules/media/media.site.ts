// Volunteer media on the public site: the gallery (/galerie) of approved photos and videos, newest
// first, through the site's frame; their published copies (/galerie/medias/<id>/thumbnail|web),
// served for approved media only (404 otherwise, so a hidden one leaves at once); and the page of a
// one-time upload link (/envoi/<token>) with its form, sent over tus by tus-js-client's browser build.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { withTenant } from '../../db/database.ts';
import { fileStoreOf } from '../../files/storage.ts';
import { AppError } from '../../http/problem.ts';
import { escapeHtml, type PageLang, renderSitePage, siteCampaign, siteLangOf, sitePath } from '../../site/layout.ts';
import { publishedTypeOf, sendStored } from './media.routes.ts';
import { activeUploadLink, mediaKeys } from './media.service.ts';

export const GALLERY_PATH = '/galerie';
const PER_PAGE = 48;
/** How long a published copy may be cached (a hidden media may linger that long in a browser's cache). */
const PUBLIC_CACHE = 'public, max-age=300';

const WORDS = {
  fr: {
    title: 'Galerie',
    intro: 'Les photos et vidéos de la campagne, prises par les bénévoles sur le terrain.',
    none: 'Aucune photo pour le moment.',
    more: 'Photos plus anciennes',
    video: 'Vidéo',
    send: 'Envoyer des photos ou des vidéos',
    sendIntro:
      'Envoyez vos photos et vidéos de la campagne : l’équipe les relit avant de les publier dans la galerie. Leur position GPS et leurs métadonnées ne sont jamais publiées.',
    file: 'Photo ou vidéo (25 Mo par photo, 200 Mo par vidéo)',
    caption: 'Légende (facultative)',
    identifiable: 'Des personnes reconnaissables apparaissent',
    rights: 'Ces personnes ont accepté d’être photographiées et publiées par la campagne',
    submit: 'Envoyer',
    invalid: 'Ce lien d’envoi n’est pas valide : il a expiré, a été révoqué ou a déjà servi.',
    left: 'Fichiers restants avec ce lien :',
    noScript: 'L’envoi demande JavaScript.',
  },
  en: {
    title: 'Gallery',
    intro: "The campaign's photos and videos, taken by volunteers in the field.",
    none: 'No photos yet.',
    more: 'Older photos',
    video: 'Video',
    send: 'Send photos or videos',
    sendIntro:
      'Send your photos and videos of the campaign: the team reviews them before publishing them in the gallery. Their GPS position and metadata are never published.',
    file: 'Photo or video (25 MB per photo, 200 MB per video)',
    caption: 'Caption (optional)',
    identifiable: 'Recognisable people appear',
    rights: 'These people agreed to be photographed and published by the campaign',
    submit: 'Send',
    invalid: 'This upload link is not valid: it expired, was revoked or was used up.',
    left: 'Files left with this link:',
    noScript: 'Sending needs JavaScript.',
  },
} as const;

const CSS = `
.gal{list-style:none;padding:0;margin:0;display:grid;gap:.75rem;grid-template-columns:repeat(auto-fill,minmax(9rem,1fr))}
.gal figure{margin:0}
.gal img,.gal video{width:100%;aspect-ratio:1;object-fit:cover;border-radius:.4rem;background:#e9ecef;display:block}
.gal figcaption{font-size:.95rem;color:#495057;margin-top:.25rem}
.envoi input[type=file]{display:block;margin:.5rem 0}
.envoi .check{display:flex;gap:.5rem;align-items:flex-start;font-weight:400}
.envoi progress{width:100%;max-width:32rem;height:1.25rem}
`;

const ENVOI_SCRIPT = `// The upload link's page: each chosen file goes over tus (resumable), with the link's token.
const form = document.getElementById('envoi');
const status = document.getElementById('envoi-status');
const bar = document.getElementById('envoi-progress');
const identifiable = form.elements.identifiable;
const rights = form.elements.rights_confirmed;
const fr = document.documentElement.lang === 'fr';
identifiable.addEventListener('change', () => { rights.required = identifiable.checked; });
form.addEventListener('submit', (event) => {
  event.preventDefault();
  const files = [...form.elements.file.files];
  if (files.length === 0) return;
  const send = (index) => {
    if (index >= files.length) { status.textContent = fr ? 'Merci ! Vos fichiers sont envoyés : l’équipe les relira avant publication.' : 'Thank you! Your files were sent: the team will review them before publishing.'; form.reset(); return; }
    const file = files[index];
    const upload = new window.tus.Upload(file, {
      endpoint: '/api/v1/media/uploads',
      headers: { 'Upload-Link': form.dataset.token },
      retryDelays: [0, 1000, 3000, 5000, 10000, 20000],
      chunkSize: 8 * 1024 * 1024,
      metadata: {
        filename: file.name, filetype: file.type, caption: form.elements.caption.value,
        identifiable: identifiable.checked ? '1' : '0', rights_confirmed: rights.checked ? '1' : '0',
      },
      onProgress: (sent, total) => { bar.value = total ? sent / total : 0; status.textContent = (fr ? 'Envoi de ' : 'Sending ') + file.name + '…'; },
      onError: (error) => {
        let detail = '';
        try { detail = JSON.parse(error.originalResponse.getBody()).detail; } catch { detail = String(error.message || error); }
        status.textContent = (fr ? 'Échec de l’envoi : ' : 'Upload failed: ') + detail;
      },
      onSuccess: () => send(index + 1),
    });
    upload.findPreviousUploads().then((previous) => { if (previous.length) upload.resumeFromPreviousUpload(previous[0]); upload.start(); });
  };
  send(0);
});
`;

const require = createRequire(import.meta.url);
let tusBrowserBuild: Promise<string> | null = null;

async function notOpen(reply: Parameters<typeof renderSitePage>[0], lang: PageLang) {
  return renderSitePage(reply, 'Relais', {
    status: 404,
    lang,
    title: WORDS[lang].title,
    description: WORDS[lang].none,
    path: GALLERY_PATH,
    body: `<h1>${WORDS[lang].title}</h1><p>${WORDS[lang].none}</p>`,
  });
}

export const mediaSiteRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const db = app.deps.database.db;
  const files = fileStoreOf(app.deps.config);

  app.get(
    GALLERY_PATH,
    {
      schema: {
        hide: true,
        querystring: Type.Object({
          page: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000 })),
          lang: Type.Optional(Type.String({ maxLength: 5 })),
        }),
      },
    },
    async (request, reply) => {
      const lang = siteLangOf(request);
      const w = WORDS[lang];
      const campaign = await siteCampaign(db);
      if (!campaign) return notOpen(reply, lang);
      const page = request.query.page ?? 1;
      const rows = await withTenant(db, campaign.id, (trx) =>
        trx
          .selectFrom('media')
          .select(['id', 'kind', 'caption', 'width', 'height'])
          .where('status', '=', 'approved')
          .where('processing', '=', 'ready')
          .orderBy('uploaded_at', 'desc')
          .orderBy('id', 'desc')
          .limit(PER_PAGE + 1)
          .offset((page - 1) * PER_PAGE)
          .execute(),
      );
      const items = rows.slice(0, PER_PAGE).map((r) => {
        const base = `${GALLERY_PATH}/medias/${r.id}`;
        const alt = escapeHtml(r.caption || (r.kind === 'video' ? w.video : w.title));
        const media =
          r.kind === 'video'
            ? `<video controls preload="none" poster="${base}/thumbnail" src="${base}/web" aria-label="${alt}"></video>`
            : `<a href="${base}/web"><img src="${base}/thumbnail" alt="${alt}" loading="lazy" width="400" height="400"></a>`;
        return `<li><figure>${media}${r.caption ? `<figcaption>${escapeHtml(r.caption)}</figcaption>` : ''}</figure></li>`;
      });
      const more =
        rows.length > PER_PAGE ? `<p><a href="${escapeHtml(sitePath(`${GALLERY_PATH}?page=${page + 1}`, lang))}">${w.more}</a></p>` : '';
      const first = rows.find((r) => r.kind === 'photo');
      return renderSitePage(reply, campaign.name, {
        lang,
        title: w.title,
        description: w.intro,
        path: GALLERY_PATH,
        current: 'gallery',
        css: CSS,
        image: first ? `${GALLERY_PATH}/medias/${first.id}/web` : undefined,
        body: `<h1>${w.title}</h1><p>${w.intro}</p>${items.length > 0 ? `<ul class="gal">${items.join('')}</ul>` : `<p>${w.none}</p>`}${more}`,
      });
    },
  );

  app.get(
    `${GALLERY_PATH}/medias/:id/:file`,
    { schema: { hide: true, params: Type.Object({ id: Type.String({ maxLength: 64 }), file: Type.String({ maxLength: 20 }) }) } },
    async (request, reply) => {
      const { id, file } = request.params;
      const missing = () => new AppError('NOT_FOUND', 'No such media in the gallery.');
      if ((file !== 'thumbnail' && file !== 'web') || !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(id))
        throw missing();
      const campaign = await siteCampaign(db);
      if (!campaign) throw missing();
      const row = await withTenant(
        db,
        campaign.id,
        (trx) =>
          trx
            .selectFrom('media')
            .select(['kind', 'content_type'])
            .where('id', '=', id)
            .where('status', '=', 'approved')
            .where('processing', '=', 'ready')
            .executeTakeFirst(),
        { oneRead: true },
      );
      if (!row) throw missing();
      const key = mediaKeys(campaign.id, id)[file];
      if (!(await files.stat(key))) throw missing();
      return sendStored(request, reply, files, key, publishedTypeOf(row, file), PUBLIC_CACHE);
    },
  );

  app.get('/envoi/tus.min.js', { schema: { hide: true } }, async (_request, reply) => {
    tusBrowserBuild ??= readFile(path.join(path.dirname(require.resolve('tus-js-client/package.json')), 'dist', 'tus.min.js'), 'utf8');
    return reply
      .type('text/javascript; charset=utf-8')
      .header('cache-control', 'public, max-age=86400')
      .send(await tusBrowserBuild);
  });
  app.get('/envoi/envoi.js', { schema: { hide: true } }, async (_request, reply) =>
    reply.type('text/javascript; charset=utf-8').header('cache-control', 'public, max-age=3600').send(ENVOI_SCRIPT),
  );

  app.get(
    '/envoi/:token',
    {
      schema: {
        hide: true,
        params: Type.Object({ token: Type.String({ maxLength: 100 }) }),
        querystring: Type.Object({ lang: Type.Optional(Type.String({ maxLength: 5 })) }),
      },
    },
    async (request, reply) => {
      const lang = siteLangOf(request);
      const w = WORDS[lang];
      const campaign = await siteCampaign(db);
      const name = campaign?.name ?? 'Relais';
      const link = await activeUploadLink(db, request.params.token).catch(() => null);
      reply.header('referrer-policy', 'no-referrer');
      if (!link || link.used >= link.max_files) {
        return renderSitePage(reply, name, {
          status: 404,
          lang,
          title: w.send,
          description: w.invalid,
          path: '/envoi',
          body: `<h1>${w.send}</h1><p>${w.invalid}</p>`,
        });
      }
      const html = await renderSitePage(reply, name, {
        lang,
        title: w.send,
        description: w.sendIntro,
        path: `/envoi/${request.params.token}`,
        css: CSS,
        scripts: ['/envoi/tus.min.js', '/envoi/envoi.js'],
        body: `<h1>${w.send}</h1><p>${w.sendIntro}</p><p class="muted">${w.left} ${link.max_files - link.used}</p>
<form id="envoi" class="envoi" data-token="${escapeHtml(request.params.token)}">
<label for="envoi-file">${w.file}</label><input id="envoi-file" name="file" type="file" accept="image/jpeg,image/png,image/webp,image/heic,image/heif,video/mp4,video/quicktime,video/webm" multiple required>
<label for="envoi-caption">${w.caption}</label><input id="envoi-caption" name="caption" type="text" maxlength="1000">
<label class="check"><input type="checkbox" name="identifiable" value="1"> ${w.identifiable}</label>
<label class="check"><input type="checkbox" name="rights_confirmed" value="1"> ${w.rights}</label>
<p><button type="submit">${w.submit}</button></p>
<progress id="envoi-progress" max="1" value="0"></progress>
<p id="envoi-status" role="status" aria-live="polite"><noscript>${w.noScript}</noscript></p>
</form>`,
      });
      // The page holds a secret: no cache keeps it.
      reply.header('cache-control', 'no-store');
      return html;
    },
  );
};

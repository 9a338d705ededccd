// The canvassing app's pages: /terrain/ (the PWA, built by Vite as its own entry into
// dist/web/terrain/), its service worker, manifest and icon at /terrain/* (so the worker's scope is
// /terrain/), and the public door-to-door information notice its QR code links to.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { withTenant } from '../../db/database.ts';
import { escapeHtml, sendPublicPage } from '../../http/public-page.ts';
import { Uuid } from '../../http/schemas.ts';
import { noticeText } from './pack.ts';

const FILES: Record<string, string> = {
  'sw.js': 'text/javascript; charset=utf-8',
  'manifest.webmanifest': 'application/manifest+json',
  'icon.svg': 'image/svg+xml',
  'icon-maskable.svg': 'image/svg+xml',
};

export const terrainRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const dir = path.join(app.deps.config.webDistDir, 'terrain');
  const shell = async () => readFile(path.join(dir, 'index.html'), 'utf8').catch(() => null);

  app.get('/terrain', { schema: { hide: true } }, async (_request, reply) => reply.redirect('/terrain/'));
  app.get('/terrain/', { schema: { hide: true } }, async (_request, reply) => {
    const html = await shell();
    if (html === null)
      return reply.status(503).type('text/plain; charset=utf-8').send('Canvassing app not built: run `npm run build:web`.');
    return reply.header('cache-control', 'no-cache').type('text/html; charset=utf-8').send(html);
  });
  app.get(
    '/terrain/:file',
    { schema: { hide: true, params: Type.Object({ file: Type.String({ maxLength: 64 }) }) } },
    async (request, reply) => {
      const type = FILES[request.params.file];
      const body = type ? await readFile(path.join(dir, request.params.file)).catch(() => null) : null;
      if (!type || body === null) {
        // Any other path under /terrain/ is the app's own screen.
        const html = await shell();
        if (html === null) return reply.status(404).send();
        return reply.header('cache-control', 'no-cache').type('text/html; charset=utf-8').send(html);
      }
      return reply.header('cache-control', 'no-cache').type(type).send(body);
    },
  );

  app.get('/terrain/information/:campaign', { schema: { hide: true, params: Type.Object({ campaign: Uuid }) } }, async (request, reply) => {
    const campaign = await withTenant(app.deps.database.db, request.params.campaign, (trx) =>
      trx.selectFrom('campaign').select('name').where('id', '=', request.params.campaign).executeTakeFirst(),
    ).catch(() => undefined);
    if (!campaign) {
      return sendPublicPage(reply, { status: 404, lang: 'fr', title: 'Page introuvable', body: '<h1>Page introuvable</h1>' });
    }
    const paragraphs = noticeText(campaign.name)
      .split('\n')
      .map((line) => `<p>${escapeHtml(line)}</p>`)
      .join('');
    return sendPublicPage(reply, {
      status: 200,
      lang: 'fr',
      title: 'Porte-à-porte : information sur vos données',
      body: `<h1>Porte-à-porte : information sur vos données</h1>${paragraphs}`,
    });
  });
};

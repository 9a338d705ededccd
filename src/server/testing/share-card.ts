// The checks every page with a share card passes: its og:image points at its versioned card, the card
// is a 1200×630 PNG answered with an ETag (a 304 when the client has it) and a public Cache-Control,
// and an unknown slug is a 404. SHARE_CARD_DIR=<dir> keeps the PNGs to look at.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import sharp from 'sharp';
import { expect } from 'vitest';

export async function expectShareCard(app: FastifyInstance, pageUrl: string, kind: string, slug: string): Promise<Buffer> {
  const page = await app.inject({ url: pageUrl });
  expect(page.statusCode).toBe(200);
  const og = page.body.match(/<meta property="og:image" content="([^"]+)">/)?.[1]?.replaceAll('&#38;', '&');
  expect(og).toBeDefined();
  const url = new URL(og as string);
  expect(url.pathname).toBe(`/partage/${kind}/${slug}.png`);
  expect(url.searchParams.get('v')).toMatch(/^[A-Za-z0-9_-]{16}$/);
  const card = await app.inject({ url: `${url.pathname}${url.search}` });
  expect(card.statusCode).toBe(200);
  expect(card.headers['content-type']).toBe('image/png');
  expect(card.headers['cache-control']).toMatch(/^public, max-age=\d+/);
  const etag = card.headers.etag as string;
  expect(etag).toBe(`"${url.searchParams.get('v')}"`);
  const meta = await sharp(card.rawPayload).metadata();
  expect({ format: meta.format, width: meta.width, height: meta.height }).toEqual({ format: 'png', width: 1200, height: 630 });
  const again = await app.inject({ url: url.pathname + url.search, headers: { 'if-none-match': etag } });
  expect(again.statusCode).toBe(304);
  expect(again.rawPayload.length).toBe(0);
  expect((await app.inject({ url: `/partage/${kind}/pas-de-${slug}.png` })).statusCode).toBe(404);
  expect((await app.inject({ url: `/partage/${kind}/${slug}.gif` })).statusCode).toBe(404);
  const keep = process.env.SHARE_CARD_DIR;
  if (keep) {
    mkdirSync(keep, { recursive: true });
    writeFileSync(
      path.join(keep, `${kind}-${slug}${url.searchParams.get('lang') ? `-${url.searchParams.get('lang')}` : ''}.png`),
      card.rawPayload,
    );
  }
  return card.rawPayload;
}

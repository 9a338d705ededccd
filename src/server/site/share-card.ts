// Share cards: the Open Graph image (1200×630 PNG) of a public page — a fact check with its verdict,
// a vote, a petition with its progress — drawn as SVG on the server and rasterised by sharp (librsvg).
// No web font: the text uses the fonts of the machine (DejaVu Sans / Liberation Sans on the images we
// ship, any sans-serif otherwise), so nothing is fetched from a third party.
// A card's version is the hash of its SVG: the page links `/partage/<kind>/<slug>.png?v=<version>`
// (a scraper sees a new URL when the content changes), the PNG is answered with that ETag, and it is
// rasterised once per version (a small LRU of finished PNGs, in-flight renders shared).
import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import sharp from 'sharp';
import type { PageLang } from '../http/public-page.ts';

export const SHARE_CARD_WIDTH = 1200;
export const SHARE_CARD_HEIGHT = 630;
/** Where the cards are served: `/partage/<kind>/<slug>.png`. */
export const SHARE_CARD_PREFIX = '/partage';
/** How many finished PNGs are kept in memory (each ≈ 30–80 kB). */
const CACHE_MAX = 128;

export interface ShareCard {
  campaign: string;
  /** The small heading above the title ("Le vrai du faux", "Pétition"…). */
  kicker: string;
  title: string;
  /** A coloured badge before the title (a fact check's verdict). */
  badge?: { label: string; color: string } | undefined;
  /** A line under the title (who said it, how many options, when it closes). */
  subtitle?: string | undefined;
  /** A progress bar (a petition's signatures toward its goal), ratio in [0, 1]. */
  progress?: { ratio: number; label: string } | undefined;
  /** The site's host, printed in the corner. */
  site: string;
}

const FONT = "'DejaVu Sans', 'Liberation Sans', Arial, sans-serif";
const BLUE = '#0b3d91';

function x(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Drops control characters (invalid in XML) and folds runs of white space. */
function clean(s: string): string {
  let out = '';
  for (const ch of s) {
    const c = ch.codePointAt(0) ?? 0;
    out += c < 0x20 || c === 0x7f || c === 0xfffe || c === 0xffff ? ' ' : ch;
  }
  return out.replace(/\s+/g, ' ').trim();
}

/**
 * Lines of at most `perLine` characters, cut at spaces (a word longer than a line is cut), at most
 * `maxLines` (the last one ends with an ellipsis when text is left over).
 */
export function wrapText(text: string, perLine: number, maxLines: number): string[] {
  const words = clean(text).split(' ').filter(Boolean);
  const lines: string[] = [];
  let line = '';
  for (let word of words) {
    while (word.length > perLine) {
      if (line) {
        lines.push(line);
        line = '';
      }
      lines.push(word.slice(0, perLine));
      word = word.slice(perLine);
    }
    if (!line) line = word;
    else if (line.length + 1 + word.length <= perLine) line = `${line} ${word}`;
    else {
      lines.push(line);
      line = word;
    }
  }
  if (line) lines.push(line);
  if (lines.length <= maxLines) return lines;
  const kept = lines.slice(0, maxLines);
  const last = kept[maxLines - 1] ?? '';
  kept[maxLines - 1] = `${last.length + 1 > perLine ? last.slice(0, perLine - 1).trimEnd() : last}…`;
  return kept;
}

/** The title's size and lines: the biggest size whose lines fit (DejaVu Sans Bold ≈ 0.62 em a character). */
function titleLayout(title: string, width: number, maxHeight: number): { size: number; lines: string[] } {
  for (const size of [64, 56, 48, 42, 36]) {
    const perLine = Math.floor(width / (size * 0.62));
    const maxLines = Math.floor(maxHeight / (size * 1.2));
    const lines = wrapText(title, perLine, maxLines);
    const all = wrapText(title, perLine, 99);
    if (all.length <= maxLines) return { size, lines };
    if (size === 36) return { size, lines };
  }
  return { size: 36, lines: [] };
}

/** The card's SVG (1200×630). Every text is escaped; colours other than a #rgb/#rrggbb are replaced. */
export function shareCardSvg(card: ShareCard): string {
  const W = SHARE_CARD_WIDTH;
  const H = SHARE_CARD_HEIGHT;
  const pad = 64;
  const parts: string[] = [];
  parts.push(`<rect width="${W}" height="${H}" fill="#ffffff"/>`);
  parts.push(`<rect width="${W}" height="96" fill="${BLUE}"/>`);
  parts.push(`<rect y="${H - 12}" width="${W}" height="12" fill="${BLUE}"/>`);
  const campaign = wrapText(card.campaign, 34, 1)[0] ?? '';
  parts.push(`<text x="${pad}" y="62" font-family="${FONT}" font-size="34" font-weight="700" fill="#ffffff">${x(campaign)}</text>`);
  const kicker = wrapText(card.kicker.toUpperCase(), 28, 1)[0] ?? '';
  parts.push(
    `<text x="${W - pad}" y="60" text-anchor="end" font-family="${FONT}" font-size="26" font-weight="700" letter-spacing="2" fill="#dbe4f5">${x(kicker)}</text>`,
  );
  let y = 150;
  if (card.badge) {
    const label = wrapText(card.badge.label.toUpperCase(), 24, 1)[0] ?? '';
    const color = /^#(?:[0-9a-f]{3}|[0-9a-f]{6})$/i.test(card.badge.color) ? card.badge.color : '#495057';
    const bw = Math.round(label.length * 40 * 0.68 + 56);
    parts.push(`<rect x="${pad}" y="${y}" width="${bw}" height="68" rx="12" fill="${color}"/>`);
    parts.push(
      `<text x="${pad + 28}" y="${y + 48}" font-family="${FONT}" font-size="40" font-weight="700" fill="#ffffff">${x(label)}</text>`,
    );
    y += 68 + 36;
  } else y += 10;
  const bottomReserved = card.progress ? 170 : 110;
  const subtitleSpace = card.subtitle ? 56 : 0;
  const { size, lines } = titleLayout(card.title, W - 2 * pad, H - y - bottomReserved - subtitleSpace);
  for (const [i, line] of lines.entries()) {
    parts.push(
      `<text x="${pad}" y="${y + size + i * Math.round(size * 1.2)}" font-family="${FONT}" font-size="${size}" font-weight="700" fill="#16213e">${x(line)}</text>`,
    );
  }
  y += size + (lines.length - 1) * Math.round(size * 1.2);
  if (card.subtitle) {
    const sub = wrapText(card.subtitle, 60, 1)[0] ?? '';
    parts.push(`<text x="${pad}" y="${y + 52}" font-family="${FONT}" font-size="30" fill="#495057">${x(sub)}</text>`);
  }
  if (card.progress) {
    const ratio = Math.max(0, Math.min(1, Number.isFinite(card.progress.ratio) ? card.progress.ratio : 0));
    const by = H - 120;
    const bw = W - 2 * pad;
    parts.push(`<rect x="${pad}" y="${by}" width="${bw}" height="28" rx="14" fill="#e9ecef"/>`);
    if (ratio > 0)
      parts.push(`<rect x="${pad}" y="${by}" width="${Math.max(28, Math.round(bw * ratio))}" height="28" rx="14" fill="${BLUE}"/>`);
    const label = wrapText(card.progress.label, 60, 1)[0] ?? '';
    parts.push(`<text x="${pad}" y="${by - 16}" font-family="${FONT}" font-size="32" font-weight="700" fill="#16213e">${x(label)}</text>`);
  }
  const site = wrapText(card.site, 60, 1)[0] ?? '';
  parts.push(`<text x="${W - pad}" y="${H - 40}" text-anchor="end" font-family="${FONT}" font-size="24" fill="#6c757d">${x(site)}</text>`);
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}">${parts.join('')}</svg>`;
}

/** The card's version: a short hash of its SVG (changes whenever what it shows changes). */
export function shareCardVersion(card: ShareCard): string {
  return createHash('sha256').update(shareCardSvg(card)).digest('base64url').slice(0, 16);
}

/** The site path of a card, versioned (for `renderSitePage`'s image option). */
export function shareCardPath(kind: string, slug: string, card: ShareCard, lang: PageLang): string {
  const q = new URLSearchParams({ v: shareCardVersion(card), ...(lang === 'en' ? { lang: 'en' } : {}) });
  return `${SHARE_CARD_PREFIX}/${encodeURIComponent(kind)}/${encodeURIComponent(slug)}.png?${q}`;
}

const rendered = new Map<string, Promise<Buffer>>();

/** The card's PNG, rasterised once per version (LRU of CACHE_MAX; a failed render is not kept). */
export function shareCardPng(card: ShareCard): { version: string; png: Promise<Buffer> } {
  const svg = shareCardSvg(card);
  const version = createHash('sha256').update(svg).digest('base64url').slice(0, 16);
  const hit = rendered.get(version);
  if (hit) {
    rendered.delete(version);
    rendered.set(version, hit);
    return { version, png: hit };
  }
  const png = sharp(Buffer.from(svg), { limitInputPixels: SHARE_CARD_WIDTH * SHARE_CARD_HEIGHT })
    .png({ compressionLevel: 9, palette: true })
    .toBuffer();
  rendered.set(version, png);
  png.catch(() => rendered.delete(version));
  while (rendered.size > CACHE_MAX) {
    const oldest = rendered.keys().next().value;
    if (oldest === undefined) break;
    rendered.delete(oldest);
  }
  return { version, png };
}

/** Answers a card: 304 when the client has this version, else the PNG, cacheable by anyone. */
export async function sendShareCard(request: FastifyRequest, reply: FastifyReply, card: ShareCard): Promise<FastifyReply> {
  const { version, png } = shareCardPng(card);
  const etag = `"${version}"`;
  reply.header('etag', etag).header('cache-control', 'public, max-age=3600').header('x-content-type-options', 'nosniff');
  const match = request.headers['if-none-match'];
  if (typeof match === 'string' && match.split(',').some((t) => t.trim().replace(/^W\//, '') === etag)) return reply.code(304).send();
  return reply.type('image/png').send(await png);
}

// The site's content as the back office and the API edit it: pages, news, running mates, images.
// Every write checks the actor's arrondissements (a referent edits their own arrondissements'
// content only; campaign-wide content is for campaign-wide roles), is refused during the electoral
// silence (calendar module: 409 ELECTORAL_SILENCE), sanitises rich text, is audited, and empties
// the public pages' cache. Runs in the caller's tenant transaction.
import { sql } from 'kysely';
import type { Trx } from '../db/database.ts';
import type { SitePageKind } from '../db/schema.ts';
import { AppError, notFound } from '../http/problem.ts';
import { uuidv7 } from '../lib/ids.ts';
import { insertAuditEvents } from '../modules/audit/index.ts';
import { assertNotInSilence } from '../modules/calendar/index.ts';
import { sanitizeRichText, slugify } from './html.ts';
import { forgetSitePages } from './page-cache.ts';

/** Who edits: their campaign, their zones (null: the whole campaign) and how the audit names them. */
export interface SiteEditor {
  campaignId: string;
  zoneScope: readonly string[] | null;
  userId: string | null;
  tokenId: string | null;
  label: string;
  ip: string | null;
}

/** Largest image accepted (bytes). */
export const MAX_IMAGE_BYTES = 2 * 1024 * 1024;

// ---------------------------------------------------------------------------------------------
// Scope

/** True when the editor may see and change content of this zone (null: campaign-wide content). */
export function editorCovers(editor: Pick<SiteEditor, 'zoneScope'>, zoneId: string | null): boolean {
  if (editor.zoneScope === null) return true;
  return zoneId !== null && editor.zoneScope.includes(zoneId);
}

function assertCovers(editor: SiteEditor, zoneId: string | null): void {
  if (editorCovers(editor, zoneId)) return;
  throw new AppError(
    'SITE_OUT_OF_ZONE',
    zoneId === null
      ? 'Content of the whole campaign is edited by campaign-wide roles only (yours is limited to arrondissements).'
      : 'This arrondissement is not one of yours: you may edit the content of your own arrondissements only.',
  );
}

/** The list filter of a zone-scoped editor: the rows of their zones only. */
function scoped<Q extends { where: (...args: never[]) => Q }>(editor: SiteEditor, query: Q, column: string): Q {
  if (editor.zoneScope === null) return query;
  const zones = [...editor.zoneScope];
  // biome-ignore lint/suspicious/noExplicitAny: the column is one of the site tables' zone_id
  return (query as any).where(sql.ref(column), 'in', zones.length ? zones : ['00000000-0000-0000-0000-000000000000']);
}

async function assertZoneExists(trx: Trx, zoneId: string | null): Promise<void> {
  if (zoneId === null) return;
  const found = await trx.selectFrom('zone').select('id').where('id', '=', zoneId).executeTakeFirst();
  if (!found) throw new AppError('SITE_REFERENCE_UNKNOWN', 'No zone of the campaign has this id.', { field: 'zone_id' });
}

async function assertImageExists(trx: Trx, imageId: string | null | undefined, field: string): Promise<void> {
  if (!imageId) return;
  const found = await trx.selectFrom('site_image').select('id').where('id', '=', imageId).executeTakeFirst();
  if (!found) throw new AppError('SITE_REFERENCE_UNKNOWN', 'No image of the campaign has this id (upload it first).', { field });
}

async function beforeWrite(trx: Trx, editor: SiteEditor): Promise<void> {
  await assertNotInSilence(trx, editor.campaignId, new Date());
}

function audit(trx: Trx, editor: SiteEditor, action: string, targetType: string, targetId: string, details: Record<string, unknown> = {}) {
  forgetSitePages(editor.campaignId);
  return insertAuditEvents(trx, [
    {
      campaignId: editor.campaignId,
      action,
      actorUserId: editor.userId,
      actorTokenId: editor.tokenId,
      actorLabel: editor.label,
      targetType,
      targetId,
      ip: editor.ip,
      details,
    },
  ]);
}

/** A free slug for `table`: the one asked (refused when taken) or one made from the title (numbered when taken). */
async function freeSlug(
  trx: Trx,
  table: 'site_page' | 'site_news',
  asked: string | undefined,
  title: string,
  selfId?: string,
): Promise<string> {
  const taken = async (slug: string) => {
    let q = trx.selectFrom(table).select('id').where('slug', '=', slug);
    if (selfId) q = q.where('id', '<>', selfId);
    return (await q.executeTakeFirst()) !== undefined;
  };
  if (asked) {
    if (await taken(asked))
      throw new AppError('SITE_SLUG_TAKEN', `The address "${asked}" is already used: choose another.`, { slug: asked });
    return asked;
  }
  const base = slugify(title, table === 'site_news' ? 90 : 70);
  for (let n = 1; n < 1000; n++) {
    const slug = n === 1 ? base : `${base}-${n}`;
    if (!(await taken(slug))) return slug;
  }
  return `${base}-${uuidv7().slice(-12)}`;
}

// ---------------------------------------------------------------------------------------------
// Pages

export interface PageInput {
  kind?: SitePageKind | undefined;
  slug?: string | undefined;
  zone_id?: string | null | undefined;
  title_fr?: string | undefined;
  title_en?: string | undefined;
  summary_fr?: string | undefined;
  summary_en?: string | undefined;
  body_fr?: string | undefined;
  body_en?: string | undefined;
  image_id?: string | null | undefined;
  published?: boolean | undefined;
}

const PAGE_COLUMNS = [
  'site_page.id',
  'site_page.kind',
  'site_page.slug',
  'site_page.zone_id',
  'site_page.title_fr',
  'site_page.title_en',
  'site_page.summary_fr',
  'site_page.summary_en',
  'site_page.body_fr',
  'site_page.body_en',
  'site_page.image_id',
  'site_page.published',
  'site_page.updated_by',
  'site_page.created_at',
  'site_page.updated_at',
] as const;

const trim = (value: string) => value.trim();
const keep = <T>(value: T) => value;
const dateOrNull = (value: string | null) => (value === null ? null : new Date(value));
/** The bilingual texts pages and news share, each with its cleaner. */
const TEXTS = {
  title_fr: trim,
  title_en: trim,
  summary_fr: trim,
  summary_en: trim,
  body_fr: sanitizeRichText,
  body_en: sanitizeRichText,
} as const;
/** The texts of a new page or news item before its input fills them. */
const EMPTY_TEXTS = { title_en: '', summary_fr: '', summary_en: '', body_fr: '', body_en: '' } as const;

/** What a partial input changes: each field it has, through its cleaner; absent fields stay as they are. */
function changesOf<I extends object, C extends { [K in keyof I]?: (value: Exclude<I[K], undefined>) => unknown }>(input: I, cleaners: C) {
  const out: Record<string, unknown> = {};
  for (const [key, clean] of Object.entries(cleaners) as [string, (value: unknown) => unknown][]) {
    const value = (input as Record<string, unknown>)[key];
    if (value !== undefined) out[key] = clean(value);
  }
  return out as { [K in keyof C]?: C[K] extends (value: never) => infer R ? R : never };
}

function pageQuery(trx: Trx) {
  return trx
    .selectFrom('site_page')
    .leftJoin('zone', 'zone.id', 'site_page.zone_id')
    .select([...PAGE_COLUMNS, 'zone.code as zone_code', 'zone.name as zone_name']);
}

/** The public path of a page. */
export function pagePath(page: { kind: SitePageKind; slug: string; zone_code: string | null }): string {
  if (page.kind === 'home') return '/';
  if (page.kind === 'zone') return `/arrondissements/${encodeURIComponent(page.zone_code ?? '')}`;
  return `/pages/${page.slug}`;
}

function withPath<T extends { kind: SitePageKind; slug: string; zone_code: string | null }>(row: T) {
  return { ...row, path: pagePath(row) };
}

export async function listPages(trx: Trx, editor: SiteEditor) {
  const rows = await scoped(editor, pageQuery(trx), 'site_page.zone_id')
    .orderBy(sql`case site_page.kind when 'home' then 0 when 'zone' then 1 else 2 end`)
    .orderBy(sql`lpad(coalesce(zone.code, ''), 8, '0')`)
    .orderBy('site_page.title_fr')
    .execute();
  return rows.map(withPath);
}

export async function getPage(trx: Trx, editor: SiteEditor, id: string) {
  const row = await pageQuery(trx).where('site_page.id', '=', id).executeTakeFirst();
  if (!row || !editorCovers(editor, row.zone_id)) throw notFound('page');
  return withPath(row);
}

export async function createPage(trx: Trx, editor: SiteEditor, input: PageInput & { kind: SitePageKind; title_fr: string }) {
  const zoneId = input.kind === 'zone' ? (input.zone_id ?? null) : null;
  if (input.kind === 'zone' && !zoneId) throw new AppError('VALIDATION_FAILED', 'An arrondissement page names its zone (zone_id).');
  assertCovers(editor, zoneId);
  await beforeWrite(trx, editor);
  await assertZoneExists(trx, zoneId);
  await assertImageExists(trx, input.image_id, 'image_id');
  const existing = await trx
    .selectFrom('site_page')
    .select('id')
    .where('kind', '=', input.kind)
    .$if(input.kind === 'zone', (q) => q.where('zone_id', '=', zoneId))
    .executeTakeFirst();
  if (input.kind !== 'page' && existing)
    throw new AppError(
      'SITE_PAGE_EXISTS',
      input.kind === 'home' ? 'The campaign already has its home page: edit it.' : 'This arrondissement already has its page: edit it.',
      {
        page_id: existing.id,
      },
    );
  const id = uuidv7();
  const slug = await freeSlug(trx, 'site_page', input.slug, input.kind === 'home' ? 'accueil' : input.title_fr);
  await trx
    .insertInto('site_page')
    .values({
      campaign_id: editor.campaignId,
      id,
      kind: input.kind,
      slug,
      zone_id: zoneId,
      ...EMPTY_TEXTS,
      ...changesOf(input, TEXTS),
      title_fr: input.title_fr.trim(),
      image_id: input.image_id ?? null,
      published: input.published ?? true,
      updated_by: editor.label,
      updated_at: new Date(),
    })
    .execute();
  await audit(trx, editor, 'site.page.created', 'site_page', id, { kind: input.kind, slug });
  return getPage(trx, editor, id);
}

export async function updatePage(trx: Trx, editor: SiteEditor, id: string, input: PageInput) {
  const current = await getPage(trx, editor, id);
  assertCovers(editor, current.zone_id);
  await beforeWrite(trx, editor);
  await assertImageExists(trx, input.image_id, 'image_id');
  const slug =
    input.slug !== undefined && input.slug !== current.slug
      ? await freeSlug(trx, 'site_page', input.slug, current.title_fr, id)
      : undefined;
  await trx
    .updateTable('site_page')
    .set({
      ...(slug !== undefined ? { slug } : {}),
      ...changesOf(input, { ...TEXTS, image_id: keep<string | null>, published: keep<boolean> }),
      updated_by: editor.label,
      updated_at: new Date(),
    })
    .where('id', '=', id)
    .execute();
  await audit(trx, editor, 'site.page.updated', 'site_page', id, { fields: Object.keys(input) });
  return getPage(trx, editor, id);
}

export async function deletePage(trx: Trx, editor: SiteEditor, id: string): Promise<void> {
  const current = await getPage(trx, editor, id);
  assertCovers(editor, current.zone_id);
  await beforeWrite(trx, editor);
  await trx.deleteFrom('site_page').where('id', '=', id).execute();
  await audit(trx, editor, 'site.page.deleted', 'site_page', id, { slug: current.slug });
}

// ---------------------------------------------------------------------------------------------
// Running mates

export interface RunningMateInput {
  zone_id?: string | undefined;
  name?: string | undefined;
  role_fr?: string | undefined;
  role_en?: string | undefined;
  bio_fr?: string | undefined;
  bio_en?: string | undefined;
  photo_id?: string | null | undefined;
  position?: number | undefined;
}

/** A running mate's fields, each with its cleaner. */
const MATE_FIELDS = {
  zone_id: keep<string>,
  name: trim,
  role_fr: trim,
  role_en: trim,
  bio_fr: sanitizeRichText,
  bio_en: sanitizeRichText,
  photo_id: keep<string | null>,
  position: keep<number>,
} as const;

function mateQuery(trx: Trx) {
  return trx
    .selectFrom('site_running_mate as m')
    .innerJoin('zone', 'zone.id', 'm.zone_id')
    .select([
      'm.id',
      'm.zone_id',
      'zone.code as zone_code',
      'zone.name as zone_name',
      'm.name',
      'm.role_fr',
      'm.role_en',
      'm.bio_fr',
      'm.bio_en',
      'm.photo_id',
      'm.position',
      'm.created_at',
      'm.updated_at',
    ]);
}

export async function listRunningMates(trx: Trx, editor: SiteEditor, zoneId?: string) {
  let q = scoped(editor, mateQuery(trx), 'm.zone_id');
  if (zoneId) q = q.where('m.zone_id', '=', zoneId);
  return q.orderBy(sql`lpad(zone.code, 8, '0')`).orderBy('m.position').orderBy('m.name').execute();
}

export async function getRunningMate(trx: Trx, editor: SiteEditor, id: string) {
  const row = await mateQuery(trx).where('m.id', '=', id).executeTakeFirst();
  if (!row || !editorCovers(editor, row.zone_id)) throw notFound('running mate');
  return row;
}

export async function createRunningMate(trx: Trx, editor: SiteEditor, input: RunningMateInput & { zone_id: string; name: string }) {
  assertCovers(editor, input.zone_id);
  await beforeWrite(trx, editor);
  await assertZoneExists(trx, input.zone_id);
  await assertImageExists(trx, input.photo_id, 'photo_id');
  const id = uuidv7();
  await trx
    .insertInto('site_running_mate')
    .values({
      campaign_id: editor.campaignId,
      id,
      role_fr: '',
      role_en: '',
      bio_fr: '',
      bio_en: '',
      photo_id: null,
      position: 0,
      ...changesOf(input, MATE_FIELDS),
      zone_id: input.zone_id,
      name: input.name.trim(),
      updated_at: new Date(),
    })
    .execute();
  await audit(trx, editor, 'site.running_mate.created', 'site_running_mate', id, { zone_id: input.zone_id });
  return getRunningMate(trx, editor, id);
}

export async function updateRunningMate(trx: Trx, editor: SiteEditor, id: string, input: RunningMateInput) {
  const current = await getRunningMate(trx, editor, id);
  assertCovers(editor, current.zone_id);
  if (input.zone_id !== undefined && input.zone_id !== current.zone_id) {
    assertCovers(editor, input.zone_id);
    await assertZoneExists(trx, input.zone_id);
  }
  await beforeWrite(trx, editor);
  await assertImageExists(trx, input.photo_id, 'photo_id');
  await trx
    .updateTable('site_running_mate')
    .set({
      ...changesOf(input, MATE_FIELDS),
      updated_at: new Date(),
    })
    .where('id', '=', id)
    .execute();
  await audit(trx, editor, 'site.running_mate.updated', 'site_running_mate', id, { fields: Object.keys(input) });
  return getRunningMate(trx, editor, id);
}

export async function deleteRunningMate(trx: Trx, editor: SiteEditor, id: string): Promise<void> {
  const current = await getRunningMate(trx, editor, id);
  assertCovers(editor, current.zone_id);
  await beforeWrite(trx, editor);
  await trx.deleteFrom('site_running_mate').where('id', '=', id).execute();
  await audit(trx, editor, 'site.running_mate.deleted', 'site_running_mate', id, { name: current.name });
}

// ---------------------------------------------------------------------------------------------
// News

export interface NewsInput {
  slug?: string | undefined;
  zone_id?: string | null | undefined;
  running_mate_id?: string | null | undefined;
  title_fr?: string | undefined;
  title_en?: string | undefined;
  summary_fr?: string | undefined;
  summary_en?: string | undefined;
  body_fr?: string | undefined;
  body_en?: string | undefined;
  image_id?: string | null | undefined;
  published_at?: string | null | undefined;
}

function newsQuery(trx: Trx) {
  return trx
    .selectFrom('site_news as n')
    .leftJoin('zone', 'zone.id', 'n.zone_id')
    .leftJoin('site_running_mate as m', 'm.id', 'n.running_mate_id')
    .select([
      'n.id',
      'n.slug',
      'n.zone_id',
      'zone.code as zone_code',
      'zone.name as zone_name',
      'n.running_mate_id',
      'm.name as running_mate_name',
      'n.title_fr',
      'n.title_en',
      'n.summary_fr',
      'n.summary_en',
      'n.body_fr',
      'n.body_en',
      'n.image_id',
      'n.published_at',
      'n.updated_by',
      'n.created_at',
      'n.updated_at',
    ]);
}

export async function listNews(trx: Trx, editor: SiteEditor, q: { page: number; perPage: number; zoneId?: string | undefined }) {
  let base = scoped(editor, newsQuery(trx), 'n.zone_id');
  if (q.zoneId) base = base.where('n.zone_id', '=', q.zoneId);
  const rows = await base
    .orderBy(sql`n.published_at desc nulls first`)
    .orderBy('n.id', 'desc')
    .limit(q.perPage)
    .offset((q.page - 1) * q.perPage)
    .execute();
  let count = scoped(editor, trx.selectFrom('site_news as n'), 'n.zone_id').select((eb) => eb.fn.countAll<string>().as('n'));
  if (q.zoneId) count = count.where('n.zone_id', '=', q.zoneId);
  const total = Number((await count.executeTakeFirst())?.n ?? 0);
  return { rows: rows.map((r) => ({ ...r, path: `/actualites/${r.slug}` })), total };
}

export async function getNews(trx: Trx, editor: SiteEditor, id: string) {
  const row = await newsQuery(trx).where('n.id', '=', id).executeTakeFirst();
  if (!row || !editorCovers(editor, row.zone_id)) throw notFound('news');
  return { ...row, path: `/actualites/${row.slug}` };
}

async function checkAuthor(trx: Trx, runningMateId: string | null | undefined, zoneId: string | null): Promise<void> {
  if (!runningMateId) return;
  const mate = await trx.selectFrom('site_running_mate').select('zone_id').where('id', '=', runningMateId).executeTakeFirst();
  if (!mate) throw new AppError('SITE_REFERENCE_UNKNOWN', 'No running mate of the campaign has this id.', { field: 'running_mate_id' });
  if (mate.zone_id !== zoneId)
    throw new AppError('VALIDATION_FAILED', "A running mate's post belongs to their arrondissement: zone_id must be theirs.", {
      field: 'zone_id',
    });
}

export async function createNews(trx: Trx, editor: SiteEditor, input: NewsInput & { title_fr: string }) {
  const zoneId = input.zone_id ?? null;
  assertCovers(editor, zoneId);
  await beforeWrite(trx, editor);
  await assertZoneExists(trx, zoneId);
  await checkAuthor(trx, input.running_mate_id, zoneId);
  await assertImageExists(trx, input.image_id, 'image_id');
  const id = uuidv7();
  const slug = await freeSlug(trx, 'site_news', input.slug, input.title_fr);
  await trx
    .insertInto('site_news')
    .values({
      campaign_id: editor.campaignId,
      id,
      slug,
      zone_id: zoneId,
      running_mate_id: input.running_mate_id ?? null,
      ...EMPTY_TEXTS,
      ...changesOf(input, TEXTS),
      title_fr: input.title_fr.trim(),
      image_id: input.image_id ?? null,
      published_at: input.published_at === undefined ? new Date() : dateOrNull(input.published_at),
      updated_by: editor.label,
      updated_at: new Date(),
    })
    .execute();
  await audit(trx, editor, 'site.news.created', 'site_news', id, { slug, zone_id: zoneId });
  return getNews(trx, editor, id);
}

export async function updateNews(trx: Trx, editor: SiteEditor, id: string, input: NewsInput) {
  const current = await getNews(trx, editor, id);
  assertCovers(editor, current.zone_id);
  const zoneId = input.zone_id !== undefined ? input.zone_id : current.zone_id;
  if (zoneId !== current.zone_id) {
    assertCovers(editor, zoneId);
    await assertZoneExists(trx, zoneId);
  }
  await beforeWrite(trx, editor);
  const author = input.running_mate_id !== undefined ? input.running_mate_id : current.running_mate_id;
  await checkAuthor(trx, author, zoneId);
  await assertImageExists(trx, input.image_id, 'image_id');
  const slug =
    input.slug !== undefined && input.slug !== current.slug
      ? await freeSlug(trx, 'site_news', input.slug, current.title_fr, id)
      : undefined;
  await trx
    .updateTable('site_news')
    .set({
      ...(slug !== undefined ? { slug } : {}),
      zone_id: zoneId,
      running_mate_id: author,
      ...changesOf(input, { ...TEXTS, image_id: keep<string | null>, published_at: dateOrNull }),
      updated_by: editor.label,
      updated_at: new Date(),
    })
    .where('id', '=', id)
    .execute();
  await audit(trx, editor, 'site.news.updated', 'site_news', id, { fields: Object.keys(input) });
  return getNews(trx, editor, id);
}

export async function deleteNews(trx: Trx, editor: SiteEditor, id: string): Promise<void> {
  const current = await getNews(trx, editor, id);
  assertCovers(editor, current.zone_id);
  await beforeWrite(trx, editor);
  await trx.deleteFrom('site_news').where('id', '=', id).execute();
  await audit(trx, editor, 'site.news.deleted', 'site_news', id, { slug: current.slug });
}

// ---------------------------------------------------------------------------------------------
// Images

const SIGNATURES: readonly { type: string; test: (b: Buffer) => boolean }[] = [
  { type: 'image/png', test: (b) => b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) },
  { type: 'image/jpeg', test: (b) => b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff },
  { type: 'image/gif', test: (b) => b.subarray(0, 4).toString('latin1') === 'GIF8' },
  { type: 'image/webp', test: (b) => b.subarray(0, 4).toString('latin1') === 'RIFF' && b.subarray(8, 12).toString('latin1') === 'WEBP' },
];

/** Stores an uploaded image (its type read from its bytes, not from what the client says). */
export async function uploadImage(
  trx: Trx,
  editor: SiteEditor,
  input: { data: string; alt?: string | undefined; zone_id?: string | null | undefined },
) {
  const zoneId = input.zone_id ?? null;
  assertCovers(editor, zoneId);
  const bytes = Buffer.from(input.data, 'base64');
  if (bytes.length === 0 || bytes.length > MAX_IMAGE_BYTES)
    throw new AppError('SITE_IMAGE_INVALID', `An image weighs at most ${MAX_IMAGE_BYTES / 1024 / 1024} MB.`);
  const type = SIGNATURES.find((s) => s.test(bytes))?.type;
  if (!type) throw new AppError('SITE_IMAGE_INVALID', 'Send a PNG, JPEG, WebP or GIF image (base64 in `data`).');
  await beforeWrite(trx, editor);
  await assertZoneExists(trx, zoneId);
  const id = uuidv7();
  await trx
    .insertInto('site_image')
    .values({ campaign_id: editor.campaignId, id, content_type: type, bytes, alt: input.alt?.trim() ?? '', zone_id: zoneId })
    .execute();
  await audit(trx, editor, 'site.image.uploaded', 'site_image', id, { bytes: bytes.length, content_type: type });
  return { id, content_type: type, bytes: bytes.length, alt: input.alt?.trim() ?? '', url: `/medias/${id}` };
}

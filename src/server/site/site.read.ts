// What the public pages read (in the site campaign's tenant transaction): published content only.
import { sql } from 'kysely';
import type { Trx } from '../db/database.ts';

/** The arrondissements (zones of the layer 'arrondissement'), in their number's order. */
export function siteZones(trx: Trx) {
  return trx
    .selectFrom('zone')
    .innerJoin('zone_layer as l', (j) => j.onRef('l.id', '=', 'zone.layer_id').onRef('l.campaign_id', '=', 'zone.campaign_id'))
    .select(['zone.id', 'zone.code', 'zone.name', 'zone.geometry', 'zone.centroid'])
    .where('l.code', '=', 'arrondissement')
    .orderBy(sql`lpad(zone.code, 8, '0')`)
    .execute();
}

export function homePage(trx: Trx) {
  return trx.selectFrom('site_page').selectAll().where('kind', '=', 'home').where('published', '=', true).executeTakeFirst();
}

export function zonePage(trx: Trx, zoneId: string) {
  return trx
    .selectFrom('site_page')
    .selectAll()
    .where('kind', '=', 'zone')
    .where('zone_id', '=', zoneId)
    .where('published', '=', true)
    .executeTakeFirst();
}

export function freePage(trx: Trx, slug: string) {
  return trx
    .selectFrom('site_page')
    .selectAll()
    .where('kind', '=', 'page')
    .where('slug', '=', slug)
    .where('published', '=', true)
    .executeTakeFirst();
}

export function freePages(trx: Trx) {
  return trx
    .selectFrom('site_page')
    .select(['slug', 'title_fr', 'title_en', 'updated_at'])
    .where('kind', '=', 'page')
    .where('published', '=', true)
    .orderBy('title_fr')
    .execute();
}

export function runningMatesOf(trx: Trx, zoneId: string) {
  return trx
    .selectFrom('site_running_mate')
    .select(['id', 'name', 'role_fr', 'role_en', 'bio_fr', 'bio_en', 'photo_id'])
    .where('zone_id', '=', zoneId)
    .orderBy('position')
    .orderBy('name')
    .execute();
}

function visibleNews(trx: Trx) {
  return trx
    .selectFrom('site_news as n')
    .leftJoin('zone', 'zone.id', 'n.zone_id')
    .leftJoin('site_running_mate as m', 'm.id', 'n.running_mate_id')
    .select([
      'n.id',
      'n.slug',
      'n.title_fr',
      'n.title_en',
      'n.summary_fr',
      'n.summary_en',
      'n.body_fr',
      'n.body_en',
      'n.image_id',
      'n.published_at',
      'n.updated_at',
      'n.zone_id',
      'zone.code as zone_code',
      'zone.name as zone_name',
      'm.name as author_name',
    ])
    .where('n.published_at', 'is not', null)
    .where('n.published_at', '<=', new Date());
}

/** Published news, newest first: all, the campaign's own, one arrondissement's, or its running mates' posts. */
export function publishedNews(
  trx: Trx,
  q: { limit: number; offset?: number; zoneId?: string; byRunningMates?: boolean; campaignWide?: boolean },
) {
  let query = visibleNews(trx);
  if (q.zoneId) query = query.where('n.zone_id', '=', q.zoneId);
  if (q.byRunningMates !== undefined) query = query.where('n.running_mate_id', q.byRunningMates ? 'is not' : 'is', null);
  if (q.campaignWide) query = query.where('n.zone_id', 'is', null);
  return query
    .orderBy('n.published_at', 'desc')
    .orderBy('n.id', 'desc')
    .limit(q.limit)
    .offset(q.offset ?? 0)
    .execute();
}

export type PublishedNews = Awaited<ReturnType<typeof publishedNews>>[number];

export function newsBySlug(trx: Trx, slug: string) {
  return visibleNews(trx).where('n.slug', '=', slug).executeTakeFirst();
}

export function countPublishedNews(trx: Trx) {
  return trx
    .selectFrom('site_news')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('published_at', 'is not', null)
    .where('published_at', '<=', new Date())
    .executeTakeFirst()
    .then((r) => Number(r?.n ?? 0));
}

// The site's content in the API (/api/v1/site/…): pages, news, running mates as HAL collections,
// and image uploads. Reading asks site:read, writing site:write; a referent sees and edits their own
// arrondissements' content only; during the electoral silence every write answers 409.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { inTenant, requireActor, type TenantActor } from '../http/auth.ts';
import { collection, DateTime, NoContent, Nullable, PageQuery, problems, StringEnum, Uuid } from '../http/schemas.ts';
import { MAX_RICH_TEXT } from './html.ts';
import { forgetSitePages } from './page-cache.ts';
import {
  createNews,
  createPage,
  createRunningMate,
  deleteNews,
  deletePage,
  deleteRunningMate,
  getNews,
  getPage,
  getRunningMate,
  listNews,
  listPages,
  listRunningMates,
  MAX_IMAGE_BYTES,
  type SiteEditor,
  updateNews,
  updatePage,
  updateRunningMate,
  uploadImage,
} from './site.content.ts';

const Slug = Type.String({
  pattern: '^[a-z0-9]+(-[a-z0-9]+)*$',
  minLength: 1,
  maxLength: 80,
  description: 'lower-case words joined by hyphens',
});
const Title = Type.String({ minLength: 1, maxLength: 200 });
const OptTitle = Type.String({ maxLength: 200 });
const Summary = Type.String({ maxLength: 500 });
const Rich = Type.String({
  maxLength: MAX_RICH_TEXT,
  description: 'HTML; sanitised on save (paragraphs, h2–h4, lists, links, emphasis, images of the site)',
});
const KIND = ['home', 'zone', 'page'] as const;

export const SitePageSchema = Type.Object({
  id: Uuid,
  kind: StringEnum(KIND),
  slug: Type.String(),
  zone_id: Nullable(Uuid),
  zone_code: Nullable(Type.String()),
  zone_name: Nullable(Type.String()),
  title_fr: Type.String(),
  title_en: Type.String(),
  summary_fr: Type.String(),
  summary_en: Type.String(),
  body_fr: Type.String(),
  body_en: Type.String(),
  image_id: Nullable(Uuid),
  published: Type.Boolean(),
  path: Type.String({ description: 'its address on the public site' }),
  updated_by: Type.String(),
  created_at: DateTime,
  updated_at: DateTime,
});

const PageFields = {
  slug: Type.Optional(Slug),
  title_en: Type.Optional(OptTitle),
  summary_fr: Type.Optional(Summary),
  summary_en: Type.Optional(Summary),
  body_fr: Type.Optional(Rich),
  body_en: Type.Optional(Rich),
  image_id: Type.Optional(Nullable(Uuid)),
  published: Type.Optional(Type.Boolean()),
};
export const SitePageInput = Type.Object(
  {
    kind: StringEnum(KIND),
    zone_id: Type.Optional(Nullable(Uuid)),
    title_fr: Title,
    ...PageFields,
  },
  { additionalProperties: false },
);
export const SitePageUpdate = Type.Object({ title_fr: Type.Optional(Title), ...PageFields }, { additionalProperties: false });

export const SiteRunningMateSchema = Type.Object({
  id: Uuid,
  zone_id: Uuid,
  zone_code: Type.String(),
  zone_name: Type.String(),
  name: Type.String(),
  role_fr: Type.String(),
  role_en: Type.String(),
  bio_fr: Type.String(),
  bio_en: Type.String(),
  photo_id: Nullable(Uuid),
  position: Type.Integer(),
  created_at: DateTime,
  updated_at: DateTime,
});
const MateFields = {
  role_fr: Type.Optional(Type.String({ maxLength: 200 })),
  role_en: Type.Optional(Type.String({ maxLength: 200 })),
  bio_fr: Type.Optional(Type.String({ maxLength: 20_000 })),
  bio_en: Type.Optional(Type.String({ maxLength: 20_000 })),
  photo_id: Type.Optional(Nullable(Uuid)),
  position: Type.Optional(Type.Integer({ minimum: 0, maximum: 1000 })),
};
export const SiteRunningMateInput = Type.Object({ zone_id: Uuid, name: Title, ...MateFields }, { additionalProperties: false });
export const SiteRunningMateUpdate = Type.Object(
  { zone_id: Type.Optional(Uuid), name: Type.Optional(Title), ...MateFields },
  { additionalProperties: false },
);

export const SiteNewsSchema = Type.Object({
  id: Uuid,
  slug: Type.String(),
  zone_id: Nullable(Uuid),
  zone_code: Nullable(Type.String()),
  zone_name: Nullable(Type.String()),
  running_mate_id: Nullable(Uuid),
  running_mate_name: Nullable(Type.String()),
  title_fr: Type.String(),
  title_en: Type.String(),
  summary_fr: Type.String(),
  summary_en: Type.String(),
  body_fr: Type.String(),
  body_en: Type.String(),
  image_id: Nullable(Uuid),
  published_at: Nullable(DateTime),
  path: Type.String(),
  updated_by: Type.String(),
  created_at: DateTime,
  updated_at: DateTime,
});
const NewsFields = {
  slug: Type.Optional(Slug),
  zone_id: Type.Optional(Nullable(Uuid)),
  running_mate_id: Type.Optional(Nullable(Uuid)),
  title_en: Type.Optional(OptTitle),
  summary_fr: Type.Optional(Summary),
  summary_en: Type.Optional(Summary),
  body_fr: Type.Optional(Rich),
  body_en: Type.Optional(Rich),
  image_id: Type.Optional(Nullable(Uuid)),
  published_at: Type.Optional(Nullable(Type.String({ format: 'date-time', description: 'null: a draft; omitted on creation: now' }))),
};
export const SiteNewsInput = Type.Object({ title_fr: Title, ...NewsFields }, { additionalProperties: false });
export const SiteNewsUpdate = Type.Object({ title_fr: Type.Optional(Title), ...NewsFields }, { additionalProperties: false });

export const SiteImageInput = Type.Object(
  {
    data: Type.String({
      minLength: 1,
      maxLength: Math.ceil((MAX_IMAGE_BYTES * 4) / 3) + 4,
      description: 'the image, base64 (PNG, JPEG, WebP or GIF, 2 MB at most)',
    }),
    alt: Type.Optional(Type.String({ maxLength: 300 })),
    zone_id: Type.Optional(Nullable(Uuid)),
  },
  { additionalProperties: false },
);
export const SiteImageSchema = Type.Object({
  id: Uuid,
  content_type: Type.String(),
  bytes: Type.Integer(),
  alt: Type.String(),
  url: Type.String(),
});

const IdParams = Type.Object({ id: Uuid });
const ZoneQuery = Type.Object({ zone_id: Type.Optional(Uuid) });
const NewsQuery = Type.Intersect([PageQuery, ZoneQuery]);

function editorOf(request: FastifyRequest, actor: TenantActor): SiteEditor {
  return {
    campaignId: actor.campaignId,
    zoneScope: actor.zoneScope,
    userId: actor.userId,
    tokenId: actor.tokenId,
    label: actor.label,
    ip: request.ip ?? null,
  };
}

export const siteApiRoutes: FastifyPluginAsyncTypebox = async (app) => {
  /** Runs a write for the request's actor, then forgets the campaign's cached public pages. */
  async function write<T>(
    request: FastifyRequest,
    fn: (editor: SiteEditor, trx: Parameters<Parameters<typeof inTenant>[2]>[0]) => Promise<T>,
  ) {
    const actor = requireActor(request, 'site:write');
    const result = await inTenant(app, actor, (trx) => fn(editorOf(request, actor), trx));
    forgetSitePages(actor.campaignId);
    return result;
  }
  function read<T>(request: FastifyRequest, fn: (editor: SiteEditor, trx: Parameters<Parameters<typeof inTenant>[2]>[0]) => Promise<T>) {
    const actor = requireActor(request, 'site:read');
    return inTenant(app, actor, (trx) => fn(editorOf(request, actor), trx));
  }

  // Pages -------------------------------------------------------------------------------------
  app.get(
    '/site/pages',
    {
      schema: {
        tags: ['site'],
        summary: "The site's pages (a referent: their arrondissements' pages)",
        response: { 200: collection('site_pages', SitePageSchema), ...problems(401, 403) },
      },
    },
    async (request) => {
      const pages = await read(request, (editor, trx) => listPages(trx, editor));
      return { total_records: pages.length, _embedded: { site_pages: pages } };
    },
  );
  app.post(
    '/site/pages',
    {
      schema: {
        tags: ['site'],
        summary: 'Create a page: the home page (the candidate’s message), an arrondissement’s page or a free page',
        body: SitePageInput,
        response: { 201: SitePageSchema, ...problems(400, 401, 403, 409) },
      },
    },
    async (request, reply) => reply.status(201).send(await write(request, (editor, trx) => createPage(trx, editor, request.body))),
  );
  app.get(
    '/site/pages/:id',
    {
      schema: {
        tags: ['site'],
        summary: 'One page of the site',
        params: IdParams,
        response: { 200: SitePageSchema, ...problems(401, 403, 404) },
      },
    },
    async (request) => read(request, (editor, trx) => getPage(trx, editor, request.params.id)),
  );
  app.put(
    '/site/pages/:id',
    {
      schema: {
        tags: ['site'],
        summary: 'Change a page (HTML sanitised on save)',
        params: IdParams,
        body: SitePageUpdate,
        response: { 200: SitePageSchema, ...problems(400, 401, 403, 404, 409) },
      },
    },
    async (request) => write(request, (editor, trx) => updatePage(trx, editor, request.params.id, request.body)),
  );
  app.delete(
    '/site/pages/:id',
    {
      schema: { tags: ['site'], summary: 'Delete a page', params: IdParams, response: { 204: NoContent, ...problems(401, 403, 404, 409) } },
    },
    async (request, reply) => {
      await write(request, (editor, trx) => deletePage(trx, editor, request.params.id));
      return reply.status(204).send(null);
    },
  );

  // News --------------------------------------------------------------------------------------
  app.get(
    '/site/news',
    {
      schema: {
        tags: ['site'],
        summary: 'News of the site, newest first (drafts first), optionally of one arrondissement',
        querystring: NewsQuery,
        response: { 200: collection('site_news', SiteNewsSchema), ...problems(400, 401, 403) },
      },
    },
    async (request) => {
      const { page, per_page, zone_id } = request.query;
      const { rows, total } = await read(request, (editor, trx) => listNews(trx, editor, { page, perPage: per_page, zoneId: zone_id }));
      return { total_records: total, page, per_page, total_pages: Math.ceil(total / per_page), _embedded: { site_news: rows } };
    },
  );
  app.post(
    '/site/news',
    {
      schema: {
        tags: ['site'],
        summary: 'Publish (or draft) news',
        body: SiteNewsInput,
        response: { 201: SiteNewsSchema, ...problems(400, 401, 403, 409) },
      },
    },
    async (request, reply) => reply.status(201).send(await write(request, (editor, trx) => createNews(trx, editor, request.body))),
  );
  app.get(
    '/site/news/:id',
    {
      schema: { tags: ['site'], summary: 'One news item', params: IdParams, response: { 200: SiteNewsSchema, ...problems(401, 403, 404) } },
    },
    async (request) => read(request, (editor, trx) => getNews(trx, editor, request.params.id)),
  );
  app.put(
    '/site/news/:id',
    {
      schema: {
        tags: ['site'],
        summary: 'Change news',
        params: IdParams,
        body: SiteNewsUpdate,
        response: { 200: SiteNewsSchema, ...problems(400, 401, 403, 404, 409) },
      },
    },
    async (request) => write(request, (editor, trx) => updateNews(trx, editor, request.params.id, request.body)),
  );
  app.delete(
    '/site/news/:id',
    { schema: { tags: ['site'], summary: 'Delete news', params: IdParams, response: { 204: NoContent, ...problems(401, 403, 404, 409) } } },
    async (request, reply) => {
      await write(request, (editor, trx) => deleteNews(trx, editor, request.params.id));
      return reply.status(204).send(null);
    },
  );

  // Running mates -----------------------------------------------------------------------------
  app.get(
    '/site/running_mates',
    {
      schema: {
        tags: ['site'],
        summary: 'The running mates (colistiers), per arrondissement',
        querystring: ZoneQuery,
        response: { 200: collection('site_running_mates', SiteRunningMateSchema), ...problems(400, 401, 403) },
      },
    },
    async (request) => {
      const mates = await read(request, (editor, trx) => listRunningMates(trx, editor, request.query.zone_id));
      return { total_records: mates.length, _embedded: { site_running_mates: mates } };
    },
  );
  app.post(
    '/site/running_mates',
    {
      schema: {
        tags: ['site'],
        summary: 'Add a running mate to an arrondissement',
        body: SiteRunningMateInput,
        response: { 201: SiteRunningMateSchema, ...problems(400, 401, 403, 409) },
      },
    },
    async (request, reply) => reply.status(201).send(await write(request, (editor, trx) => createRunningMate(trx, editor, request.body))),
  );
  app.get(
    '/site/running_mates/:id',
    {
      schema: {
        tags: ['site'],
        summary: 'One running mate',
        params: IdParams,
        response: { 200: SiteRunningMateSchema, ...problems(401, 403, 404) },
      },
    },
    async (request) => read(request, (editor, trx) => getRunningMate(trx, editor, request.params.id)),
  );
  app.put(
    '/site/running_mates/:id',
    {
      schema: {
        tags: ['site'],
        summary: 'Change a running mate',
        params: IdParams,
        body: SiteRunningMateUpdate,
        response: { 200: SiteRunningMateSchema, ...problems(400, 401, 403, 404, 409) },
      },
    },
    async (request) => write(request, (editor, trx) => updateRunningMate(trx, editor, request.params.id, request.body)),
  );
  app.delete(
    '/site/running_mates/:id',
    {
      schema: {
        tags: ['site'],
        summary: 'Remove a running mate',
        params: IdParams,
        response: { 204: NoContent, ...problems(401, 403, 404, 409) },
      },
    },
    async (request, reply) => {
      await write(request, (editor, trx) => deleteRunningMate(trx, editor, request.params.id));
      return reply.status(204).send(null);
    },
  );

  // Images ------------------------------------------------------------------------------------
  app.post(
    '/site/images',
    {
      bodyLimit: Math.ceil((MAX_IMAGE_BYTES * 4) / 3) + 4096,
      schema: {
        tags: ['site'],
        summary: 'Upload an image for pages, news or a running mate’s photo (served by the site at /medias/<id>)',
        body: SiteImageInput,
        response: { 201: SiteImageSchema, ...problems(400, 401, 403, 409, 413) },
      },
    },
    async (request, reply) => reply.status(201).send(await write(request, (editor, trx) => uploadImage(trx, editor, request.body))),
  );
};

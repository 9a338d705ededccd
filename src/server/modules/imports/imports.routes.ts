// HTTP routes of the people import wizard: upload (multipart), start, follow, rejected rows, and the
// history of the campaign's imports.
import multipart from '@fastify/multipart';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { tenantRunnerOf } from '../../db/database.ts';
import { CONSENT_CHANNELS } from '../../db/schema.ts';
import { fileStoreOf } from '../../files/storage.ts';
import type { TenantActor } from '../../http/auth.ts';
import { inTenant, requireActor } from '../../http/auth.ts';
import { acceptLocalCliRequests } from '../../http/local-cli.ts';
import { pageLinks } from '../../http/pagination.ts';
import { AppError } from '../../http/problem.ts';
import { collection, DateTime, Nullable, PageQuery, problems, StringEnum, Uuid } from '../../http/schemas.ts';
import { insertAuditEvents } from '../audit/index.ts';
import { IMPORT_FIELDS } from './fields.ts';
import { IMPORT_RUN_ERROR_CODES } from './import.job.ts';
import * as service from './imports.service.ts';
import { ISSUE_CODES } from './issue-codes.ts';
import { importRetentionOf } from './retention.ts';

const FieldSchema = Type.String({
  description: `one of ${IMPORT_FIELDS.join(', ')}, or custom:<key>`,
  pattern: `^(${IMPORT_FIELDS.join('|')}|custom:[a-z][a-z0-9_]{0,39})$`,
});
const MappingSchema = Type.Record(Type.String(), FieldSchema, { description: '{ "<column header>": "<field>" }' });

export const PreviewSchema = Type.Object({
  id: Uuid,
  file_name: Type.String(),
  format: StringEnum(['csv', 'xlsx'] as const),
  encoding: Nullable(Type.String()),
  delimiter: Nullable(Type.String()),
  headers: Type.Array(Type.String()),
  preview: Type.Array(Type.Array(Type.String())),
  row_count_estimate: Nullable(Type.Integer()),
  suggested_mapping: MappingSchema,
  remembered: Type.Boolean(),
  fields: Type.Array(
    Type.Object({
      field: FieldSchema,
      label: Nullable(Type.String({ description: "the custom field's label; null for the person fields" })),
      repeatable: Type.Boolean({ description: 'several columns may map to it (joined, or kept as alternatives)' }),
      identifies: Type.Boolean({ description: 'matches rows to people (a mapping needs one such column)' }),
    }),
    { description: 'the values a column can be mapped to: ignore, the person fields, the custom fields' },
  ),
});

export const StartBody = Type.Object({
  mapping: MappingSchema,
  on_duplicate: StringEnum(['update', 'skip'] as const),
  add_tags: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 80 }), { maxItems: 20 })),
  add_list_id: Type.Optional(Uuid),
  add_list_name: Type.Optional(Type.String({ minLength: 1, maxLength: 120, description: 'the list by name (case-insensitive)' })),
  consent: Type.Optional(
    Type.Object({
      channels: Type.Array(StringEnum(CONSENT_CHANNELS), { maxItems: 4, uniqueItems: true }),
      proof_text: Type.String({ minLength: 1, maxLength: 4000 }),
    }),
  ),
});

// Stable code of the failure when the run was interrupted (error holds its French text), else null.
const ErrorCodeSchema = Nullable(StringEnum(IMPORT_RUN_ERROR_CODES));
// Until when the rejected rows can be downloaded (then deleted); null when they cannot.
const RejectedKeptUntil = Nullable(DateTime);

export const StateSchema = Type.Object({
  id: Uuid,
  file_name: Type.String(),
  format: StringEnum(['csv', 'xlsx'] as const),
  state: StringEnum(['uploaded', 'queued', 'running', 'succeeded', 'failed'] as const),
  job_id: Nullable(Uuid),
  done: Type.Number(),
  total: Nullable(Type.Number()),
  message: Type.String(),
  error: Nullable(Type.String()),
  error_code: ErrorCodeSchema,
  created: Type.Integer(),
  updated: Type.Integer(),
  skipped: Type.Integer(),
  rejected: Type.Integer(),
  flagged: Type.Integer({ description: 'Rows kept without the fields they could not take (a bad e-mail beside a good phone).' }),
  merged: Type.Integer({ description: 'Rows merged into an earlier copy of the same person in the file.' }),
  issues: Type.Array(
    Type.Object({
      line: Type.Integer({ description: 'Line in the file (the header is line 1).' }),
      status: StringEnum(['rejected', 'flagged', 'merged'] as const),
      reasons: Type.Array(Type.Object({ code: StringEnum(ISSUE_CODES), field: Type.Optional(Type.String()) })),
    }),
    { description: 'The lines with something to say, first 500 by line: why a row was rejected, which fields were left out.' },
  ),
  rejected_kept_until: RejectedKeptUntil,
  uploaded_at: DateTime,
});

export const StartedSchema = Type.Object({ job_id: Uuid, import_id: Uuid });

const Params = Type.Object({ id: Uuid });

const Link = Type.Object({ href: Type.String() });
export const HistoryItemSchema = Type.Object({
  id: Uuid,
  file_name: Type.String(),
  state: StringEnum(['queued', 'running', 'succeeded', 'failed'] as const),
  job_id: Uuid,
  imported_by: Type.String({ description: 'who started it (e-mail, token name, or cli)' }),
  on_duplicate: StringEnum(['update', 'skip'] as const),
  started_at: DateTime,
  finished_at: Nullable(DateTime),
  done: Type.Number(),
  total: Nullable(Type.Number()),
  created: Type.Integer(),
  updated: Type.Integer(),
  skipped: Type.Integer(),
  rejected: Type.Integer(),
  error: Nullable(Type.String()),
  error_code: ErrorCodeSchema,
  rejected_kept_until: RejectedKeptUntil,
  _links: Type.Object({
    self: Link,
    'relais:rejected': Type.Optional(
      Type.Object({ href: Type.String({ description: 'the rejected rows (CSV), once finished, until rejected_kept_until' }) }),
    ),
  }),
});

function importActor(request: FastifyRequest, actor: TenantActor): service.ImportActor {
  return {
    campaignId: actor.campaignId,
    userId: actor.userId,
    tokenId: actor.tokenId,
    label: actor.label,
    zoneScope: actor.zoneScope,
    ip: request.ip ?? null,
  };
}

export const importsRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const files = fileStoreOf(app.deps.config);
  const retention = importRetentionOf(app.deps.config);
  const maxBytes = service.importMaxBytesOf(app.deps.config);
  await app.register(multipart, { limits: { fileSize: maxBytes, files: 1, fields: 5, parts: 6 } });
  acceptLocalCliRequests(app);

  app.get(
    '/imports',
    {
      schema: {
        tags: ['imports'],
        summary: "The campaign's started imports, newest first (a referent's own only), with their outcome",
        querystring: PageQuery,
        response: { 200: collection('imports', HistoryItemSchema), ...problems(400, 401, 403) },
      },
    },
    async (request) => {
      const actor = requireActor(request, 'imports:write');
      const { page, per_page } = request.query;
      const { items, total } = await inTenant(app, actor, (trx) =>
        service.listImports(trx, importActor(request, actor), { page, perPage: per_page, retention }),
      );
      const totalPages = Math.max(1, Math.ceil(total / per_page));
      const base = `${app.deps.config.publicUrl}/api/v1/imports`;
      return {
        total_records: total,
        page,
        per_page,
        total_pages: totalPages,
        _links: pageLinks(app, request, page, totalPages),
        _embedded: {
          imports: items.map((item) => ({
            ...item,
            _links: {
              self: { href: `${base}/${item.id}` },
              ...(item.rejected_kept_until ? { 'relais:rejected': { href: `${base}/${item.id}/rejected.csv` } } : {}),
            },
          })),
        },
      };
    },
  );

  app.post(
    '/imports',
    {
      schema: {
        tags: ['imports'],
        summary: 'Upload a CSV or XLSX file of people (multipart field "file"): layout, preview and suggested mapping',
        consumes: ['multipart/form-data'],
        response: { 201: PreviewSchema, ...problems(400, 401, 403, 413, 415, 422) },
      },
    },
    async (request, reply) => {
      const actor = requireActor(request, 'imports:write');
      if (!request.isMultipart()) throw new AppError('UNSUPPORTED_MEDIA_TYPE', 'Send the file as multipart/form-data.');
      let file: Awaited<ReturnType<typeof request.file>>;
      try {
        file = await request.file();
      } catch (error) {
        throw uploadError(error, maxBytes);
      }
      if (file?.fieldname !== 'file') throw new AppError('IMPORT_FILE_MISSING', 'Send the file in a multipart field named "file".');
      // A body cut inside the file (no closing boundary) may have failed the part before this line:
      // its stream is destroyed and would never end, and the upload waited for it forever.
      if (file.file.destroyed && !file.file.readableEnded) throw new AppError('VALIDATION_FAILED', MALFORMED_MULTIPART_DETAIL);
      try {
        const preview = await service.createImport(
          {
            files,
            maxBytes,
            actor: importActor(request, actor),
            fileName: file.filename,
            source: { kind: 'stream', stream: file.file, truncated: () => file.file.truncated },
          },
          tenantRunnerOf(app.deps.database.db, actor.campaignId),
        );
        return reply.status(201).send(preview);
      } catch (error) {
        throw uploadError(error, maxBytes);
      }
    },
  );

  app.post(
    '/imports/:id/start',
    {
      schema: {
        tags: ['imports'],
        summary: 'Validate the mapping and import in the background',
        params: Params,
        body: StartBody,
        response: { 202: StartedSchema, ...problems(400, 401, 403, 404, 409, 410) },
      },
    },
    async (request, reply) => {
      const actor = requireActor(request, 'imports:write');
      const started = await service.startImport(
        {
          files,
          jobs: app.deps.jobs,
          actor: importActor(request, actor),
          importId: request.params.id,
          body: request.body as service.StartOptions,
        },
        tenantRunnerOf(app.deps.database.db, actor.campaignId),
      );
      return reply.status(202).send(started);
    },
  );

  app.get(
    '/imports/:id',
    {
      schema: {
        tags: ['imports'],
        summary: 'State, progress and counts of an import',
        params: Params,
        response: { 200: StateSchema, ...problems(401, 403, 404) },
      },
    },
    async (request) => {
      const actor = requireActor(request, 'imports:write');
      const ref = { files, actor: importActor(request, actor), importId: request.params.id, retention };
      return inTenant(app, actor, (trx) => service.importState(ref, trx));
    },
  );

  app.get(
    '/imports/:id/rejected.csv',
    {
      schema: {
        tags: ['imports'],
        summary: 'The rejected rows as they were, with a motif_rejet column (CSV, UTF-8)',
        params: Params,
        response: { 200: Type.Unsafe<unknown>(Type.String({ description: 'CSV' })), ...problems(401, 403, 404, 409, 410) },
      },
    },
    async (request, reply) => {
      const actor = requireActor(request, 'imports:write');
      const ref = importActor(request, actor);
      const file = await inTenant(app, actor, async (trx) => {
        const found = await service.rejectedFileOf({ files, actor: ref, importId: request.params.id, retention }, trx);
        await insertAuditEvents(trx, [
          {
            campaignId: actor.campaignId,
            action: 'imports.rejected_downloaded',
            actorUserId: actor.userId,
            actorTokenId: actor.tokenId,
            actorLabel: actor.label,
            targetType: 'import',
            targetId: request.params.id,
            ip: ref.ip ?? null,
          },
        ]);
        return found;
      });
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename*=UTF-8''${encodeURIComponent(file.name)}`)
        .send(files.read(file.key));
    },
  );
};

function uploadError(error: unknown, maxBytes: number): unknown {
  const code = (error as { code?: string }).code;
  if (error instanceof AppError && error.code !== 'PAYLOAD_TOO_LARGE') return error;
  if (
    error instanceof AppError ||
    code === 'FST_REQ_FILE_TOO_LARGE' ||
    code === 'FST_PARTS_LIMIT' ||
    (error as { statusCode?: number }).statusCode === 413
  ) {
    return new AppError('PAYLOAD_TOO_LARGE', `The file is larger than the limit (${maxBytes.toLocaleString('en')} bytes).`, {
      max_bytes: maxBytes,
    });
  }
  if (code === 'FST_INVALID_MULTIPART_CONTENT_TYPE') return new AppError('UNSUPPORTED_MEDIA_TYPE', 'Send the file as multipart/form-data.');
  // busboy refuses a malformed body (no boundary, a body cut short) with plain Errors: the client's doing.
  if (error instanceof Error && !(error as { statusCode?: number }).statusCode && MALFORMED_MULTIPART.test(error.message)) {
    return new AppError('VALIDATION_FAILED', MALFORMED_MULTIPART_DETAIL);
  }
  return error;
}

const MALFORMED_MULTIPART_DETAIL = 'The multipart/form-data body is malformed (no boundary, or cut short).';
const MALFORMED_MULTIPART =
  /^(Multipart: Boundary not found|Boundary required|Unexpected end of multipart data|\w+ terminated early due to unexpected end of multipart data)/;

// The petitions API (OSDI petitions, signatures, record_signature_helper) and the back office's
// routes: the editor, the void with its preview, the delivery PDF, the quarantine of form posts.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { inTenant, requireActor, type TenantActor } from '../../http/auth.ts';
import { pageLinks } from '../../http/pagination.ts';
import { notFound } from '../../http/problem.ts';
import { collection, DateTime, Nullable, PageQuery, problems, StringEnum, Uuid } from '../../http/schemas.ts';
import { deliveryPdf } from './delivery-pdf.ts';
import { listPetitions, type PetitionRow, SIGNATURE_COLUMNS, signatureCounts, signaturesQuery } from './petitions.repo.ts';
import {
  createPetition,
  markDelivered,
  readablePetition,
  recordSignature,
  type StaffActor,
  updatePetition,
  voidSignatures,
} from './petitions.service.ts';

const STATUSES = ['draft', 'open', 'closed'] as const;
const SIGNATURE_STATUSES = ['pending', 'confirmed', 'quarantined', 'voided'] as const;
const PROOFS = ['altcha', 'none', 'api'] as const;

const Threshold = Type.Object({
  count: Type.Integer({ minimum: 1, maximum: 100_000_000 }),
  text: Type.String({ minLength: 1, maxLength: 500 }),
});
const Slug = Type.String({ pattern: '^[a-z0-9]+(-[a-z0-9]+)*$', minLength: 1, maxLength: 100 });

const PetitionFields = {
  slug: Type.Optional(Slug),
  summary: Type.Optional(Type.String({ maxLength: 500 })),
  body: Type.Optional(Type.String({ maxLength: 20_000, description: 'The petition’s text (plain text, paragraphs split by blank lines)' })),
  target: Type.Optional(Type.String({ maxLength: 200 })),
  goal: Type.Optional(Type.Integer({ minimum: 1, maximum: 100_000_000 })),
  zone_id: Type.Optional(Nullable(Uuid)),
  status: Type.Optional(StringEnum(STATUSES)),
  thresholds: Type.Optional(Type.Array(Threshold, { maxItems: 20 })),
  answer: Type.Optional(Type.String({ maxLength: 20_000, description: 'The target’s answer, published on the petition' })),
};
export const CreateBody = Type.Object({ title: Type.String({ minLength: 1, maxLength: 200 }), ...PetitionFields });
export const UpdateBody = Type.Object({ title: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })), ...PetitionFields });

const Link = Type.Object({ href: Type.String() });
export const PetitionSchema = Type.Object({
  identifiers: Type.Array(Type.String()),
  origin_system: Type.String(),
  created_date: DateTime,
  modified_date: DateTime,
  title: Type.String(),
  summary: Type.String(),
  description: Type.String(),
  petition_text: Type.String(),
  browser_url: Type.String(),
  total_signatures: Type.Integer(),
  target: Type.Array(Type.Object({ name: Type.String() })),
  'relais:slug': Type.String(),
  'relais:goal': Type.Integer(),
  'relais:status': StringEnum(STATUSES),
  'relais:zone_id': Nullable(Uuid),
  'relais:thresholds': Type.Array(Threshold),
  'relais:answer': Type.String(),
  'relais:answered_date': Nullable(DateTime),
  'relais:delivered_date': Nullable(DateTime),
  _links: Type.Record(Type.String(), Link),
});
export const SignatureSchema = Type.Object({
  identifiers: Type.Array(Type.String()),
  created_date: DateTime,
  modified_date: DateTime,
  comments: Type.String(),
  'relais:status': StringEnum(SIGNATURE_STATUSES),
  'relais:quarantine_reason': Nullable(Type.String()),
  'relais:email': Type.String(),
  'relais:given_name': Type.String(),
  'relais:family_name': Type.String(),
  'relais:postal_code': Type.String(),
  'relais:public_name': Type.Boolean(),
  'relais:client_address': Type.String(),
  'relais:proof': Type.String(),
  'relais:person_id': Nullable(Uuid),
  'relais:confirmed_date': Nullable(DateTime),
  'relais:voided_date': Nullable(DateTime),
  'relais:void_reason': Nullable(Type.String()),
  _links: Type.Record(Type.String(), Link),
});
const SignatureFilterQuery = {
  status: Type.Optional(StringEnum(SIGNATURE_STATUSES)),
  client_address: Type.Optional(Type.String({ maxLength: 100 })),
  email_domain: Type.Optional(Type.String({ maxLength: 254 })),
  proof: Type.Optional(StringEnum(PROOFS)),
  since: Type.Optional(Type.String({ format: 'date-time' })),
  until: Type.Optional(Type.String({ format: 'date-time' })),
};
export const VoidBody = Type.Object({
  ...SignatureFilterQuery,
  status: Type.Optional(Type.Never()),
  ids: Type.Optional(Type.Array(Uuid, { maxItems: 1000 })),
  reason: Type.String({ minLength: 1, maxLength: 500 }),
  preview: Type.Boolean({ description: 'true: count and show a sample, change nothing; false: void them' }),
});
export const VoidAnswer = Type.Object({
  count: Type.Integer(),
  voided: Type.Integer(),
  by_status: Type.Record(Type.String(), Type.Integer()),
  sample: Type.Array(
    Type.Object({ id: Uuid, email: Type.String(), client_address: Type.String(), created_at: DateTime, status: Type.String() }),
  ),
});
// record_signature.md: the person inline (other OSDI fields are accepted and ignored), comments.
const RecordSignatureBody = Type.Object(
  {
    person: Type.Object(
      {
        given_name: Type.Optional(Type.String({ maxLength: 100 })),
        family_name: Type.Optional(Type.String({ maxLength: 100 })),
        email_addresses: Type.Array(Type.Object({ address: Type.String({ maxLength: 254 }), primary: Type.Optional(Type.Boolean()) }), {
          minItems: 1,
          maxItems: 10,
        }),
        postal_addresses: Type.Optional(
          Type.Array(Type.Object({ postal_code: Type.Optional(Type.String({ maxLength: 10 })) }), { maxItems: 5 }),
        ),
      },
      { additionalProperties: true },
    ),
    comments: Type.Optional(Type.String({ maxLength: 2000 })),
    origin_system: Type.Optional(Type.String({ maxLength: 200 })),
  },
  { additionalProperties: true },
);
const RecordedSignature = Type.Object({
  identifiers: Type.Array(Type.String()),
  created_date: DateTime,
  modified_date: DateTime,
  origin_system: Type.String(),
  comments: Type.String(),
  already_signed: Type.Boolean({ description: 'true: this address had signed before; no second signature was recorded' }),
  _links: Type.Record(Type.String(), Link),
});
export const QuarantineItem = Type.Object({
  id: Uuid,
  form: Type.String(),
  petition_id: Nullable(Uuid),
  petition_title: Nullable(Type.String()),
  email: Type.String(),
  client_address: Type.String(),
  quarantine_reason: Nullable(Type.String()),
  proof: Type.String(),
  created_at: DateTime,
});
const IdParams = Type.Object({ id: Uuid });

const staffOf = (request: FastifyRequest, actor: TenantActor): StaffActor => ({
  campaignId: actor.campaignId,
  label: actor.label,
  userId: actor.userId,
  tokenId: actor.tokenId,
  zoneScope: actor.zoneScope,
  ip: request.ip ?? null,
});

export const petitionsRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const api = () => `${app.deps.config.publicUrl}/api/v1`;
  const osdiPetition = (p: PetitionRow, total: number) => ({
    identifiers: [`relais:${p.id}`],
    origin_system: 'Relais',
    created_date: p.created_at,
    modified_date: p.updated_at,
    title: p.title,
    summary: p.summary,
    description: p.body,
    petition_text: p.body,
    browser_url: `${app.deps.config.publicUrl}/petitions/${p.slug}`,
    total_signatures: total,
    target: p.target ? [{ name: p.target }] : [],
    'relais:slug': p.slug,
    'relais:goal': p.goal,
    'relais:status': p.status,
    'relais:zone_id': p.zone_id,
    'relais:thresholds': p.thresholds,
    'relais:answer': p.answer,
    'relais:answered_date': p.answered_at,
    'relais:delivered_date': p.delivered_at,
    _links: {
      self: { href: `${api()}/petitions/${p.id}` },
      'osdi:signatures': { href: `${api()}/petitions/${p.id}/signatures` },
      'osdi:record_signature_helper': { href: `${api()}/petitions/${p.id}/record_signature_helper` },
    },
  });

  app.get(
    '/petitions',
    {
      schema: {
        tags: ['petitions'],
        summary: 'Petitions (OSDI), newest first; a referent sees their arrondissements’ and the campaign-wide ones',
        querystring: Type.Object({ ...PageQuery.properties, status: Type.Optional(StringEnum(STATUSES)) }),
        response: { 200: collection('osdi:petitions', PetitionSchema), ...problems(400, 401, 403) },
      },
    },
    async (request) => {
      const actor = requireActor(request, 'petitions:read');
      const { page, per_page, status } = request.query;
      return inTenant(app, actor, async (trx) => {
        const rows = await listPetitions(trx, actor.campaignId, {
          ...(status ? { status } : {}),
          zoneScope: actor.zoneScope,
          limit: per_page + 1,
          offset: (page - 1) * per_page,
        });
        const more = rows.length > per_page;
        const shown = rows.slice(0, per_page);
        const counts = await signatureCounts(
          trx,
          actor.campaignId,
          shown.map((r) => r.id),
        );
        const total = (page - 1) * per_page + rows.length;
        return {
          total_records: total,
          total_is_lower_bound: more,
          page,
          per_page,
          total_pages: Math.ceil(total / per_page),
          _links: pageLinks(app, request, page, more ? page + 1 : page),
          _embedded: { 'osdi:petitions': shown.map((p) => osdiPetition(p, counts.get(p.id) ?? 0)) },
        };
      });
    },
  );

  app.post(
    '/petitions',
    {
      schema: {
        tags: ['petitions'],
        summary: 'Create a petition (a draft unless status says otherwise)',
        body: CreateBody,
        response: { 201: PetitionSchema, ...problems(400, 401, 403, 409) },
      },
    },
    async (request, reply) => {
      const actor = requireActor(request, 'petitions:write');
      const p = await inTenant(app, actor, (trx) => createPetition(trx, staffOf(request, actor), request.body));
      return reply.code(201).send(osdiPetition(p, 0));
    },
  );

  app.get(
    '/petitions/:id',
    {
      schema: {
        tags: ['petitions'],
        summary: 'One petition (OSDI)',
        params: IdParams,
        response: { 200: PetitionSchema, ...problems(401, 403, 404) },
      },
    },
    async (request) => {
      const actor = requireActor(request, 'petitions:read');
      return inTenant(app, actor, async (trx) => {
        const p = await readablePetition(trx, staffOf(request, actor), request.params.id);
        return osdiPetition(p, (await signatureCounts(trx, actor.campaignId, [p.id])).get(p.id) ?? 0);
      });
    },
  );

  app.put(
    '/petitions/:id',
    {
      schema: {
        tags: ['petitions'],
        summary: 'Edit a petition: its text, goal, thresholds, status, and the target’s answer (published on its page)',
        params: IdParams,
        body: UpdateBody,
        response: { 200: PetitionSchema, ...problems(400, 401, 403, 404, 409) },
      },
    },
    async (request) => {
      const actor = requireActor(request, 'petitions:write');
      return inTenant(app, actor, async (trx) => {
        const p = await updatePetition(trx, staffOf(request, actor), request.params.id, request.body);
        return osdiPetition(p, (await signatureCounts(trx, actor.campaignId, [p.id])).get(p.id) ?? 0);
      });
    },
  );

  app.get(
    '/petitions/:id/signatures',
    {
      schema: {
        tags: ['petitions'],
        summary: 'Signatures of a petition (OSDI), every status unless filtered; only confirmed ones count',
        params: IdParams,
        querystring: Type.Object({ ...PageQuery.properties, ...SignatureFilterQuery }),
        response: { 200: collection('osdi:signatures', SignatureSchema), ...problems(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const actor = requireActor(request, 'petitions:read');
      const { page, per_page, ...filter } = request.query;
      return inTenant(app, actor, async (trx) => {
        const p = await readablePetition(trx, staffOf(request, actor), request.params.id);
        const rows = await signaturesQuery(trx, actor.campaignId, p.id, filter)
          .select(SIGNATURE_COLUMNS)
          .select('s.message')
          .orderBy('s.created_at', 'desc')
          .limit(per_page + 1)
          .offset((page - 1) * per_page)
          .execute();
        const more = rows.length > per_page;
        const total = (page - 1) * per_page + rows.length;
        return {
          total_records: total,
          total_is_lower_bound: more,
          page,
          per_page,
          total_pages: Math.ceil(total / per_page),
          _links: pageLinks(app, request, page, more ? page + 1 : page),
          _embedded: {
            'osdi:signatures': rows.slice(0, per_page).map((s) => ({
              identifiers: [`relais:${s.id}`],
              created_date: s.created_at,
              modified_date: s.voided_at ?? s.confirmed_at ?? s.created_at,
              comments: s.message,
              'relais:status': s.status,
              'relais:quarantine_reason': s.quarantine_reason,
              'relais:email': s.email,
              'relais:given_name': s.given_name,
              'relais:family_name': s.family_name,
              'relais:postal_code': s.postal_code,
              'relais:public_name': s.public_name,
              'relais:client_address': s.client_address,
              'relais:proof': s.proof,
              'relais:person_id': s.person_id,
              'relais:confirmed_date': s.confirmed_at,
              'relais:voided_date': s.voided_at,
              'relais:void_reason': s.void_reason,
              _links: {
                self: { href: `${api()}/petitions/${p.id}/signatures/${s.id}` },
                'osdi:petition': { href: `${api()}/petitions/${p.id}` },
                ...(s.person_id ? { 'osdi:person': { href: `${api()}/people/${s.person_id}` } } : {}),
              },
            })),
          },
        };
      });
    },
  );

  // OSDI names the helper /petitions/:id/record_signature_helper; /signatures/record_signature_helper is kept as a synonym.
  for (const path of ['/petitions/:id/record_signature_helper', '/petitions/:id/signatures/record_signature_helper']) {
    app.post(
      path,
      {
        schema: {
          tags: ['petitions'],
          summary:
            'Record a signature collected elsewhere (OSDI record_signature_helper): the caller vouches for it, so it counts at once (no e-mail confirmation); the person is matched on the normalised e-mail or created, and moves up the ladder',
          params: IdParams,
          body: RecordSignatureBody,
          response: { 200: RecordedSignature, ...problems(400, 401, 403, 404, 409, 422) },
        },
      },
      async (request) => {
        const actor = requireActor(request, 'petitions:write');
        const b = request.body;
        const email = (b.person.email_addresses.find((e) => e.primary) ?? b.person.email_addresses[0])?.address ?? '';
        const postal = b.person.postal_addresses?.[0]?.postal_code;
        const r = await inTenant(app, actor, (trx) =>
          recordSignature(trx, staffOf(request, actor), {
            petitionId: request.params.id,
            email,
            ...(b.person.given_name ? { givenName: b.person.given_name } : {}),
            ...(b.person.family_name ? { familyName: b.person.family_name } : {}),
            ...(postal ? { postalCode: postal } : {}),
            ...(b.comments ? { comments: b.comments } : {}),
            secret: app.deps.config.mailing.tokenSecret,
          }),
        );
        const now = new Date();
        return {
          identifiers: [`relais:${r.submissionId}`],
          created_date: now,
          modified_date: now,
          origin_system: b.origin_system ?? 'Relais',
          comments: b.comments ?? '',
          already_signed: r.already,
          _links: {
            self: { href: `${api()}/petitions/${request.params.id}/signatures/${r.submissionId}` },
            'osdi:petition': { href: `${api()}/petitions/${request.params.id}` },
            'osdi:person': { href: `${api()}/people/${r.personId}` },
          },
        };
      },
    );
  }

  app.post(
    '/petitions/:id/signatures/void',
    {
      schema: {
        tags: ['petitions'],
        summary:
          'Void suspicious signatures in bulk: with preview true, how many a filter names and a sample; with preview false, void them (audited)',
        params: IdParams,
        body: VoidBody,
        response: { 200: VoidAnswer, ...problems(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const actor = requireActor(request, 'petitions:write');
      const { reason, preview, ...filter } = request.body;
      return inTenant(app, actor, (trx) =>
        voidSignatures(trx, staffOf(request, actor), { petitionId: request.params.id, filter, reason, apply: !preview }),
      );
    },
  );

  app.get(
    '/petitions/:id/delivery.pdf',
    {
      schema: {
        tags: ['petitions'],
        summary: 'The PDF of the confirmed signatures to hand to the target (names, postal codes, dates; no e-mail)',
        params: IdParams,
        produces: ['application/pdf'],
        response: { 200: Type.Unknown({ description: 'The PDF (application/pdf)' }), ...problems(401, 403, 404) },
      },
    },
    async (request, reply) => {
      const actor = requireActor(request, 'petitions:write');
      const pdf = await inTenant(app, actor, async (trx) => {
        const staff = staffOf(request, actor);
        const p = await readablePetition(trx, staff, request.params.id);
        const campaign = await trx.selectFrom('campaign').select(['id', 'name']).where('id', '=', actor.campaignId).executeTakeFirst();
        if (!campaign) throw notFound('campaign');
        const buffer = await deliveryPdf(trx, campaign, p);
        await markDelivered(trx, staff, p.id);
        return { buffer, slug: p.slug };
      });
      return reply
        .type('application/pdf')
        .header('content-disposition', `attachment; filename="petition-${pdf.slug}.pdf"`)
        .send(pdf.buffer);
    },
  );

  app.get(
    '/form_submissions/quarantine',
    {
      schema: {
        tags: ['petitions'],
        summary: 'Form posts the form guard held back (honeypot, fill time, proof, rate limits): stored, never counted, newest first',
        querystring: PageQuery,
        response: { 200: collection('relais:form_submissions', QuarantineItem), ...problems(400, 401, 403) },
      },
    },
    async (request) => {
      const actor = requireActor(request, 'petitions:read');
      const { page, per_page } = request.query;
      return inTenant(app, actor, async (trx) => {
        let q = trx
          .selectFrom('form_submission as s')
          .leftJoin('petition as p', (j) => j.onRef('p.campaign_id', '=', 's.campaign_id').onRef('p.id', '=', 's.petition_id'))
          .select([
            's.id',
            's.form',
            's.petition_id',
            'p.title as petition_title',
            's.email',
            's.client_address',
            's.quarantine_reason',
            's.proof',
            's.created_at',
          ])
          .where('s.campaign_id', '=', actor.campaignId)
          .where('s.status', '=', 'quarantined');
        if (actor.zoneScope !== null) {
          const scope = actor.zoneScope;
          q = q.where((eb) => (scope.length ? eb('p.zone_id', 'in', scope) : eb.val(false)));
        }
        const rows = await q
          .orderBy('s.created_at', 'desc')
          .limit(per_page + 1)
          .offset((page - 1) * per_page)
          .execute();
        const more = rows.length > per_page;
        const total = (page - 1) * per_page + rows.length;
        return {
          total_records: total,
          total_is_lower_bound: more,
          page,
          per_page,
          total_pages: Math.ceil(total / per_page),
          _links: pageLinks(app, request, page, more ? page + 1 : page),
          _embedded: { 'relais:form_submissions': rows.slice(0, per_page) },
        };
      });
    },
  );
};

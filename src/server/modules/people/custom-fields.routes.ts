// HTTP routes of custom field definitions (typed: text, number, date, choice).
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { sql } from 'kysely';
import { Type } from 'typebox';
import { CUSTOM_FIELD_TYPES } from '../../db/schema.ts';
import { inTenant, requireActor } from '../../http/auth.ts';
import { AppError, notFound } from '../../http/problem.ts';
import { DateTime, NoContent, problems, StringEnum, Uuid } from '../../http/schemas.ts';
import { uuidv7 } from '../../lib/ids.ts';
import { CUSTOM_FIELD_KEY, listCustomFields } from './custom-fields.ts';
import { IdParams } from './people.schemas.ts';

export const FieldSchema = Type.Object({
  id: Uuid,
  key: Type.String(),
  label: Type.String(),
  type: StringEnum(CUSTOM_FIELD_TYPES),
  choices: Type.Array(Type.String()),
  position: Type.Integer(),
  created_at: DateTime,
});
export const FieldListSchema = Type.Object({ items: Type.Array(FieldSchema) });
export const FieldInput = Type.Object({
  key: Type.String({ pattern: CUSTOM_FIELD_KEY.source }),
  label: Type.String({ minLength: 1, maxLength: 120 }),
  type: StringEnum(CUSTOM_FIELD_TYPES),
  choices: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 120 }), { maxItems: 200 })),
  position: Type.Optional(Type.Integer({ minimum: 0, maximum: 10000 })),
});
export const FieldUpdate = Type.Object({
  label: Type.Optional(FieldInput.properties.label),
  choices: FieldInput.properties.choices,
  position: FieldInput.properties.position,
});

function checkChoices(type: string, choices: readonly string[] | undefined): string[] {
  if (type === 'choice' && (!choices || choices.length === 0)) {
    throw new AppError('CUSTOM_FIELD_INVALID', 'A choice field needs at least one choice.');
  }
  return type === 'choice' ? [...new Set(choices)] : [];
}

export const customFieldsRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const tags = ['custom fields'];
  app.get(
    '/custom_fields',
    {
      schema: {
        tags,
        summary: 'Custom fields of the campaign',
        response: { 200: FieldListSchema, ...problems(401, 403) },
      },
    },
    async (request) => {
      const actor = requireActor(request, 'custom_fields:read');
      return inTenant(app, actor, async (trx) => ({ items: await listCustomFields(trx, actor.campaignId) }));
    },
  );

  app.post(
    '/custom_fields',
    {
      schema: { tags, summary: 'Define a custom field', body: FieldInput, response: { 201: FieldSchema, ...problems(400, 401, 403, 409) } },
    },
    async (request, reply) => {
      const actor = requireActor(request, 'users.manage');
      const b = request.body;
      const field = await inTenant(app, actor, async (trx) => {
        const clash = await trx
          .selectFrom('custom_field')
          .select('id')
          .where('campaign_id', '=', actor.campaignId)
          .where('key', '=', b.key)
          .executeTakeFirst();
        if (clash) throw new AppError('DUPLICATE_NAME', `A custom field ${b.key} exists.`, { id: clash.id });
        return trx
          .insertInto('custom_field')
          .values({
            campaign_id: actor.campaignId,
            id: uuidv7(),
            key: b.key,
            label: b.label,
            type: b.type,
            choices: checkChoices(b.type, b.choices),
            // Without a position the new field goes after the others (not first, at 0).
            position:
              b.position ?? sql<number>`(select coalesce(max(position) + 1, 0) from custom_field where campaign_id = ${actor.campaignId})`,
          })
          .returning(['id', 'key', 'label', 'type', 'choices', 'position', 'created_at'])
          .executeTakeFirstOrThrow();
      });
      return reply.status(201).send(field);
    },
  );

  app.put(
    '/custom_fields/order',
    {
      schema: {
        tags,
        summary: 'Reorder the custom fields in one go: the ids given come first, in that order; the others follow as they were',
        body: Type.Object({ ids: Type.Array(Uuid, { minItems: 1, maxItems: 500, uniqueItems: true }) }),
        response: { 200: FieldListSchema, ...problems(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const actor = requireActor(request, 'users.manage');
      return inTenant(app, actor, async (trx) => {
        const current = await listCustomFields(trx, actor.campaignId);
        const known = new Set(current.map((f) => f.id));
        if (request.body.ids.some((id) => !known.has(id))) throw notFound('custom field');
        const given = new Set(request.body.ids);
        const order = [...request.body.ids, ...current.filter((f) => !given.has(f.id)).map((f) => f.id)];
        const moved = order.flatMap((id, position) => (current.find((f) => f.id === id)?.position === position ? [] : [{ id, position }]));
        // A campaign has tens of fields, not thousands: one small update per field that moved.
        for (const { id, position } of moved) {
          await trx
            .updateTable('custom_field')
            .set({ position })
            .where('campaign_id', '=', actor.campaignId)
            .where('id', '=', id)
            .execute();
        }
        return { items: await listCustomFields(trx, actor.campaignId) };
      });
    },
  );

  app.put(
    '/custom_fields/:id',
    {
      schema: {
        tags,
        summary: 'Relabel a custom field, change its choices or position (key and type are fixed)',
        params: IdParams,
        body: FieldUpdate,
        response: { 200: FieldSchema, ...problems(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const actor = requireActor(request, 'users.manage');
      const b = request.body;
      return inTenant(app, actor, async (trx) => {
        const current = await trx
          .selectFrom('custom_field')
          .select(['type'])
          .where('campaign_id', '=', actor.campaignId)
          .where('id', '=', request.params.id)
          .executeTakeFirst();
        if (!current) throw notFound('custom field');
        const changes = {
          ...(b.label !== undefined ? { label: b.label } : {}),
          ...(b.choices !== undefined ? { choices: checkChoices(current.type, b.choices) } : {}),
          ...(b.position !== undefined ? { position: b.position } : {}),
        };
        if (Object.keys(changes).length === 0) {
          return trx
            .selectFrom('custom_field')
            .select(['id', 'key', 'label', 'type', 'choices', 'position', 'created_at'])
            .where('campaign_id', '=', actor.campaignId)
            .where('id', '=', request.params.id)
            .executeTakeFirstOrThrow();
        }
        return trx
          .updateTable('custom_field')
          .set(changes)
          .where('campaign_id', '=', actor.campaignId)
          .where('id', '=', request.params.id)
          .returning(['id', 'key', 'label', 'type', 'choices', 'position', 'created_at'])
          .executeTakeFirstOrThrow();
      });
    },
  );

  app.delete(
    '/custom_fields/:id',
    {
      schema: {
        tags,
        summary: 'Delete a custom field (values are kept on people until edited)',
        params: IdParams,
        response: { 204: NoContent, ...problems(401, 403, 404) },
      },
    },
    async (request, reply) => {
      const actor = requireActor(request, 'users.manage');
      await inTenant(app, actor, async (trx) => {
        const r = await trx
          .deleteFrom('custom_field')
          .where('campaign_id', '=', actor.campaignId)
          .where('id', '=', request.params.id)
          .executeTakeFirst();
        if (Number(r.numDeletedRows) === 0) throw notFound('custom field');
      });
      return reply.status(204).send(null);
    },
  );
};

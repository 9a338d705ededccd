// HTTP routes of what a campaigner records on a person by hand: notes, and contacts with their
// outcome (call, meeting, door, message), both on the person's timeline, where the ladder reacts.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { CONTACT_KINDS, CONTACT_OUTCOMES } from '../../../shared/enums.ts';
import { inTenant, requireActor } from '../../http/auth.ts';
import { AppError } from '../../http/problem.ts';
import { Nullable, problems, StringEnum } from '../../http/schemas.ts';
import { addNote, logContact, pastInstant } from './contacts.ts';
import { getPerson } from './people.repo.ts';
import { IdParams, Stage } from './people.schemas.ts';

export const RecordedSchema = Type.Object({
  activity_id: Type.String(),
  type: Type.String(),
  ladder_move: Nullable(Type.Object({ from_stage: Stage, to_stage: Stage })),
});
export const NoteBody = Type.Object(
  { text: Type.String({ minLength: 1, maxLength: 5000, pattern: '\\S' }) },
  { additionalProperties: false },
);
export const ContactBody = Type.Object(
  {
    kind: StringEnum(CONTACT_KINDS),
    outcome: StringEnum(CONTACT_OUTCOMES),
    note: Type.Optional(Type.String({ maxLength: 5000 })),
    at: Type.Optional(Type.String({ format: 'date-time', description: 'When the contact took place (default: now); not in the future.' })),
  },
  { additionalProperties: false },
);

export const contactsRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const tags = ['people'];

  app.post(
    '/people/:id/notes',
    {
      schema: {
        tags,
        summary: "Add a note to a person's timeline",
        params: IdParams,
        body: NoteBody,
        response: { 201: RecordedSchema, ...problems(400, 401, 403, 404, 409) },
      },
    },
    async (request, reply) => {
      const actor = requireActor(request, 'people:write');
      const recorded = await inTenant(app, actor, async (trx) => {
        const person = await getPerson(trx, actor, request.params.id);
        if (person.anonymized_at) throw new AppError('PERSON_ANONYMIZED', 'This person was anonymised.');
        return addNote(trx, { campaignId: actor.campaignId, personId: person.id, text: request.body.text, actorLabel: actor.label });
      });
      return reply.status(201).send(recorded);
    },
  );

  app.post(
    '/people/:id/contacts',
    {
      schema: {
        tags,
        summary:
          "Log a contact (call, meeting, door, message) and its outcome on a person's timeline, as the activity contact.<outcome>; the ladder's rules run on it",
        params: IdParams,
        body: ContactBody,
        response: { 201: RecordedSchema, ...problems(400, 401, 403, 404, 409) },
      },
    },
    async (request, reply) => {
      const actor = requireActor(request, 'people:write');
      const body = request.body;
      const at = pastInstant(body.at);
      const recorded = await inTenant(app, actor, async (trx) => {
        const person = await getPerson(trx, actor, request.params.id);
        if (person.anonymized_at) throw new AppError('PERSON_ANONYMIZED', 'This person was anonymised.');
        return logContact(trx, {
          campaignId: actor.campaignId,
          personId: person.id,
          kind: body.kind,
          outcome: body.outcome,
          note: body.note,
          at,
          actorLabel: actor.label,
        });
      });
      return reply.status(201).send(recorded);
    },
  );
};

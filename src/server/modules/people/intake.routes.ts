// HTTP route of adding a person by hand from the back office: the person, tags, consents with their
// proof and a first note in one request and one transaction; every mistake reported at once.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { CONSENT_SOURCES, CONSENT_STATUSES } from '../../../shared/enums.ts';
import { inTenant, requireActor } from '../../http/auth.ts';
import { problems, StringEnum, Uuid } from '../../http/schemas.ts';
import { intakePerson } from './intake.ts';
import type { OsdiPerson } from './normalize.ts';
import { getPerson } from './people.repo.ts';
import { osdiPeople, peopleActor } from './people.routes.ts';
import { Channel, PersonInputSchema, PersonSchema } from './people.schemas.ts';

export const IntakeConsentSchema = Type.Object(
  {
    channel: Channel,
    status: StringEnum(CONSENT_STATUSES),
    source: StringEnum(CONSENT_SOURCES),
    form: Type.Optional(Type.String({ maxLength: 300, description: 'How and where it was collected; required for a consent given.' })),
    text_shown: Type.Optional(Type.String({ maxLength: 5000 })),
    at: Type.Optional(Type.String({ format: 'date-time', description: 'When it was given (default now); not in the future.' })),
  },
  { additionalProperties: false },
);

export const IntakeBody = Type.Object(
  {
    person: PersonInputSchema,
    tag_ids: Type.Optional(Type.Array(Uuid, { maxItems: 50 })),
    consents: Type.Optional(Type.Array(IntakeConsentSchema, { maxItems: 8 })),
    note: Type.Optional(Type.String({ maxLength: 5000 })),
  },
  { additionalProperties: false },
);

export const intakeRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.post(
    '/people/intake',
    {
      schema: {
        tags: ['people'],
        summary:
          'Add a person by hand: identity, contacts, address, tags, consents with their proof, a first note. PERSON_INVALID lists every mistake in errors: [{pointer, code, message}].',
        body: IntakeBody,
        response: { 201: PersonSchema, ...problems(400, 401, 403) },
      },
    },
    async (request, reply) => {
      const actor = requireActor(request, 'people:write');
      const doc = await inTenant(app, actor, async (trx) => {
        const person = await intakePerson(trx, peopleActor(request, actor), request.body);
        const [one] = await osdiPeople(app, trx, actor.campaignId, [await getPerson(trx, actor, person.id)]);
        return one as OsdiPerson;
      });
      return reply.status(201).send(doc);
    },
  );
};

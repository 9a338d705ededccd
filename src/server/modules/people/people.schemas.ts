// TypeBox schemas of the people API (OSDI person, inputs), shared by the people route plugins.
import { Type } from 'typebox';
import { CONSENT_CHANNELS, CONSENT_STATUSES, EMAIL_TOPICS, LADDER_STAGES } from '../../../shared/enums.ts';
import { DateTime, Nullable, StringEnum, Uuid } from '../../http/schemas.ts';

export const Stage = StringEnum(LADDER_STAGES);
export const Channel = StringEnum(CONSENT_CHANNELS);
const Named = Type.Object({ id: Uuid, name: Type.String() });
const Links = Type.Record(Type.String(), Type.Object({ href: Type.String() }));

export const PersonSchema = Type.Object({
  id: Uuid,
  identifiers: Type.Array(Type.String()),
  origin_system: Type.String(),
  administrative_url: Type.String(),
  given_name: Type.String(),
  family_name: Type.String(),
  additional_name: Type.String(),
  email_addresses: Type.Array(Type.Object({ address: Type.String(), primary: Type.Boolean(), status: Type.String() })),
  phone_numbers: Type.Array(Type.Object({ number: Type.String(), primary: Type.Boolean(), number_type: Type.String() })),
  postal_addresses: Type.Array(
    Type.Object({
      address_lines: Type.Array(Type.String()),
      locality: Type.String(),
      region: Type.String(),
      postal_code: Type.String(),
      country: Type.String(),
      location: Nullable(Type.Object({ latitude: Type.Number(), longitude: Type.Number() })),
      address_id: Nullable(Type.String()),
    }),
  ),
  languages_spoken: Type.Array(Type.String()),
  custom_fields: Type.Record(Type.String(), Type.Unknown()),
  birthdate: Nullable(Type.String()),
  gender: Nullable(Type.String()),
  ladder_stage: Stage,
  consents: Type.Object({ email: Type.Boolean(), sms: Type.Boolean(), phone: Type.Boolean(), post: Type.Boolean() }),
  zones: Type.Array(Type.Object({ id: Uuid, code: Type.String(), name: Type.String(), layer: Type.String() })),
  tags: Type.Array(Named),
  lists: Type.Array(Named),
  source: Type.String(),
  anonymized: Type.Boolean(),
  created_date: DateTime,
  modified_date: DateTime,
  _links: Links,
});

export const PersonInputSchema = Type.Object(
  {
    given_name: Type.Optional(Type.String({ maxLength: 200 })),
    family_name: Type.Optional(Type.String({ maxLength: 200 })),
    additional_name: Type.Optional(Type.String({ maxLength: 200 })),
    email_addresses: Type.Optional(
      Type.Array(Type.Object({ address: Type.String({ maxLength: 254 }), primary: Type.Optional(Type.Boolean()) }), { maxItems: 10 }),
    ),
    phone_numbers: Type.Optional(
      Type.Array(Type.Object({ number: Type.String({ maxLength: 40 }), primary: Type.Optional(Type.Boolean()) }), { maxItems: 10 }),
    ),
    postal_addresses: Type.Optional(
      Type.Array(
        Type.Object({
          address_lines: Type.Optional(Type.Array(Type.String({ maxLength: 300 }), { maxItems: 3 })),
          locality: Type.Optional(Type.String({ maxLength: 200 })),
          region: Type.Optional(Type.String({ maxLength: 200 })),
          postal_code: Type.Optional(Type.String({ maxLength: 20 })),
          country: Type.Optional(Type.String({ minLength: 2, maxLength: 2 })),
          location: Type.Optional(
            Nullable(
              Type.Object({
                latitude: Type.Number({ minimum: -90, maximum: 90 }),
                longitude: Type.Number({ minimum: -180, maximum: 180 }),
              }),
            ),
          ),
        }),
        { maxItems: 1 },
      ),
    ),
    languages_spoken: Type.Optional(Type.Array(Type.String({ maxLength: 10 }), { maxItems: 10 })),
    custom_fields: Type.Optional(
      Type.Record(Type.String(), Type.Unknown(), {
        maxProperties: 500,
        description:
          "Values by field key, checked against the campaign's custom fields (type, choices); only the keys given change, null or blank removes a value. A bad value answers CUSTOM_FIELD_INVALID with errors: [{pointer, key, code, message}].",
      }),
    ),
    birthdate: Type.Optional(Nullable(Type.String({ format: 'date' }))),
    gender: Type.Optional(Nullable(Type.String({ maxLength: 40 }))),
    source: Type.Optional(Type.String({ maxLength: 100 })),
  },
  { additionalProperties: false },
);

export const ConsentSchema = Type.Object({
  id: Uuid,
  channel: Channel,
  /** An e-mail topic (the preference page), or null for the whole channel. */
  topic: Nullable(StringEnum(EMAIL_TOPICS)),
  status: StringEnum(CONSENT_STATUSES),
  at: DateTime,
  source: Type.String(),
  proof: Type.Record(Type.String(), Type.Unknown()),
  actor_label: Type.String(),
});

export const ConsentListSchema = Type.Object({ items: Type.Array(ConsentSchema) });

export const ConsentInputSchema = Type.Object({
  channel: Channel,
  status: StringEnum(CONSENT_STATUSES),
  source: Type.String({ minLength: 1, maxLength: 40 }),
  proof: Type.Optional(
    Type.Object({
      form: Type.Optional(Type.String({ maxLength: 300 })),
      ip: Type.Optional(Type.String({ maxLength: 64 })),
      text_shown: Type.Optional(Type.String({ maxLength: 5000 })),
      file: Type.Optional(Type.String({ maxLength: 300 })),
    }),
  ),
});

export const TimelineItemSchema = Type.Object({
  id: Uuid,
  kind: StringEnum(['activity', 'ladder_move', 'consent', 'tagging'] as const),
  at: DateTime,
  type: Type.String(),
  data: Type.Record(Type.String(), Type.Unknown()),
  actor_label: Type.String(),
});

/** Why two people look like one (the duplicate finder's reasons), strongest first. */
export const DUPLICATE_REASONS = ['same_email', 'same_phone', 'same_name_same_birthdate', 'similar_name_same_address'] as const;
export type DuplicateReason = (typeof DUPLICATE_REASONS)[number];

export const IdParams = Type.Object({ id: Uuid });

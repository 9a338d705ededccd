// The shape of an audience, apart from the code that resolves it (which imports the segments
// module): the routes' schemas load without that import cycle.
import { Type } from 'typebox';
import { Uuid } from '../../http/schemas.ts';

const Ids = (max: number) => Type.Array(Uuid, { maxItems: max, uniqueItems: true });

/** Who a mailing goes to (before consent, suppressions and zones, which always apply). */
export const AudienceSchema = Type.Object(
  {
    segment_ids: Type.Optional(Ids(20)),
    list_ids: Type.Optional(Ids(50)),
    exclude_segment_ids: Type.Optional(Ids(20)),
    exclude_list_ids: Type.Optional(Ids(50)),
  },
  { additionalProperties: false },
);
export type Audience = Type.Static<typeof AudienceSchema>;

/** How many people of an audience are in one arrondissement (the audience counts of mailings and SMS). */
export const ZoneCountSchema = Type.Object({ zone_id: Uuid, code: Type.String(), name: Type.String(), count: Type.Integer() });

// Failures of the people domain (people, tags, lists, custom fields, consent, ladder, merges).
// A person that does not exist, belongs to another campaign or lies outside a referent's zones is
// the plain NOT_FOUND.
export const peopleErrors = {
  EMAIL_INVALID: 400,
  PHONE_INVALID: 400,
  CUSTOM_FIELD_INVALID: 400,
  FILTER_INVALID: 400,
  BULK_TOO_LARGE: 400,
  DUPLICATE_EMAIL: 409,
  DUPLICATE_NAME: 409,
  PERSON_OUTSIDE_SCOPE: 403,
  GROUP_SHARED: 403,
  PERSON_ANONYMIZED: 409,
  MERGE_INVALID: 400,
  MERGE_UNDO_EXPIRED: 409,
  LADDER_RULE_INVALID: 400,
  PERSON_INVALID: 400,
  DATE_INVALID: 400,
} as const;

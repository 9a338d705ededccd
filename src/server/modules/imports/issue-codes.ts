// The import report's reason codes, in a file of their own that imports nothing: the routes' schemas
// read them while the module graph is still loading (rows.ts sits in a cycle through people).
/**
 * Why a row, or a field of it, was not taken, by stable code (the import's report shows them in
 * the reader's language); REASONS holds the French text written in the rejected rows file.
 */
export const ISSUE_CODES = [
  'email_invalid',
  'phone_invalid',
  'no_contact',
  'date_invalid',
  'stage_unknown',
  'custom_invalid',
  'duplicate_in_file',
  'out_of_scope',
  'email_taken',
] as const;
export type IssueCode = (typeof ISSUE_CODES)[number];
/** Lines an import's report lists with their reasons, at most (the counts cover them all). */
export const ISSUES_MAX = 500;

// Failures of the imports domain (uploads, mappings, the local CLI channel) and their HTTP status.
export const importsErrors = {
  IMPORT_FILE_MISSING: 400,
  IMPORT_UNSUPPORTED_FORMAT: 415,
  IMPORT_MAPPING_INVALID: 400,
  IMPORT_OPTIONS_INVALID: 400,
  IMPORT_ALREADY_STARTED: 409,
  IMPORT_NOT_FINISHED: 409,
  // The uploaded file or the rejected rows were deleted after their retention (retention.ts).
  IMPORT_FILE_PURGED: 410,
  CLI_TOKEN_INVALID: 401,
} as const;

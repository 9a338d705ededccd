// Failures of the imports domain (uploads, mappings, the local CLI channel) and their HTTP status.
export const importsErrors = {
  IMPORT_FILE_MISSING: 400,
  IMPORT_UNSUPPORTED_FORMAT: 415,
  // The file is damaged (a cut zip, bad XML, a cell past the last column…): a reader failed on it.
  IMPORT_FILE_UNREADABLE: 422,
  // Past the bounds of table-limits.ts: unzipped size, one cell, the header row.
  IMPORT_FILE_TOO_LARGE: 413,
  IMPORT_CELL_TOO_LARGE: 422,
  IMPORT_HEADER_TOO_LARGE: 422,
  IMPORT_MAPPING_INVALID: 400,
  IMPORT_OPTIONS_INVALID: 400,
  IMPORT_ALREADY_STARTED: 409,
  IMPORT_NOT_FINISHED: 409,
  // The uploaded file or the rejected rows were deleted after their retention (retention.ts).
  IMPORT_FILE_PURGED: 410,
} as const;

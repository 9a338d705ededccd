// Failures of the segments domain (saved filters, counts, exports) and their HTTP status.
export const segmentsErrors = {
  SEGMENT_INVALID: 400,
  SEGMENT_TOO_LARGE: 400,
} as const;

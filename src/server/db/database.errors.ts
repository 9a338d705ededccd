// Failures the database reports about what a client sent (values it refuses, a request too large
// to plan) or about its own load (a statement cut by its timeout), and their HTTP status.
export const databaseErrors = {
  INVALID_VALUE: 422,
  VALUE_OUT_OF_RANGE: 422,
  REQUEST_TOO_COMPLEX: 422,
  QUERY_TIMEOUT: 503,
} as const;

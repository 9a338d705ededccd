// Failures of the jobs domain.
export const jobsErrors = {
  JOB_UNKNOWN_KIND: 400,
} as const;

// Failures of the jobs domain.
export const jobsErrors = {
  JOB_UNKNOWN_KIND: 400,
  // Parameters that do not match the job kind's schema (jobs/queue.ts checks them when enqueued).
  JOB_PARAMS_INVALID: 400,
} as const;

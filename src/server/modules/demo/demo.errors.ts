// Failures of the demo module (sandboxes) and their HTTP status.
export const demoErrors = {
  NOT_A_SANDBOX: 409,
  SANDBOX_OPERATOR_ONLY: 403,
} as const;

// Failures of the territory domain and their HTTP status.
export const territoryErrors = {
  // A metric id that names no people count, indicator or election result of the campaign.
  ZONE_METRIC_UNKNOWN: 400,
} as const;

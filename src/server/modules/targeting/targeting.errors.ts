// Failures of targeting and their HTTP status.
export const targetingErrors = {
  /** The score's layer is not a layer of the campaign's territory. */
  TARGETING_LAYER_UNKNOWN: 400,
  /** An ingredient names no election metric and no indicator of the territory. */
  TARGETING_METRIC_UNKNOWN: 400,
  /** An election metric needs an imported election and round. */
  TARGETING_ELECTION_REQUIRED: 400,
  /** "Our side's share" (and the favourable-abstainers preset) needs our side: candidates or nuances. */
  TARGETING_SIDE_REQUIRED: 400,
  /** Every ingredient has a zero weight: nothing to rank by. */
  TARGETING_WEIGHTS_EMPTY: 400,
  /** A picked zone is not of the score's layer. */
  TARGETING_ZONE_NOT_IN_LAYER: 400,
  /** A referent picked a zone outside their zones. */
  TARGETING_ZONE_OUT_OF_SCOPE: 403,
} as const;

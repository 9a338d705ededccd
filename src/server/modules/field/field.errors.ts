// Failures of the field module (buildings, turfs, walk lists, tracts, electoral roll), with their HTTP status.
export const fieldErrors = {
  /** The zone is outside the referent's zones. */
  FIELD_ZONE_OUT_OF_REACH: 403,
  /** A zone is required here (referents work zone by zone). */
  FIELD_ZONE_REQUIRED: 400,
  /** A split needs at least two buildings, and leaves at least one. */
  FIELD_TURF_TOO_SMALL: 409,
  /** A building given is not in the turf. */
  FIELD_BUILDING_NOT_IN_TURF: 400,
  /** Turfs of different zones cannot be merged. */
  FIELD_TURFS_NOT_SAME_ZONE: 409,
  /** A drawn polygon holds no building of the zone. */
  FIELD_TURF_EMPTY: 409,
  /** The zone has turfs assigned to canvassers: cut again with `replace_assigned: true`. */
  FIELD_TURFS_ASSIGNED: 409,
  /** The zone has no building: make the buildings first. */
  FIELD_NO_BUILDINGS: 409,
  /** The assignee is not a member of the campaign (or the team does not exist). */
  FIELD_ASSIGNEE_UNKNOWN: 400,
  /** A day that does not exist. */
  FIELD_DATE_INVALID: 400,
  /** A polygon that is not a closed ring of lon/lat positions. */
  FIELD_POLYGON_INVALID: 400,
  /** The electoral roll file has no column the importer needs (family name, address). */
  FIELD_ROLL_COLUMNS_MISSING: 400,
  /** The electoral roll file is not one: a field far longer than a roll's (a quote never closed), too many columns. */
  FIELD_ROLL_FILE_INVALID: 400,
  /**
   * The electoral roll may only be filtered by age, sex and polling station (never by birthplace,
   * name or anything else); the problem carries `allowed`.
   */
  FIELD_ROLL_FILTER_REFUSED: 400,
  /** A tract template the server does not have. */
  FIELD_TRACT_TEMPLATE_UNKNOWN: 400,
  /** A team needs a name. */
  FIELD_TEAM_NAME_REQUIRED: 400,
  /** Another team of the campaign already has this name (names are compared without case). */
  FIELD_TEAM_NAME_TAKEN: 409,
  /** The team has turfs to walk today or later: withdraw those assignments before deleting it; carries `assignments`. */
  FIELD_TEAM_ASSIGNED: 409,
  /** A referent puts only volunteers (or themselves) in a team. */
  FIELD_TEAM_MEMBER_OUT_OF_REACH: 403,
} as const;

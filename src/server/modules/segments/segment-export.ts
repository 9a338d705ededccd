// Export of a segment's people as CSV that French spreadsheet software opens as it is (UTF-8 with a
// BOM, `;` separator, CRLF), streamed in keyset batches by id, each batch its own short tenant
// transaction: no connection (nor transaction) is held while a slow client downloads, so slow
// readers cannot exhaust the pool (a cursor held one transaction per download, issue 12). Batches
// read the base as it is when each is read: a person added or edited during a long download may
// appear or not. The export is audited before the first byte leaves.
import { type Expression, type SqlBool, sql } from 'kysely';
import type { Database, Db, Trx } from '../../db/database.ts';
import { type TenantLimits, withTenant } from '../../db/database.ts';
import type { LadderStage } from '../../db/schema.ts';
import { csvLine } from '../../lib/csv.ts';
import { insertAuditEvents } from '../audit/index.ts';
import { DEFAULT_STAGES } from '../people/index.ts';
import * as repo from './segments.repo.ts';
import { prepareSegment } from './segments.service.ts';

/** Rows fetched per round trip. */
export const EXPORT_BATCH = 5000;

// Read when an export starts, not while files load (people and segments import each other's faces).
const defaultStageLabels = () => Object.fromEntries(DEFAULT_STAGES.map((s) => [s.stage, s.label_fr])) as Record<LadderStage, string>;
const CONSENT_LABELS = [
  ['consent_email', 'e-mail'],
  ['consent_sms', 'SMS'],
  ['consent_phone', 'téléphone'],
  ['consent_post', 'courrier'],
] as const;

export interface ExportRequest {
  campaignId: string;
  zoneScope: readonly string[] | null;
  definition: unknown;
  /** The saved segment exported, if any (audit target; its definition runs leniently). */
  segmentId?: string | null;
  /**
   * A further condition on `person` that the definition cannot say (the people list's search, a
   * saved segment chosen as a filter), ANDed to it; `filters` describes it for the audit log.
   */
  restrict?: { where: Expression<SqlBool>; filters: Record<string, unknown> };
  actor: { userId: string | null; tokenId: string | null; label: string; ip: string | null };
  /** Bounds of each of the export's transactions (a request's statement timeout). */
  limits?: TenantLimits;
}

export interface CsvExport {
  /** People counted when the export started (what the audit log records). */
  rowCount: number;
  /** The CSV, in chunks of up to EXPORT_BATCH lines; the first starts with the BOM and the header. */
  chunks: AsyncIterable<string>;
}

interface Lookups {
  layers: { id: string; name: string }[];
  zones: Map<string, { layerId: string; name: string }>;
  customFields: { key: string; label: string }[];
  stageLabels: Record<string, string>;
}

function exportQuery(db: Db | Trx, where: Expression<SqlBool>) {
  return db
    .selectFrom('person')
    .select([
      'person.id',
      'person.given_name',
      'person.family_name',
      'person.email',
      'person.phone',
      'person.street_address',
      'person.postcode',
      'person.locality',
      'person.ladder_stage',
      'person.consent_email',
      'person.consent_sms',
      'person.consent_phone',
      'person.consent_post',
      'person.zone_ids',
      'person.source',
      'person.created_at',
      'person.modified_at',
      'person.custom_fields',
      sql<
        string | null
      >`(select string_agg(t.name, ', ' order by t.name) from tagging g join tag t on t.campaign_id = g.campaign_id and t.id = g.tag_id where g.campaign_id = person.campaign_id and g.person_id = person.id)`.as(
        'tags',
      ),
      sql<
        string | null
      >`(select string_agg(l.name, ', ' order by l.name) from list_member m join list l on l.campaign_id = m.campaign_id and l.id = m.list_id where m.campaign_id = person.campaign_id and m.person_id = person.id)`.as(
        'lists',
      ),
    ])
    .where(where)
    .orderBy('person.id');
}

type ExportRow = Awaited<ReturnType<ReturnType<typeof exportQuery>['execute']>>[number];

/**
 * Starts a CSV export: checks and compiles the definition, counts, loads the column lookups and
 * writes the `people.exported` audit event (committed before any data leaves), then returns the
 * chunks to stream.
 */
export async function exportPeopleCsv(database: Database, request: ExportRequest): Promise<CsvExport> {
  const scope = { campaignId: request.campaignId, zoneScope: request.zoneScope };
  const { where, rowCount, lookups } = await withTenant(
    database.db,
    request.campaignId,
    async (trx) => {
      const defined = await prepareSegment(trx, request.definition, { ...scope, strict: !request.segmentId });
      const where = request.restrict ? sql<SqlBool>`(${defined}) and (${request.restrict.where})` : defined;
      const rowCount = await repo.countPeople(trx, where);
      const lookups = await loadLookups(trx, request.campaignId);
      await insertAuditEvents(trx, [
        {
          campaignId: request.campaignId,
          action: 'people.exported',
          actorUserId: request.actor.userId,
          actorTokenId: request.actor.tokenId,
          actorLabel: request.actor.label,
          targetType: request.segmentId ? 'segment' : 'people',
          targetId: request.segmentId ?? null,
          ip: request.actor.ip,
          details: {
            format: 'csv',
            definition: request.definition,
            ...(request.restrict ? { filters: request.restrict.filters } : {}),
            row_count: rowCount,
            zone_scope: request.zoneScope,
          },
        },
      ]);
      return { where, rowCount, lookups };
    },
    request.limits,
  );
  return { rowCount, chunks: csvChunks(keysetBatches(database.db, request.campaignId, where, request.limits), lookups) };
}

async function loadLookups(trx: Trx, campaignId: string): Promise<Lookups> {
  const [layers, zones, customFields, stages] = await Promise.all([
    trx.selectFrom('zone_layer').select(['id', 'name']).where('campaign_id', '=', campaignId).orderBy('position').orderBy('code').execute(),
    trx.selectFrom('zone').select(['id', 'layer_id', 'name']).where('campaign_id', '=', campaignId).execute(),
    trx
      .selectFrom('custom_field')
      .select(['key', 'label'])
      .where('campaign_id', '=', campaignId)
      .orderBy('position')
      .orderBy('key')
      .execute(),
    trx.selectFrom('ladder_stage').select(['stage', 'label_fr']).where('campaign_id', '=', campaignId).execute(),
  ]);
  return {
    layers,
    zones: new Map(zones.map((z) => [z.id, { layerId: z.layer_id, name: z.name }])),
    customFields,
    stageLabels: { ...defaultStageLabels(), ...Object.fromEntries(stages.map((s) => [s.stage, s.label_fr])) },
  };
}

/** Batches of EXPORT_BATCH rows after the last id seen, each in its own tenant transaction. */
async function* keysetBatches(
  db: Db,
  campaignId: string,
  where: Expression<SqlBool>,
  limits: TenantLimits | undefined,
): AsyncGenerator<ExportRow[]> {
  let after: string | null = null;
  for (;;) {
    const last: string | null = after;
    const rows: ExportRow[] = await withTenant(
      db,
      campaignId,
      (trx) =>
        exportQuery(trx, where)
          .$if(last !== null, (q) => q.where('person.id', '>', last as string))
          .limit(EXPORT_BATCH)
          .execute(),
      limits,
    );
    if (rows.length > 0) yield rows;
    if (rows.length < EXPORT_BATCH) return;
    after = rows[rows.length - 1]!.id;
  }
}

async function* csvChunks(batches: AsyncIterable<ExportRow[]>, lookups: Lookups): AsyncGenerator<string> {
  const header = [
    'id',
    'prénom',
    'nom',
    'e-mail',
    'téléphone',
    'adresse',
    'code postal',
    'ville',
    'étape',
    'consentements',
    'étiquettes',
    'listes',
    ...lookups.layers.map((l) => l.name),
    'source',
    'créé le',
    'modifié le',
    ...lookups.customFields.map((f) => f.label),
  ];
  yield `\uFEFF${csvLine(header)}`;
  for await (const rows of batches) {
    yield rows.map((row) => csvLine(rowCells(row, lookups))).join('');
  }
}

const parisTime = new Intl.DateTimeFormat('sv-SE', {
  timeZone: 'Europe/Paris',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
});

function rowCells(row: ExportRow, lookups: Lookups): string[] {
  const zonesByLayer = new Map<string, string[]>();
  for (const id of row.zone_ids) {
    const zone = lookups.zones.get(id);
    if (zone) zonesByLayer.set(zone.layerId, [...(zonesByLayer.get(zone.layerId) ?? []), zone.name]);
  }
  const custom = (row.custom_fields ?? {}) as Record<string, unknown>;
  return [
    row.id,
    row.given_name,
    row.family_name,
    row.email ?? '',
    row.phone ?? '',
    row.street_address,
    row.postcode,
    row.locality,
    lookups.stageLabels[row.ladder_stage] ?? row.ladder_stage,
    CONSENT_LABELS.filter(([column]) => row[column])
      .map(([, label]) => label)
      .join(', '),
    row.tags ?? '',
    row.lists ?? '',
    ...lookups.layers.map((l) => (zonesByLayer.get(l.id) ?? []).join(', ')),
    row.source,
    parisTime.format(new Date(row.created_at)),
    parisTime.format(new Date(row.modified_at)),
    ...lookups.customFields.map((f) => customText(custom[f.key])),
  ];
}

function customText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (Array.isArray(value)) return value.map(String).join(', ');
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

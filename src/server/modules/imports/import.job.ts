// The people import job: reads the file from the file store as a stream, validates each row, COPYs
// the good ones into a staging table (the bad ones go to the rejected rows file with their reason,
// formulas neutralised), then runs the set-based phase in one tenant transaction and audits it.
// Progress is the job_run row: rows read / estimated total.

import { once } from 'node:events';
import { PassThrough } from 'node:stream';
import { type Static, Type } from 'typebox';
import { type BulkRow, openBulkLoad } from '../../db/bulk-load.ts';
import type { Db } from '../../db/database.ts';
import { refreshStatistics } from '../../db/database.ts';
import type { FileStore } from '../../files/storage.ts';
import { Nullable, StringEnum } from '../../http/schemas.ts';
import { defineJob, type JobContext, JobFailure } from '../../jobs/queue.ts';
import { csvLine } from '../../lib/csv.ts';
import { insertAuditEvents } from '../audit/index.ts';
import { applyImport } from './apply.ts';
import type { CustomFieldRef, Mapping } from './fields.ts';
import { type LadderStage, simplify } from './normalise.ts';
import { readBatches, type TableLayout } from './read-table.ts';
import { compileRowReader, ISSUES_MAX, type Issue, issueOfReason, stageRow } from './rows.ts';
import { createStageTable, dropStageTable, indexStageTable, stageTableOf, stageTargetOf } from './stage.ts';
import { TableReadError } from './table-limits.ts';

export const IMPORT_JOB_KIND = 'imports.people';

/**
 * Stable codes of an import run's failure, kept in job_run.result.error_code beside the French text
 * of job_run.error, so that clients can say it in their own words (the janitor's, janitor.ts).
 */
export const IMPORT_RUN_ERROR_CODES = [
  'IMPORT_INTERRUPTED_BEFORE_WRITE',
  'IMPORT_INTERRUPTED_AFTER_WRITE',
  // The file could not be read to its end (read-table.ts): damaged, or past a bound.
  'IMPORT_FILE_UNREADABLE',
  'IMPORT_FILE_TOO_LARGE',
  'IMPORT_CELL_TOO_LARGE',
  'IMPORT_HEADER_TOO_LARGE',
] as const;
export type ImportRunErrorCode = (typeof IMPORT_RUN_ERROR_CODES)[number];

/** The import job's parameters (checked by the queue when enqueued and when run). */
export const ImportJobParamsSchema = Type.Object({
  import_id: Type.String(),
  /** Keys of the uploaded file and of the rejected rows in the file store. */
  source_key: Type.String(),
  rejected_key: Type.String(),
  file_name: Type.String(),
  layout: Type.Unsafe<TableLayout>(
    Type.Object({ format: StringEnum(['csv', 'xlsx'] as const), encoding: Nullable(Type.String()), delimiter: Nullable(Type.String()) }),
  ),
  headers: Type.Array(Type.String()),
  mapping: Type.Unsafe<Mapping>(Type.Record(Type.String(), Type.String())),
  on_duplicate: StringEnum(['update', 'skip'] as const),
  add_tags: Type.Array(Type.String()),
  add_list_id: Nullable(Type.String()),
  consent: Nullable(Type.Object({ channels: Type.Array(Type.String()), proof_text: Type.String() })),
  actor: Type.Object({
    user_id: Nullable(Type.String()),
    token_id: Nullable(Type.String()),
    label: Type.String(),
    zone_scope: Nullable(Type.Array(Type.String())),
    ip: Nullable(Type.String()),
  }),
  row_count_estimate: Nullable(Type.Number()),
});
export type ImportJobParams = Static<typeof ImportJobParamsSchema>;

export interface ImportJobResult {
  import_id: string;
  rows: number;
  created: number;
  updated: number;
  skipped: number;
  rejected: number;
  /** Rows kept with fields left out (a bad e-mail beside a good phone). */
  flagged: number;
  /** Rows merged into an earlier copy of the same person in the file. */
  merged: number;
  /** The lines the report shows with their reasons (the first ISSUES_MAX, by line). */
  issues: ImportIssue[];
  geocoded: number;
  located: number;
  /** Milliseconds per phase and per set-based step. */
  timings_ms: Record<string, number>;
}

/** A line of the import's report: rejected, kept without some fields (flagged), or merged into an earlier copy. */
export interface ImportIssue {
  line: number;
  status: 'rejected' | 'flagged' | 'merged';
  reasons: Issue[];
}

const PROGRESS_MS = 400;

async function referenceData(db: Db, campaignId: string) {
  const [customFields, stages] = await Promise.all([
    db.selectFrom('custom_field').select(['key', 'label', 'type', 'choices']).where('campaign_id', '=', campaignId).execute(),
    db.selectFrom('ladder_stage').select(['stage', 'label_fr', 'label_en']).where('campaign_id', '=', campaignId).execute(),
  ]);
  const stageLabels = new Map<string, LadderStage>();
  for (const s of stages) {
    stageLabels.set(simplify(s.label_fr), s.stage);
    stageLabels.set(simplify(s.label_en), s.stage);
  }
  return { customFields: customFields as CustomFieldRef[], stageLabels };
}

async function writeOut(out: PassThrough, text: string): Promise<void> {
  if (!out.write(text)) await once(out, 'drain');
}

function rejectedLine(record: string[], width: number, reason: string, sep: string): string {
  const fields = Array.from({ length: width }, (_, i) => record[i] ?? '');
  return csvLine([...fields, reason], sep);
}

/** Pass 1: validate and stage every row; the invalid ones are written to the rejected file. */
async function stageFile(ctx: JobContext, p: ImportJobParams, io: { files: FileStore; sourcePath: string }, table: string, sep: string) {
  const { customFields, stageLabels } = await ctx.tenant((trx) => referenceData(trx, ctx.campaignId));
  const read = compileRowReader(p.headers, p.mapping, { customFields, stageLabels });
  const out = new PassThrough();
  const written = io.files.write(p.rejected_key, out);
  written.catch((error: Error) => out.destroy(error));
  await writeOut(out, `\ufeff${csvLine([...p.headers, 'motif_rejet'], sep)}`);
  const sink = openBulkLoad(ctx.database.db, stageTargetOf(table));
  let line = 0;
  let rows = 0;
  let rejected = 0;
  let staged = 0;
  let flagged = 0;
  const issues: ImportIssue[] = [];
  let lastProgress = Date.now();
  const estimate = p.row_count_estimate ?? 0;
  try {
    for await (const batch of readBatches(io.sourcePath, p.layout)) {
      const good: BulkRow[] = [];
      let bad = '';
      for (const record of batch) {
        line += 1;
        if (line === 1) continue; // the header row
        rows += 1;
        const outcome = read(record, line);
        if (outcome.ok) {
          good.push(stageRow(outcome.person));
          if (outcome.flags.length > 0) {
            flagged += 1;
            if (issues.length < ISSUES_MAX) issues.push({ line, status: 'flagged', reasons: outcome.flags });
          }
        } else {
          bad += rejectedLine(record, p.headers.length, outcome.reasons.join(', '), sep);
          rejected += 1;
          if (issues.length < ISSUES_MAX) issues.push({ line, status: 'rejected', reasons: outcome.issues });
        }
      }
      await sink.write(good);
      if (bad) await writeOut(out, bad);
      if (Date.now() - lastProgress > PROGRESS_MS) {
        lastProgress = Date.now();
        await ctx.progress(rows, Math.max(estimate, rows), 'imports.reading');
      }
    }
    staged = await sink.end();
    out.end();
    await written;
  } catch (error) {
    await sink.abort(error as Error);
    out.destroy(error as Error);
    await written.catch(() => {});
    throw error;
  }
  return { rows, rejected, staged, flagged, issues };
}

/**
 * Pass 2 (only when the set-based phase rejected rows): the rejected file again, followed by those
 * rows as they were (a store writes whole files: no append).
 */
async function appendRejected(p: ImportJobParams, io: { files: FileStore; sourcePath: string }, sep: string, reasons: Map<number, string>) {
  const { files, sourcePath } = io;
  async function* content(): AsyncGenerator<Uint8Array | string> {
    yield* files.read(p.rejected_key);
    let line = 0;
    for await (const batch of readBatches(sourcePath, p.layout)) {
      let bad = '';
      for (const record of batch) {
        line += 1;
        const reason = reasons.get(line);
        if (reason) bad += rejectedLine(record, p.headers.length, reason, sep);
      }
      if (bad) yield bad;
    }
  }
  await files.write(p.rejected_key, content());
}

/** Runs one import end to end (the job's body; the CLI's direct path uses it through the queue too). */
export async function runPeopleImport(ctx: JobContext<ImportJobParams>): Promise<ImportJobResult> {
  const p = ctx.params;
  const table = stageTableOf(p.import_id);
  const sep = p.layout.delimiter ?? ';';
  await ctx.progress(0, p.row_count_estimate, 'imports.reading');
  const timings: Record<string, number> = {};
  let clock = performance.now();
  const lap = (name: string) => {
    const now = performance.now();
    timings[name] = Math.round(now - clock);
    clock = now;
  };
  await createStageTable(ctx.database.db, table);
  try {
    return await ctx.files.withLocalPath(p.source_key, (sourcePath) =>
      importFile(ctx, p, { files: ctx.files, sourcePath }, { table, sep, lap, timings }),
    );
  } catch (error) {
    // A reader's refusal (a bound, damage found past the upload's check) is the file's fault: its
    // code goes with the failure, for clients to say it in their own words.
    if (error instanceof TableReadError) throw new JobFailure(error.message, { error_code: error.code });
    throw error;
  } finally {
    await dropStageTable(ctx.database.db, table);
  }
}

async function importFile(
  ctx: JobContext,
  p: ImportJobParams,
  io: { files: FileStore; sourcePath: string },
  o: { table: string; sep: string; lap: (name: string) => void; timings: Record<string, number> },
): Promise<ImportJobResult> {
  const { table, sep, lap, timings } = o;
  {
    const pass1 = await stageFile(ctx, p, io, table, sep);
    lap('read_validate_copy');
    await indexStageTable(ctx.database.db, table);
    lap('stage_index');
    await ctx.progress(pass1.rows, pass1.rows, 'imports.writing');
    const applied = await ctx.tenant(async (trx) => {
      const result = await applyImport(trx, {
        campaignId: ctx.campaignId,
        table,
        importId: p.import_id,
        fileName: p.file_name,
        onDuplicate: p.on_duplicate,
        addTags: p.add_tags,
        addListId: p.add_list_id,
        consent: p.consent ? { channels: p.consent.channels, proofText: p.consent.proof_text } : null,
        actorLabel: p.actor.label,
        zoneScope: p.actor.zone_scope,
      });
      await insertAuditEvents(trx, [
        {
          campaignId: ctx.campaignId,
          action: 'people.imported',
          actorUserId: p.actor.user_id,
          actorTokenId: p.actor.token_id,
          actorLabel: p.actor.label,
          targetType: 'import',
          targetId: p.import_id,
          ip: p.actor.ip,
          details: {
            file: p.file_name,
            rows: pass1.rows,
            created: result.created,
            updated: result.updated,
            skipped: result.skipped,
            rejected: pass1.rejected + result.rejected.length,
            on_duplicate: p.on_duplicate,
            consent_channels: p.consent?.channels ?? [],
          },
        },
      ]);
      return result;
    });
    lap('apply_commit');
    await refreshStatistics(ctx.database.db, ['person', 'tagging', 'list_member', 'consent', 'activity']);
    lap('statistics');
    if (applied.rejected.length > 0) {
      await appendRejected(p, io, sep, new Map(applied.rejected.map((r) => [r.line, r.reason])));
      lap('rejected_file');
    }
    return {
      import_id: p.import_id,
      rows: pass1.rows,
      created: applied.created,
      updated: applied.updated,
      skipped: applied.skipped,
      rejected: pass1.rejected + applied.rejected.length,
      flagged: pass1.flagged,
      merged: applied.merged,
      issues: [
        ...pass1.issues,
        ...applied.rejected.map((r) => ({ line: r.line, status: 'rejected' as const, reasons: [issueOfReason(r.reason)] })),
        ...applied.mergedLines.map((line) => ({ line, status: 'merged' as const, reasons: [] })),
      ]
        .sort((a, b) => a.line - b.line)
        .slice(0, ISSUES_MAX),
      geocoded: applied.geocoded,
      located: applied.located,
      timings_ms: { ...timings, ...Object.fromEntries(Object.entries(applied.timings).map(([k, v]) => [`apply.${k}`, v])) },
    };
  }
}

/** The job kind, declared in imports/index.ts. */
export const importPeopleJob = defineJob({
  kind: IMPORT_JOB_KIND,
  params: ImportJobParamsSchema,
  run: runPeopleImport,
  // A million rows take minutes, not the queue's default 15-minute bound; past 4 hours it is stuck.
  expireInSeconds: 4 * 3600,
});

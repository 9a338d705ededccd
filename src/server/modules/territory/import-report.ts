// What an import step tells its caller: counts, skipped rows with reasons, warnings, progress.
import type { TerritoryPlacement } from './place-people.ts';

export interface ImportProgress {
  /** e.g. "layer:iris", "indicators:iris-paris-indicateurs.csv", "results:europeennes-2024/1", "addresses". */
  step: string;
  done: number;
  total: number | null;
  unit: 'features' | 'rows' | 'bytes';
  /** Position of the step in the whole import (0-based) and number of steps, when known. */
  stepIndex?: number;
  stepCount?: number;
}

export type ProgressFn = (progress: ImportProgress) => void;

export interface ImportIssue {
  /** Where: "line 12", "feature 3". */
  ref: string;
  reason: string;
}

export interface StepReport {
  step: string;
  file: string;
  /** Features or rows imported. */
  imported: number;
  /** Features or rows left out. */
  skipped: number;
  /** Why rows were left out, with counts. */
  reasons: Record<string, number>;
  /** Defects that did not stop a row from being imported, with counts. */
  warnings: Record<string, number>;
  /** The first problems, with where they are. */
  samples: ImportIssue[];
  /** Extra counts (values written, zones touched…). */
  details: Record<string, number>;
  /** Set when the file was absent: nothing was changed by this step. */
  missing?: boolean;
  /** Set when the file could not be read at all: nothing was changed by this step. */
  error?: string;
  durationMs: number;
}

export interface ImportReport {
  steps: StepReport[];
  /** Files the manifest reads that were not in the folder. */
  missingFiles: string[];
  /**
   * When zones or addresses were imported: addresses located again, and people whose zones changed
   * (placed from their address, or from their coordinates alone).
   */
  placement?: TerritoryPlacement;
  durationMs: number;
}

const MAX_SAMPLES = 20;

/** Collects the counts of one step. */
export class StepRecorder {
  readonly report: StepReport;
  private readonly started = Date.now();

  constructor(step: string, file: string) {
    this.report = { step, file, imported: 0, skipped: 0, reasons: {}, warnings: {}, samples: [], details: {}, durationMs: 0 };
  }

  skip(ref: string, reason: string): void {
    this.report.skipped++;
    this.report.reasons[reason] = (this.report.reasons[reason] ?? 0) + 1;
    if (this.report.samples.length < MAX_SAMPLES) this.report.samples.push({ ref, reason });
  }

  warn(ref: string, reason: string): void {
    this.report.warnings[reason] = (this.report.warnings[reason] ?? 0) + 1;
    if (this.report.samples.length < MAX_SAMPLES) this.report.samples.push({ ref, reason: `warning: ${reason}` });
  }

  count(detail: string, n = 1): void {
    this.report.details[detail] = (this.report.details[detail] ?? 0) + n;
  }

  fail(error: string): StepReport {
    this.report.error = error;
    return this.finish();
  }

  finish(): StepReport {
    this.report.durationMs = Date.now() - this.started;
    return this.report;
  }
}

/** Calls onProgress at most every `every` units (and always at the end), to keep callers cheap. */
export function throttledProgress(
  onProgress: ProgressFn | undefined,
  base: Omit<ImportProgress, 'done' | 'total'>,
  total: number | null,
  every: number,
): (done: number, force?: boolean) => void {
  let last = -Infinity;
  return (done, force = false) => {
    if (!onProgress) return;
    if (force || done - last >= every || (total !== null && done >= total && last < total)) {
      last = done;
      onProgress({ ...base, done, total });
    }
  };
}

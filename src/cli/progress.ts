// Progress lines for long CLI jobs: a bar on a terminal, plain lines otherwise; numbers in the CLI's locale.
import { cliLocale, stepLabel } from './messages.ts';

const numbers = new Intl.NumberFormat(cliLocale === 'fr' ? 'fr-FR' : 'en-GB');

/** Prints progress of a step, redrawing one line on a TTY. */
export function printProgress(step: string, done: number, total?: number | null): void {
  const label = stepLabel(step);
  const tty = process.stderr.isTTY;
  if (total && total > 0) {
    const ratio = Math.min(1, done / total);
    const width = 28;
    const bar = '█'.repeat(Math.round(ratio * width)).padEnd(width, '░');
    const line = `${label.padEnd(24)} ${bar} ${String(Math.round(ratio * 100)).padStart(3)}% ${numbers.format(done)}/${numbers.format(total)}`;
    if (tty) process.stderr.write(`\r${line}${done >= total ? '\n' : ''}`);
    else if (done >= total) process.stderr.write(`${line}\n`);
  } else {
    process.stderr.write(`${label} ${numbers.format(done)}\n`);
  }
}

/** A throttled progress callback (at most every 100 ms, always the last call). */
export function throttledProgress(): (p: { step: string; done: number; total?: number | null }) => void {
  let last = 0;
  let lastStep = '';
  let lastDone = -1;
  return ({ step, done, total }) => {
    const now = Date.now();
    const final = total != null && done >= total;
    if (step === lastStep && done === lastDone) return;
    if (final || step !== lastStep || now - last > 100) {
      last = now;
      lastStep = step;
      lastDone = done;
      printProgress(step, done, total);
    }
  };
}

// The app's log lines, kept for a test to read (and not printed): what a test checks no secret
// reaches. Lines that are not the app's JSON logs (vitest's own output) still print.
import { vi } from 'vitest';

/** Starts keeping every JSON log line written to stdout in `into`; vitest restores stdout after the file. */
export function keepLogLines(into: string[]): void {
  const write = process.stdout.write.bind(process.stdout);
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array, ...rest: unknown[]) => {
    const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    if (text.startsWith('{"level"')) {
      into.push(text);
      return true;
    }
    return write(chunk as string, ...(rest as []));
  });
}

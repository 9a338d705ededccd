// The load generator: autocannon in this process, against a server in a child process.
import autocannon from 'autocannon';
import type { Sample } from './report.ts';

/** What the load generator measures; the caller adds the CPU accounting. */
export type LoadSample = Omit<Sample, 'cpu'>;

export interface LoadOptions {
  url: string;
  headers: Record<string, string>;
  connections: number;
  pipelining: number;
  /** Seconds. */
  duration: number;
}

/** Runs the load for options.duration seconds and returns its figures. */
export async function measure(options: LoadOptions): Promise<LoadSample> {
  const result = await autocannon({
    url: options.url,
    headers: options.headers,
    connections: options.connections,
    pipelining: options.pipelining,
    duration: options.duration,
  });
  const requests = result.requests.total;
  return {
    rps: result.duration > 0 ? requests / result.duration : 0,
    p50: result.latency.p50,
    p99: result.latency.p99,
    bytesPerResponse: requests > 0 ? result.throughput.total / requests : 0,
    errors: result.errors + result.timeouts + result.non2xx,
    requests,
  };
}

/** Loads the server without keeping the figures (JIT, connection pools, caches). */
export async function warmUp(options: LoadOptions): Promise<void> {
  await measure(options);
}

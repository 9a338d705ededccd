// Reachability of fact checks' sources: after a save, a job asks each pending link (HEAD, then GET
// when HEAD is refused) through the webhooks' SSRF guard — public addresses only, the connection
// pinned to the checked address, a few seconds at most — and stores the outcome. The save never
// waits for it; a source that cannot be reached is shown as such, not refused.
import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { Type } from 'typebox';
import type { TenantRunner } from '../../db/database.ts';
import { defineJob } from '../../jobs/queue.ts';
import { allowListOf, checkTarget, TargetRefused } from '../webhooks/index.ts';

/** How long one link may take to answer. */
export const SOURCE_CHECK_TIMEOUT_MS = 5_000;

export interface ProbeResult {
  state: 'reachable' | 'unreachable' | 'refused';
  status: number | null;
  error: string | null;
}

function ask(method: 'HEAD' | 'GET', target: Awaited<ReturnType<typeof checkTarget>>, timeoutMs: number): Promise<number> {
  const pinned: LookupFunction = (_hostname, options, callback) => {
    if (options.all)
      (callback as (e: null, a: { address: string; family: number }[]) => void)(null, [{ address: target.address, family: target.family }]);
    else callback(null, target.address, target.family);
  };
  const client = target.url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const request = client.request(
      target.url,
      {
        method,
        lookup: pinned,
        agent: false,
        headers: { 'user-agent': 'Relais source check', accept: '*/*' },
        signal: AbortSignal.timeout(timeoutMs),
      },
      (response) => {
        // The status is all we need: the body is not read.
        resolve(response.statusCode ?? 0);
        response.destroy();
      },
    );
    request.on('error', (error: Error) =>
      reject(error.name === 'AbortError' || error.name === 'TimeoutError' ? new Error(`No answer within ${timeoutMs} ms.`) : error),
    );
    request.end();
  });
}

/** Asks one link whether it answers (a 2xx or a redirect counts as reachable). */
export async function probeSource(url: string, options: { allow: readonly string[]; timeoutMs?: number }): Promise<ProbeResult> {
  const timeoutMs = options.timeoutMs ?? SOURCE_CHECK_TIMEOUT_MS;
  let target: Awaited<ReturnType<typeof checkTarget>>;
  try {
    target = await checkTarget(url, { allow: allowListOf(options.allow) });
  } catch (error) {
    if (error instanceof TargetRefused) return { state: 'refused', status: null, error: error.message };
    return { state: 'unreachable', status: null, error: (error as Error).message };
  }
  try {
    let status = await ask('HEAD', target, timeoutMs);
    if (status === 405 || status === 501) status = await ask('GET', target, timeoutMs);
    return { state: status >= 200 && status < 400 ? 'reachable' : 'unreachable', status, error: null };
  } catch (error) {
    return { state: 'unreachable', status: null, error: (error as Error).message.slice(0, 300) };
  }
}

/** Checks a fact check's pending sources and stores each outcome; returns how many were checked. */
export async function checkPendingSources(
  tenant: TenantRunner,
  factCheckId: string,
  options: { allow: readonly string[]; timeoutMs?: number },
): Promise<number> {
  const pending = await tenant((trx) =>
    trx
      .selectFrom('fact_check_source')
      .select(['id', 'url'])
      .where('fact_check_id', '=', factCheckId)
      .where('check_state', '=', 'pending')
      .execute(),
  );
  const results = await Promise.all(pending.map(async (s) => ({ id: s.id, url: s.url, result: await probeSource(s.url, options) })));
  await tenant(async (trx) => {
    // A source edited meanwhile (another URL, a new row) keeps its own pending check.
    for (const { id, url, result } of results)
      await trx
        .updateTable('fact_check_source')
        .set({ check_state: result.state, check_status: result.status, check_error: result.error, checked_at: new Date() })
        .where('id', '=', id)
        .where('url', '=', url)
        .execute();
  });
  return results.length;
}

/** The job checking a fact check's sources after a save. */
export const checkSourcesJob = defineJob({
  kind: 'factchecks.check_sources',
  params: Type.Object({ fact_check_id: Type.String({ format: 'uuid' }) }),
  unlisted: true,
  expireInSeconds: 120,
  async run(ctx) {
    const checked = await checkPendingSources(ctx.tenant, ctx.params.fact_check_id, { allow: ctx.config.webhookAllowNetworks });
    return { checked };
  },
});

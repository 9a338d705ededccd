// `relais mailing send|report` against a server listening on loopback, with an API token and a real
// SMTP server on loopback: the send is started and followed to its end, Ctrl-C leaves it running on
// the server, and the report prints its figures per arrondissement in the reader's language.
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { tenantRunnerOf } from '../server/db/database.ts';
import { uuidv7 } from '../server/lib/ids.ts';
import { recordConsents } from '../server/modules/consent/index.ts';
import { createApiToken } from '../server/modules/identity/index.ts';
import {
  buildTestApp,
  createCampaignFixture,
  createMemberFixture,
  type FixtureCampaign,
  type TestApp,
  TestClient,
} from '../server/testing/app.ts';
import { describeEachDatabase } from '../server/testing/databases.ts';
import { type SmtpSink, sinkMailingConfig, startSmtpSink } from '../server/testing/smtp-sink.ts';
import { type ApiChannel, sendAndFollow } from './mailing-command.ts';

const run = promisify(execFile);
const BIN = path.resolve(import.meta.dirname, '../../bin/relais.js');
const BLOCKS = {
  blocks: [
    { type: 'paragraph', text: 'Bonjour {{given_name|"à vous"}}' },
    { type: 'button', text: 'Agir', url: 'https://campagne.test/agir' },
  ],
};

describeEachDatabase('relais mailing', (ctx) => {
  let t: TestApp;
  let c: FixtureCampaign;
  let sink: SmtpSink;
  let owner: TestClient;
  let api: string;
  let token: string;
  let listId: string;
  // The embedded database's data folder: the server writes its local CLI channel there on listen.
  const dataDir = mkdtempSync(path.join(tmpdir(), 'relais-cli-mailing-'));
  const tenant = () => tenantRunnerOf(ctx.database.db, c.id);
  const cli = (locale: 'fr' | 'en', ...args: string[]) =>
    run(process.execPath, [BIN, 'mailing', ...args, '--api', api], {
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', RELAIS_LOCALE: locale, RELAIS_API_TOKEN: token },
      timeout: 120_000,
    });
  const createMailing = async (name: string) => {
    const res = await owner.request('POST', '/api/v1/messages', {
      name,
      subject: 'Nouvelles',
      from: 'Équipe',
      content: BLOCKS,
      targets: [{ href: `/api/v1/lists/${listId}` }],
    });
    expect(res.statusCode, res.body).toBe(201);
    return res.json().id as string;
  };
  const statusOf = async (id: string) => (await owner.request('GET', `/api/v1/messages/${id}`)).json().status as string;

  beforeAll(async () => {
    sink = await startSmtpSink();
    t = await buildTestApp(ctx.database, {
      publicUrl: 'https://relais.campagne.test',
      dataDir,
      mailing: sinkMailingConfig(sink),
    });
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    const address = t.app.server.address();
    api = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    c = await createCampaignFixture(ctx.database.db, `cli-mailing-${uuidv7().slice(-6)}`);
    listId = uuidv7();
    await ctx.database.db.insertInto('list').values({ campaign_id: c.id, id: listId, name: 'Lettre' }).execute();
    const zones = c.zones.map((z) => z.id);
    for (const [i, given] of ['Alice', 'Bruno', 'Chloé'].entries()) {
      const id = uuidv7();
      await ctx.database.db
        .insertInto('person')
        .values({
          campaign_id: c.id,
          id,
          given_name: given,
          family_name: 'Test',
          email: `p${i}@exemple.test`,
          zone_ids: [zones[i % 2] as string],
        })
        .execute();
      await ctx.database.db.insertInto('list_member').values({ campaign_id: c.id, list_id: listId, person_id: id }).execute();
      await tenant()((trx) => recordConsents(trx, [{ campaignId: c.id, personId: id, channel: 'email', status: 'given', source: 'form' }]));
    }
    await createMemberFixture(ctx.database.db, c.id, { email: 'owner@example.org', role: 'owner' });
    owner = new TestClient(t.app);
    await owner.login('owner@example.org');
    ({ token } = await tenant()((trx) =>
      createApiToken(
        trx,
        { campaignId: c.id, userId: null, tokenId: null, label: 'test', role: 'owner', zoneScope: null, ip: null },
        { name: 'CLI', scopes: ['messages:read', 'messages:send'] },
      ),
    ));
  }, 60_000);

  afterAll(async () => {
    await t?.close();
    await sink?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('leaves the send running on the server when the operator presses Ctrl-C', async () => {
    // No worker yet: the send cannot end before the operator stops watching it.
    const id = await createMailing('Interrompu');
    const child: ChildProcess = spawn(process.execPath, [BIN, 'mailing', 'send', id, '--api', api, '--token', token], {
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', RELAIS_LOCALE: 'fr' },
    });
    let stderr = '';
    child.stderr?.on('data', (chunk) => {
      stderr += String(chunk);
    });
    await expect.poll(() => stderr, { timeout: 60_000 }).toContain('Envoi « Interrompu » lancé : 3 destinataires.');
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGINT');
    expect(await exited).toBe(130);
    expect(stderr).toContain(`Suivi arrêté : l’envoi continue sur le serveur. Son bilan : relais mailing report ${id}`);
    expect(await statusOf(id)).toBe('sending');
    await t.runtime.jobs.work();
    await expect.poll(() => statusOf(id), { timeout: 60_000 }).toBe('sent');
  }, 120_000);

  it('starts a send and follows it to its end, every recipient’s message at the SMTP server', async () => {
    await t.runtime.jobs.work();
    const id = await createMailing('Suivi');
    const channel: ApiChannel = { base: `${api}/api/v1`, headers: { authorization: `Bearer ${token}` } };
    const progress: Array<[number, number]> = [];
    const lines: string[] = [];
    const end = await sendAndFollow(
      channel,
      id,
      { progress: (done, total) => progress.push([done, total]), line: (l) => lines.push(l) },
      50,
    );
    expect(end.status).toBe('sent');
    expect(end.statistics).toMatchObject({ sent: 3, failed: 0, skipped: 0 });
    expect(progress.at(-1)).toEqual([3, 3]);
    expect(progress.every(([, total]) => total === 3)).toBe(true);
    const rows = await tenant()((trx) => trx.selectFrom('mailing_recipient').select('id').where('mailing_id', '=', id).execute());
    const ids = new Set(rows.map((r) => `<${r.id}@campagne.test>`));
    expect(sink.messages.filter((m) => ids.has(/^Message-ID: (.*)$/im.exec(m.raw)?.[1]?.trim() ?? '')).length).toBe(3);
    // Sending a sent mailing again is refused, with the server's code in the CLI's sentence.
    await expect(cli('fr', 'send', id)).rejects.toMatchObject({ stderr: expect.stringContaining('MAILING_STATE_CONFLICT') });
  }, 120_000);

  it('prints the report per arrondissement and per link, in French or English', async () => {
    const id = await createMailing('Bilan');
    await owner.request('POST', `/api/v1/messages/${id}/send`);
    await expect.poll(() => statusOf(id), { timeout: 60_000 }).toBe('sent');
    // One human open and click (Alice, zone 1), and a proxy open that only --counted all counts.
    await tenant()(async (trx) => {
      const rows = await trx
        .selectFrom('mailing_recipient')
        .select(['id', 'person_id', 'email'])
        .where('mailing_id', '=', id)
        .orderBy('email')
        .execute();
      const [alice, bruno] = rows as [(typeof rows)[0], (typeof rows)[0]];
      const event = (r: typeof alice, kind: 'open' | 'click', classification: 'human' | 'apple_proxy') => ({
        campaign_id: c.id,
        id: uuidv7(),
        mailing_id: id,
        recipient_id: r.id,
        person_id: r.person_id,
        kind,
        link_index: kind === 'click' ? 0 : null,
        link_url: kind === 'click' ? 'https://campagne.test/agir' : null,
        classification,
        at: new Date(),
      });
      await trx
        .insertInto('mail_event')
        .values([event(alice, 'open', 'human'), event(alice, 'click', 'human'), event(bruno, 'open', 'apple_proxy')])
        .execute();
    });
    const fr = (await cli('fr', 'report', id)).stdout;
    expect(fr).toContain('« Bilan » (envoyé) — objet : Nouvelles');
    expect(fr).toMatch(/Envoyés\s+Délivrés\s+Ouvertures\s+Taux d’ouv\./);
    // Total: 3 sent, 1 opened (33,3 %); zone 1 holds Alice and Chloé (1 of 2: 50,0 %), zone 2 Bruno (0,0 %).
    expect(fr).toMatch(/^Total\s+3\s+3\s+1\s+33,3\u00a0%\s+1\s+33,3\u00a0%/m);
    expect(fr).toContain('Par arrondissement');
    expect(fr).toMatch(/^Zone 1\s+2\s+2\s+1\s+50,0\u00a0%/m);
    expect(fr).toMatch(/^Zone 2\s+1\s+1\s+0\s+0,0\u00a0%/m);
    expect(fr).toContain('1 clics, 1 personnes : https://campagne.test/agir');
    const all = (await cli('fr', 'report', id, '--counted', 'all')).stdout;
    expect(all).toMatch(/^Total\s+3\s+3\s+2\s+66,7\u00a0%/m);
    const en = (await cli('en', 'report', id)).stdout;
    expect(en).toContain('"Bilan" (sent) — subject: Nouvelles');
    expect(en).toMatch(/^Total\s+3\s+3\s+1\s+33\.3%/m);
    expect(en).toContain('Per arrondissement');
    expect(en).not.toMatch(/Envoyés|Par arrondissement/);
  }, 180_000);

  // On the embedded database only this process may open it: the command goes through the server.
  it.runIf(ctx.kind === 'pglite')(
    'goes through the server holding the embedded database, without --api',
    async () => {
      await t.runtime.jobs.work();
      // This test process stands for the server holding the database (its pid in the lock file).
      writeFileSync(path.join(dataDir, 'pglite.lock'), String(process.pid));
      const id = await createMailing('Locale');
      const env = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', RELAIS_LOCALE: 'fr', DATA_DIR: dataDir };
      const sent = await run(process.execPath, [BIN, 'mailing', 'send', id, '--campaign', c.slug], { env, timeout: 120_000 });
      expect(sent.stdout).toContain('Envoi terminé : 3 envoyés, 0 en échec, 0 écartés');
      const report = await run(process.execPath, [BIN, 'mailing', 'report', id], { env, timeout: 120_000 });
      expect(report.stdout).toContain('« Locale » (envoyé) — objet : Nouvelles');
      expect(report.stdout).toMatch(/^Total\s+3\s+3\s+0\s+0,0\u00a0%/m);
    },
    180_000,
  );
});

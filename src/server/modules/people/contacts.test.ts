// Adding a person by hand (with consents and their proof), notes, and logged contacts whose outcome
// moves people on the ladder through the default rules; every mistake of a form reported at once.
import { expect, it } from 'vitest';
import { useOwnerApp } from '../../testing/app.ts';
import { describeEachDatabase } from '../../testing/databases.ts';

describeEachDatabase('people by hand: intake, notes, contacts', (ctx) => {
  const suite = useOwnerApp(ctx, 'contacts');

  const intake = (body: unknown) => suite.owner.request('POST', '/api/v1/people/intake', body);

  it('adds a person met at a market stall, with tags, a consent and its proof, and a note', async () => {
    const tag = (await suite.owner.request('POST', '/api/v1/tags', { name: 'Marché d’Aligre' })).json();
    const res = await intake({
      person: {
        given_name: 'Aïcha',
        family_name: 'Adam',
        email_addresses: [{ address: 'Aicha.Adam@example.org', primary: true }],
        phone_numbers: [{ number: '06 39 98 72 18', primary: true }],
        postal_addresses: [{ address_lines: ['12 rue d’Aligre'], postal_code: '75012', locality: 'Paris' }],
      },
      tag_ids: [tag.id],
      consents: [
        {
          channel: 'email',
          status: 'given',
          source: 'paper',
          form: 'Formulaire papier au marché d’Aligre',
          text_shown: 'J’accepte de recevoir les informations de la campagne.',
          at: '2026-03-07T10:30:00.000Z',
        },
      ],
      note: 'Intéressée par la propreté du quartier.',
    });
    expect(res.statusCode, res.body).toBe(201);
    const person = res.json();
    expect(person).toMatchObject({ given_name: 'Aïcha', source: 'manual', consents: { email: true, sms: false } });
    expect(person.tags.map((t: { name: string }) => t.name)).toEqual(['Marché d’Aligre']);
    const ledger = (await suite.owner.request('GET', `/api/v1/people/${person.id}/consents`)).json().items;
    expect(ledger).toHaveLength(1);
    expect(ledger[0]).toMatchObject({ channel: 'email', status: 'given', source: 'paper', at: '2026-03-07T10:30:00.000Z' });
    expect(ledger[0].proof).toMatchObject({ form: 'Formulaire papier au marché d’Aligre', entered_by: expect.any(String) });
    const timeline = (await suite.owner.request('GET', `/api/v1/people/${person.id}/activities`)).json()._embedded['relais:timeline'];
    expect(timeline.find((i: { type: string }) => i.type === 'note')?.data.text).toBe('Intéressée par la propreté du quartier.');
  });

  it('reports every mistake of the form at once, and creates nothing', async () => {
    const before = (await suite.owner.request('GET', '/api/v1/people?per_page=1')).json().total_records;
    const res = await intake({
      person: { given_name: 'Yanis', email_addresses: [{ address: 'yanis@' }], phone_numbers: [{ number: '12' }] },
      consents: [
        { channel: 'sms', status: 'given', source: 'paper' },
        { channel: 'email', status: 'given', source: 'paper', form: 'Papier', at: '2999-01-01T00:00:00.000Z' },
      ],
    });
    expect(res.statusCode).toBe(400);
    const problem = res.json();
    expect(problem.code).toBe('PERSON_INVALID');
    expect(problem.errors.map((e: { pointer: string; code: string }) => `${e.pointer} ${e.code}`).sort()).toEqual([
      '/consents/0/channel CONSENT_UNREACHABLE',
      '/consents/0/form CONSENT_PROOF_MISSING',
      '/consents/1/at DATE_INVALID',
      '/consents/1/channel CONSENT_UNREACHABLE',
      '/person/email_addresses/0/address EMAIL_INVALID',
      '/person/phone_numbers/0/number PHONE_INVALID',
    ]);
    expect((await suite.owner.request('GET', '/api/v1/people?per_page=1')).json().total_records).toBe(before);
    // An e-mail already in the base, and nobody at all.
    const taken = await intake({ person: { email_addresses: [{ address: 'aicha.adam@example.org' }] } });
    expect(taken.json().errors).toEqual([
      expect.objectContaining({ pointer: '/person/email_addresses/0/address', code: 'DUPLICATE_EMAIL' }),
    ]);
    const empty = await intake({ person: {} });
    expect(empty.json().errors).toEqual([expect.objectContaining({ pointer: '/person/family_name', code: 'NAME_MISSING' })]);
  });

  it('says every bad e-mail and phone of an edit, not only the first', async () => {
    const created = await intake({ person: { family_name: 'Chevalier' } });
    const res = await suite.owner.request('PUT', `/api/v1/people/${created.json().id}`, {
      email_addresses: [{ address: 'ok@example.org' }, { address: 'bad@' }],
      phone_numbers: [{ number: 'x' }],
    });
    expect(res.json().code).toBe('EMAIL_INVALID');
    expect(res.json().errors.map((e: { pointer: string }) => e.pointer)).toEqual(['/email_addresses/1/address', '/phone_numbers/0/number']);
  });

  it('logs contacts whose outcome moves the person up the ladder, and notes', async () => {
    const id = (await intake({ person: { given_name: 'Émilie', family_name: 'Chevalier' } })).json().id;
    const log = (body: unknown) => suite.owner.request('POST', `/api/v1/people/${id}/contacts`, body);
    const noAnswer = await log({ kind: 'call', outcome: 'no_answer' });
    expect(noAnswer.statusCode, noAnswer.body).toBe(201);
    expect(noAnswer.json()).toMatchObject({ type: 'contact.no_answer', ladder_move: null });
    const supportive = await log({ kind: 'door', outcome: 'supportive', note: 'Signera la pétition' });
    expect(supportive.json().ladder_move).toEqual({ from_stage: 'curious', to_stage: 'sympathizer' });
    const volunteering = await log({ kind: 'meeting', outcome: 'volunteering', at: new Date(Date.now() - 3_600_000).toISOString() });
    expect(volunteering.json().ladder_move).toEqual({ from_stage: 'sympathizer', to_stage: 'volunteer' });
    expect((await suite.owner.request('GET', `/api/v1/people/${id}`)).json().ladder_stage).toBe('volunteer');
    const note = await suite.owner.request('POST', `/api/v1/people/${id}/notes`, { text: 'Disponible le samedi matin.' });
    expect(note.statusCode).toBe(201);
    const timeline = (await suite.owner.request('GET', `/api/v1/people/${id}/activities`)).json()._embedded['relais:timeline'];
    const types = timeline.map((i: { type: string }) => i.type);
    expect(types).toEqual(
      expect.arrayContaining(['note', 'contact.volunteering', 'contact.supportive', 'contact.no_answer', 'ladder.moved']),
    );
    expect(timeline.find((i: { type: string }) => i.type === 'contact.supportive').data).toMatchObject({
      kind: 'door',
      note: 'Signera la pétition',
    });
    // The funnel counts the moves of this week.
    const funnel = (await suite.owner.request('GET', '/api/v1/ladder/funnel?weeks=1')).json();
    const moves = funnel.weeks[0].conversions.reduce((n: number, c: { count: number }) => n + c.count, 0);
    expect(moves).toBeGreaterThanOrEqual(2);
  });

  it('refuses a contact in the future, an unknown outcome and a blank note', async () => {
    const id = (await intake({ person: { family_name: 'Roy' } })).json().id;
    const future = await suite.owner.request('POST', `/api/v1/people/${id}/contacts`, {
      kind: 'call',
      outcome: 'talked',
      at: '2999-01-01T00:00:00Z',
    });
    expect(future.json().code).toBe('DATE_INVALID');
    const unknown = await suite.owner.request('POST', `/api/v1/people/${id}/contacts`, { kind: 'call', outcome: 'maybe' });
    expect(unknown.json().code).toBe('VALIDATION_FAILED');
    const blank = await suite.owner.request('POST', `/api/v1/people/${id}/notes`, { text: '   ' });
    expect(blank.json().code).toBe('VALIDATION_FAILED');
  });
});

// The audit log reads as sentences: every action the server writes has a label in both languages,
// and an event's details, actor and target are told without ids, codes or JSON.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeFormatters } from '../../i18n/format.ts';
import type { AuditEvent } from './api.ts';
import { describeEvent } from './describe-event.ts';
import { auditActionLabels } from './messages.ts';

const SERVER = path.resolve(import.meta.dirname, '../../../server');

/** The action literals of every audit write in the server's code. */
function auditActions(): string[] {
  const found = new Set<string>();
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const file = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(file);
      else if (file.endsWith('.ts') && !file.endsWith('.test.ts')) {
        const source = readFileSync(file, 'utf8');
        if (!/insertAuditEvents|auditForUser/.test(source)) continue;
        for (const m of source.matchAll(/action:[^,\n]*?'([a-z_]+\.[a-z_]+)'/g)) found.add(m[1] as string);
        for (const m of source.matchAll(/\? '([a-z_]+\.[a-z_]+)' : '([a-z_]+\.[a-z_]+)'/g)) found.add(m[1] as string).add(m[2] as string);
        // A module's own audit helper, called with the action among its arguments: audit(trx, actor, 'm.done', …).
        for (const m of source.matchAll(/\b(?:audit|auditOf)\((?:[^()'\n]|\([^()]*\))*?'([a-z_]+\.[a-z_]+)'/g)) found.add(m[1] as string);
      }
    }
  };
  walk(SERVER);
  return [...found].sort();
}

const event = (over: Partial<AuditEvent>): AuditEvent => ({
  id: '0190a1b2-0000-7000-8000-000000000001',
  at: '2026-12-06T10:00:00Z',
  action: 'people.imported',
  actor_label: 'directrice@demo.relais.fr',
  actor_name: 'Camille Durand',
  target_type: null,
  target_id: null,
  target_name: null,
  ip: '127.0.0.1',
  details: {},
  ...over,
});

describe('audit events told as sentences', () => {
  it('labels every action the server writes, in French and English', () => {
    const actions = auditActions();
    expect(actions).toEqual(expect.arrayContaining(['people.imported', 'member.added', 'auth.locked', 'auth.login_failed']));
    const fr: Record<string, string> = auditActionLabels.fr;
    const en: Record<string, string> = auditActionLabels.en;
    expect(actions.filter((a) => !fr[a] || !en[a])).toEqual([]);
  });

  it('tells an import by its file and counts, names the actor, never shows a key or an id', () => {
    const told = describeEvent(
      event({
        target_type: 'import',
        target_id: '0190a1b2-0000-7000-8000-0000000000ff',
        target_name: 'messy.csv',
        details: {
          file: 'messy.csv',
          rows: 1200,
          created: 800,
          updated: 300,
          skipped: 50,
          rejected: 50,
          consent_channels: ['email', 'sms'],
        },
      }),
      { locale: 'fr', fmt: makeFormatters('fr') },
    );
    expect(told.actor).toBe('Camille Durand');
    expect(told.target).toEqual({ kind: 'Import', name: '« messy.csv »', href: null });
    expect(told.sentences).toEqual([
      'Fichier « messy.csv » : 1\u202f200 lignes lues, 800 créées, 300 mises à jour, 50 ignorées, 50 rejetées.',
      'Consentement enregistré pour : E-mail et SMS.',
    ]);
  });

  it('does not name the actor twice for their own sign-in', () => {
    const told = describeEvent(event({ action: 'auth.login', target_type: 'staff_user', target_id: 'u1', target_name: 'Camille Durand' }), {
      locale: 'fr',
      fmt: makeFormatters('fr'),
    });
    expect(told).toEqual({ actor: 'Camille Durand', target: null, sentences: [] });
  });

  it('names a member by role labels, and links a person to their page', () => {
    const changed = describeEvent(
      event({
        action: 'member.role_changed',
        target_type: 'staff_user',
        target_id: '0190a1b2-0000-7000-8000-000000000002',
        target_name: 'Karim Benali',
        details: { email: 'karim@example.org', from: { role: 'volunteer', zone_ids: [] }, to: { role: 'referent', zone_ids: ['z'] } },
      }),
      { locale: 'en', fmt: makeFormatters('en') },
    );
    expect(changed.target).toEqual({ kind: 'Member', name: '"Karim Benali"', href: null });
    expect(changed.sentences).toEqual(['Role: "Volunteer" → "Arrondissement referent".', 'Zones covered: 0 → 1.']);
    const person = describeEvent(
      event({
        action: 'person.erased',
        actor_name: null,
        actor_label: 'retention policy',
        target_type: 'person',
        target_id: 'p1',
        target_name: 'Agathe Roy',
        details: { reason: 'retention', months: 36 },
      }),
      { locale: 'fr', fmt: makeFormatters('fr') },
    );
    expect(person).toEqual({
      actor: 'Politique de conservation',
      target: { kind: 'Personne', name: 'Agathe Roy', href: '/people/p1' },
      sentences: ['Aucune activité depuis 36 mois (politique de conservation).'],
    });
  });

  it('tells a round of the election calendar by its day, closing time and zone', () => {
    const told = describeEvent(
      event({ action: 'calendar.round_added', details: { date: '2027-03-14', polls_close: '20:00', time_zone: 'Europe/Paris' } }),
      { locale: 'fr', fmt: makeFormatters('fr') },
    );
    expect(told).toEqual({
      actor: 'Camille Durand',
      target: null,
      sentences: ['Tour du dimanche 14 mars 2027, fermeture des bureaux à 20:00 (Europe/Paris).'],
    });
    const removed = describeEvent(event({ action: 'calendar.round_removed', details: { date: '2027-03-21' } }), {
      locale: 'en',
      fmt: makeFormatters('en'),
    });
    expect(removed.sentences).toEqual(['Round of Sunday, 21 March 2027.']);
  });
});

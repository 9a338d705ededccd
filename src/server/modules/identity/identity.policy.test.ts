import { describe, expect, it } from 'vitest';
import { ROLES } from '../../db/schema.ts';
import {
  canAssignRole,
  clientKeyOf,
  grantableScopes,
  passwordProblem,
  permissionOfScope,
  permissionsOf,
  policyTablesOf,
  readScopes,
  roleCan,
  tokenScopes,
  zoneScopeOf,
} from './identity.policy.ts';

describe('identity policy', () => {
  it('gives owners every permission and admins all but campaign management', () => {
    expect(roleCan('owner', 'campaign.manage')).toBe(true);
    expect(roleCan('admin', 'campaign.manage')).toBe(false);
    expect(roleCan('admin', 'users.manage')).toBe(true);
  });

  it('keeps team, tokens and audit to owners and admins', () => {
    for (const role of ROLES) {
      const manager = role === 'owner' || role === 'admin';
      expect(roleCan(role, 'users.manage'), role).toBe(manager);
      expect(roleCan(role, 'tokens.manage'), role).toBe(manager);
      expect(roleCan(role, 'audit.read'), role).toBe(manager);
    }
  });

  it('lets referents work people but limits them to their zones', () => {
    expect(roleCan('referent', 'people.read')).toBe(true);
    expect(zoneScopeOf('referent', ['z1'])).toEqual(['z1']);
    expect(zoneScopeOf('organizer', ['z1'])).toBeNull();
  });

  it('keeps personal data away from moderators, candidates and volunteers', () => {
    for (const role of ['moderator', 'candidate', 'volunteer'] as const) {
      expect(roleCan(role, 'people.read'), role).toBe(false);
      expect(roleCan(role, 'people.export'), role).toBe(false);
    }
  });

  it('never lets a role give more than it holds', () => {
    expect(canAssignRole('admin', 'owner')).toBe(false);
    expect(canAssignRole('owner', 'owner')).toBe(true);
    expect(canAssignRole('admin', 'referent')).toBe(true);
    expect(canAssignRole('organizer', 'volunteer')).toBe(false);
    for (const role of ROLES) {
      for (const scope of grantableScopes(role)) expect(permissionsOf(role)).toContain(permissionOfScope(scope));
    }
  });

  it('rejects short and trivial passwords', () => {
    expect(passwordProblem('short')).toMatch(/10 characters/);
    expect(passwordProblem('aaaaaaaaaaaa')).toMatch(/simple/);
    expect(passwordProblem('correct-horse-battery')).toBeNull();
  });

  it('assembles from the modules the same permissions per role and token scopes as the table it replaced', () => {
    const manager = ['dashboard.read', 'zones.read', 'people.read', 'people.write', 'people.export', 'users.manage', 'tokens.manage'];
    const messaging = ['messaging.read', 'messaging.write', 'messaging.send'];
    const sms = ['sms.read', 'sms.send'];
    // Everyone reads the election calendar; admins (and owners) change it.
    const calendar = ['calendar.read'];
    // Targeting: organizers and referents (in their zones) build scores and pick targets; candidates read them.
    const targeting = ['targeting.read', 'targeting.write'];
    // Field: turfs read by canvassers, cut and assigned by organizers and referents; the electoral roll for organizers.
    const field = ['field.read', 'field.manage', 'field.roll'];
    // Door-to-door (canvass module): volunteers knock, referents follow progress, organizers write scripts.
    const canvass = ['canvass.knock', 'canvass.read', 'canvass.manage'];
    // Listening: the team reads, writes and publishes; accounts are the admins'; only the candidate approves.
    const listening = ['listening.read', 'listening.write', 'listening.publish'];
    // Fact checks: a reviewer other than the author publishes; only owners may publish their own.
    const factchecks = ['factchecks.read', 'factchecks.write', 'factchecks.publish'];
    const votes = ['votes.read', 'votes.manage'];
    const petitions = ['petitions.read', 'petitions.write'];
    // The public site's content (pages, news, running mates); referents their arrondissements' only.
    const site = ['site.read', 'site.write'];
    const events = ['events.read', 'events.attendees', 'events.write', 'events.propose', 'events.checkin'];
    // Volunteer media: the queue read by the staff, moderated by the director and communication, sent by every member.
    const media = ['media.read', 'media.moderate', 'media.upload'];
    const admin = [
      ...manager,
      ...messaging,
      ...sms,
      ...calendar,
      'calendar.write',
      'sms.manage',
      // Deliverability: caps per receiving domain, DNS records, thresholds, resuming a paused sending.
      'messaging.deliverability',
      'audit.read',
      'webhooks.manage',
      'jobs.read',
      'jobs.write',
      'outbox.read',
      ...field,
      ...targeting,
      ...canvass,
      ...listening,
      'listening.accounts',
      ...factchecks,
      ...votes,
      ...petitions,
      ...site,
      ...events,
      ...media,
    ];
    const expected: Record<(typeof ROLES)[number], string[]> = {
      // Owners hold every permission: the admin's and the campaign's own.
      owner: [...admin, 'campaign.manage', 'listening.approve', 'factchecks.publish_own'],
      admin,
      organizer: [
        'dashboard.read',
        'zones.read',
        'people.read',
        'people.write',
        'people.export',
        ...messaging,
        ...sms,
        ...calendar,
        'jobs.read',
        'jobs.write',
        ...field,
        ...targeting,
        ...canvass,
        ...listening,
        'factchecks.read',
        'factchecks.write',
        'votes.read',
        ...petitions,
        ...site,
        ...events,
        'media.read',
        'media.upload',
      ],
      referent: [
        'dashboard.read',
        'zones.read',
        'people.read',
        'people.write',
        'people.export',
        ...messaging,
        ...calendar,
        'jobs.read',
        'field.read',
        'field.manage',
        ...targeting,
        'canvass.knock',
        'canvass.read',
        'factchecks.read',
        'votes.read',
        ...petitions,
        ...site,
        ...events,
        'media.read',
        'media.upload',
      ],
      community_manager: [
        'dashboard.read',
        'zones.read',
        'people.read',
        'messaging.read',
        'messaging.write',
        ...calendar,
        ...listening,
        ...factchecks,
        ...votes,
        'petitions.read',
        ...site,
        'events.read',
        'events.attendees',
        'events.propose',
        ...media,
      ],
      moderator: [
        'dashboard.read',
        ...calendar,
        'listening.read',
        'factchecks.read',
        'votes.read',
        'site.read',
        'media.read',
        'media.upload',
      ],
      candidate: [
        'dashboard.read',
        'zones.read',
        ...calendar,
        'field.read',
        'targeting.read',
        ...listening,
        'listening.approve',
        'factchecks.read',
        'votes.read',
        'site.read',
        'events.read',
        'media.read',
        'media.upload',
      ],
      volunteer: [
        'zones.read',
        ...calendar,
        'field.read',
        'canvass.knock',
        'factchecks.read',
        'events.read',
        'events.propose',
        'events.checkin',
        'media.upload',
      ],
    };
    for (const role of ROLES) expect([...permissionsOf(role)].sort(), role).toEqual(expected[role].sort());
    expect(tokenScopes().map((s) => `${s.id}=${s.permission}`)).toEqual([
      'dashboard:read=dashboard.read',
      'zones:read=zones.read',
      'people:read=people.read',
      'people:write=people.write',
      'people:export=people.export',
      'tags:read=people.read',
      'tags:write=people.write',
      'lists:read=people.read',
      'lists:write=people.write',
      'custom_fields:read=people.read',
      'ladder:read=people.read',
      'segments:read=people.read',
      'segments:write=people.write',
      'calendar:read=calendar.read',
      'calendar:write=calendar.write',
      'messages:read=messaging.read',
      'messages:write=messaging.write',
      'messages:send=messaging.send',
      'imports:write=people.write',
      'jobs:read=jobs.read',
      'jobs:write=jobs.write',
      'audit:read=audit.read',
      'webhooks:manage=webhooks.manage',
      'sms:read=sms.read',
      'sms:send=sms.send',
      'turfs:read=field.read',
      'turfs:write=field.manage',
      'targeting:read=targeting.read',
      'targeting:write=targeting.write',
      'canvasses:read=canvass.read',
      'canvasses:write=canvass.knock',
      'scripts:read=canvass.read',
      'scripts:write=canvass.manage',
      'listening:read=listening.read',
      'listening:write=listening.write',
      'listening:publish=listening.publish',
      'listening:approve=listening.approve',
      'factchecks:read=factchecks.read',
      'factchecks:write=factchecks.write',
      'factchecks:publish=factchecks.publish',
      'votes:read=votes.read',
      'votes:manage=votes.manage',
      'petitions:read=petitions.read',
      'petitions:write=petitions.write',
      'site:read=site.read',
      'site:write=site.write',
      'events:read=events.read',
      'events:write=events.write',
      'events:propose=events.propose',
      'attendances:read=events.attendees',
      'attendances:write=events.write',
      'media:read=media.read',
      'media:write=media.upload',
    ]);
    expect(readScopes()).toEqual([
      'dashboard:read',
      'zones:read',
      'people:read',
      'tags:read',
      'lists:read',
      'custom_fields:read',
      'ladder:read',
      'segments:read',
      'calendar:read',
      'messages:read',
      'jobs:read',
      'audit:read',
      'sms:read',
      'turfs:read',
      'targeting:read',
      'canvasses:read',
      'scripts:read',
      'listening:read',
      'factchecks:read',
      'votes:read',
      'petitions:read',
      'site:read',
      'events:read',
      'attendances:read',
      'media:read',
    ]);
  });

  it('refuses a scope twice, a scope that is not <resource>:<action>, and one standing for no permission', () => {
    const base = { name: 'x', permissions: [{ id: 'x.read', roles: [] }] };
    const scope = { id: 'x:read', permission: 'x.read', fr: 'f', en: 'e' } as const;
    expect(() => policyTablesOf([{ ...base, scopes: [scope, scope] }])).toThrow(/twice: x:read/);
    expect(() => policyTablesOf([{ ...base, scopes: [{ ...scope, id: 'x.read:' }] }])).toThrow(/<resource>:<action>/);
    expect(() => policyTablesOf([{ ...base, scopes: [{ ...scope, permission: 'y.read' }] }])).toThrow(/undeclared permission: x:read/);
  });

  it('refuses a permission two modules declare', () => {
    const twice = { name: 'x', permissions: [{ id: 'people.read', roles: [] }] };
    expect(() => policyTablesOf([twice, { ...twice, name: 'y' }])).toThrow(/people\.read/);
  });

  it('counts sign-in attempts per IPv4 address, and per /64 for IPv6', () => {
    expect(clientKeyOf('203.0.113.7')).toBe('203.0.113.7');
    expect(clientKeyOf('::ffff:203.0.113.7')).toBe('203.0.113.7');
    expect(clientKeyOf('2001:db8:1:2:aaaa::1')).toBe('2001:db8:1:2::/64');
    expect(clientKeyOf('2001:0db8:0001:0002:ffff:0:0:9')).toBe('2001:db8:1:2::/64');
    expect(clientKeyOf('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(clientKeyOf('::1')).toBe('0:0:0:0::/64');
    expect(clientKeyOf(null)).toBe('unknown');
  });
});

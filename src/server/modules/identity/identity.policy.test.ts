import { describe, expect, it } from 'vitest';
import { ROLES } from '../../db/schema.ts';
import { canAssignRole, clientKeyOf, grantableScopes, passwordProblem, permissionsOf, roleCan, zoneScopeOf } from './identity.policy.ts';

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
      for (const scope of grantableScopes(role)) expect(permissionsOf(role)).toContain(scope);
    }
  });

  it('rejects short and trivial passwords', () => {
    expect(passwordProblem('short')).toMatch(/10 characters/);
    expect(passwordProblem('aaaaaaaaaaaa')).toMatch(/simple/);
    expect(passwordProblem('correct-horse-battery')).toBeNull();
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

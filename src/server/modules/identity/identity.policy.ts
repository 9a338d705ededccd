// Who may do what: pure functions over roles, permissions and token scopes.
import { isIP } from 'node:net';
import type { Role } from '../../db/schema.ts';

export const PERMISSIONS = [
  'dashboard.read',
  'zones.read',
  'people.read',
  'people.write',
  'people.export',
  'users.manage',
  'tokens.manage',
  'audit.read',
  'jobs.read',
  'jobs.write',
  'outbox.read',
  'campaign.manage',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

const ALL: readonly Permission[] = PERMISSIONS;

// The permissions of each role. Referents hold people permissions only within their zones; the
// zone restriction is applied by the queries (see zoneScopeOf), not here.
const ROLE_PERMISSIONS: Record<Role, readonly Permission[]> = {
  owner: ALL,
  admin: ALL.filter((p) => p !== 'campaign.manage'),
  organizer: ['dashboard.read', 'zones.read', 'people.read', 'people.write', 'people.export', 'jobs.read', 'jobs.write'],
  referent: ['dashboard.read', 'zones.read', 'people.read', 'people.write', 'people.export', 'jobs.read'],
  community_manager: ['dashboard.read', 'zones.read', 'people.read'],
  moderator: ['dashboard.read'],
  candidate: ['dashboard.read', 'zones.read'],
  volunteer: ['zones.read'],
};

/** Scopes an API token may carry: each one grants the permission of the same name. */
export const TOKEN_SCOPES = [
  { id: 'dashboard.read', fr: 'Lire le tableau de bord', en: 'Read the dashboard' },
  { id: 'zones.read', fr: 'Lire le territoire (zones, indicateurs)', en: 'Read the territory (zones, indicators)' },
  { id: 'people.read', fr: 'Lire les contacts', en: 'Read people' },
  { id: 'people.write', fr: 'Créer et modifier des contacts', en: 'Create and update people' },
  { id: 'people.export', fr: 'Exporter des contacts', en: 'Export people' },
  { id: 'jobs.read', fr: 'Suivre les tâches de fond', en: 'Follow background jobs' },
  { id: 'jobs.write', fr: 'Lancer des tâches de fond', en: 'Start background jobs' },
  { id: 'audit.read', fr: "Lire le journal d'audit", en: 'Read the audit log' },
] as const satisfies readonly { id: Permission; fr: string; en: string }[];
export type TokenScope = (typeof TOKEN_SCOPES)[number]['id'];

/** The permissions a role grants. */
export function permissionsOf(role: Role): readonly Permission[] {
  return ROLE_PERMISSIONS[role];
}

/** True when the role grants the permission. */
export function roleCan(role: Role, permission: Permission): boolean {
  return ROLE_PERMISSIONS[role].includes(permission);
}

/** True when the role's people access is limited to zones (referents). */
export function isZoneScoped(role: Role): boolean {
  return role === 'referent';
}

/** Zones an actor is limited to, or null for the whole campaign. */
export function zoneScopeOf(role: Role, zoneIds: readonly string[]): string[] | null {
  return isZoneScoped(role) ? [...zoneIds] : null;
}

/** Scopes a user of this role may put on a token they create: never more than they hold. */
export function grantableScopes(role: Role): TokenScope[] {
  return TOKEN_SCOPES.filter((s) => roleCan(role, s.id)).map((s) => s.id);
}

const ROLE_RANK: Record<Role, number> = {
  owner: 100,
  admin: 80,
  organizer: 50,
  referent: 40,
  community_manager: 40,
  candidate: 40,
  moderator: 30,
  volunteer: 10,
};

/** Whether an actor of role `actor` may give role `target` to someone (or change someone holding it). */
export function canAssignRole(actor: Role, target: Role): boolean {
  if (!roleCan(actor, 'users.manage')) return false;
  if (target === 'owner') return actor === 'owner';
  return ROLE_RANK[actor] >= ROLE_RANK[target];
}

/** A password acceptable for a staff account: at least 10 characters, not only one repeated character. */
export function passwordProblem(password: string): string | null {
  if (password.length < 10) return 'The password must be at least 10 characters long.';
  if (password.length > 200) return 'The password must be at most 200 characters long.';
  if (new Set(password).size < 4) return 'The password is too simple.';
  return null;
}

/**
 * The key under which a client's sign-in attempts count together (rate limit, lockout): its IPv4
 * address, or the /64 of an IPv6 one, since one subscriber usually holds a whole /64.
 */
export function clientKeyOf(ip: string | null | undefined): string {
  if (!ip) return 'unknown';
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip)?.[1];
  if (mapped) return mapped;
  if (isIP(ip) !== 6) return ip;
  const [head = '', tail] = ip.split('::');
  const left = head ? head.split(':') : [];
  // An embedded IPv4 address fills the last two groups.
  const right = (tail ? tail.split(':') : []).flatMap((g) => (g.includes('.') ? ['0', '0'] : [g]));
  const groups = tail === undefined ? left : [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right];
  return `${groups
    .slice(0, 4)
    .map((g) => Number.parseInt(g, 16).toString(16))
    .join(':')}::/64`;
}

// Who may do what: pure functions over roles, permissions and token scopes.
import { isIP } from 'node:net';
import { ROLES, type Role } from '../../db/schema.ts';
import { allModules, type Permission, type TokenScope } from '../index.ts';
import type { ModuleManifest } from '../manifest.ts';

export type { Permission, TokenScope };

/** A token scope with the permission it stands for and its descriptions. */
export interface ScopeInfo {
  id: TokenScope;
  permission: Permission;
  fr: string;
  en: string;
}

interface PolicyTables {
  permissions: readonly Permission[];
  byRole: ReadonlyMap<Role, readonly Permission[]>;
  scopes: readonly ScopeInfo[];
}

const SCOPE_ID = /^[a-z_]+:[a-z_]+$/;

/**
 * The permission tables of a list of manifests: each module's permissions with the roles holding
 * them (owners hold every one), and the token scopes (`<resource>:<action>`) with the permission
 * each stands for. A permission or scope declared twice, a malformed scope id or a scope standing
 * for an undeclared permission is a mistake, caught when the tables are built (the suite builds
 * them from the list of modules).
 */
export function policyTablesOf(manifests: readonly ModuleManifest[]): PolicyTables {
  const specs = manifests.flatMap((m) => m.permissions ?? []);
  const permissions = specs.map((p) => p.id as Permission);
  const twice = permissions.filter((p, i) => permissions.indexOf(p) !== i);
  if (twice.length > 0) throw new Error(`Permission declared by two modules: ${twice.join(', ')}`);
  const byRole = new Map<Role, readonly Permission[]>(
    ROLES.map((role) => [
      role,
      role === 'owner' ? permissions : specs.filter((p) => p.roles.some((r) => r === role)).map((p) => p.id as Permission),
    ]),
  );
  const scopes = manifests
    .flatMap((m) => m.scopes ?? [])
    .map((s) => ({ ...s, id: s.id as TokenScope, permission: s.permission as Permission }));
  const ids = scopes.map((s) => s.id);
  const scopeTwice = ids.filter((id, i) => ids.indexOf(id) !== i);
  if (scopeTwice.length > 0) throw new Error(`Scope declared twice: ${scopeTwice.join(', ')}`);
  const malformed = ids.filter((id) => !SCOPE_ID.test(id));
  if (malformed.length > 0) throw new Error(`Scope ids are <resource>:<action>: ${malformed.join(', ')}`);
  const orphan = scopes.filter((s) => !permissions.includes(s.permission)).map((s) => `${s.id} → ${s.permission}`);
  if (orphan.length > 0) throw new Error(`Scope standing for an undeclared permission: ${orphan.join(', ')}`);
  return { permissions, byRole, scopes };
}

// Built on first use: the list of modules imports this module's routes, which import this file.
let tables: PolicyTables | null = null;
function policy(): PolicyTables {
  tables ??= policyTablesOf(allModules());
  return tables;
}

/** Every permission of the application, in the order of the modules. */
export function allPermissions(): readonly Permission[] {
  return policy().permissions;
}

/** Scopes an API token may carry, each with the permission it stands for and its descriptions. */
export function tokenScopes(): readonly ScopeInfo[] {
  return policy().scopes;
}

/** The permission a scope stands for (undefined for a string that is no scope). */
export function permissionOfScope(scope: string): Permission | undefined {
  return policy().scopes.find((s) => s.id === scope)?.permission;
}

/** Every scope that reads (`<resource>:read`): what a sandbox token gets. */
export function readScopes(): TokenScope[] {
  return tokenScopes()
    .filter((s) => s.id.endsWith(':read'))
    .map((s) => s.id);
}

/** The permissions a role grants. */
export function permissionsOf(role: Role): readonly Permission[] {
  return policy().byRole.get(role) ?? [];
}

/** True when the role grants the permission. */
export function roleCan(role: Role, permission: Permission): boolean {
  return permissionsOf(role).includes(permission);
}

/** True when the role's people access is limited to zones (referents). */
export function isZoneScoped(role: Role): boolean {
  return role === 'referent';
}

/** Zones an actor is limited to, or null for the whole campaign. */
export function zoneScopeOf(role: Role, zoneIds: readonly string[]): string[] | null {
  return isZoneScoped(role) ? [...zoneIds] : null;
}

/** Scopes a user of this role may put on a token they create: those standing for a permission they hold. */
export function grantableScopes(role: Role): TokenScope[] {
  return tokenScopes()
    .filter((s) => roleCan(role, s.permission))
    .map((s) => s.id);
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

// The shape of a module's manifest: what each modules/<m>/index.ts brings to the application. The
// list of manifests (modules/index.ts) is read by app.ts (routes), http/problem.ts (error statuses),
// runtime.ts (jobs, janitors), identity.policy.ts (permissions, token scopes) and the API entry point
// (system.routes.ts: links); the navigation
// entries are in each module's dependency-free nav.ts, which the web reads through modules/nav.ts.
import type { FastifyPluginAsync } from 'fastify';
import type { Config } from '../config.ts';
import type { Role } from '../db/schema.ts';
import type { JobDefinition, JobJanitor } from '../jobs/queue.ts';
import type { NavEntrySpec } from './nav.ts';

/** A permission a module adds: the roles that hold it (owners hold every permission). */
export interface PermissionSpec {
  id: string;
  roles: readonly Exclude<Role, 'owner'>[];
}

/**
 * What an API token may be given, per resource and action (`people:read`, `tags:write`…): a route
 * names the scope it needs (`requireActor(request, 'tags:read')`). A scope stands for one of the
 * module's permissions: a session passes when its role holds that permission, a token when it
 * carries the scope and its creator still holds the permission.
 */
export interface ScopeSpec {
  id: `${string}:${string}`;
  permission: string;
  /** Its description in the token screen. */
  fr: string;
  en: string;
}

/**
 * A link of the API entry point (`GET /api/v1`): an OSDI relation (`osdi:people`,
 * `osdi:person_signup_helper`) or one of ours (`relais:…`), with the path under /api/v1.
 */
export interface ApiLinkSpec {
  rel: `osdi:${string}` | `relais:${string}`;
  /** Path under /api/v1, e.g. '/people'. */
  path: string;
  title: string;
}

/** Routes served under a prefix ('' for the site, '/api/v1' for the API). */
export interface RouteSpec {
  prefix: string;
  plugin: FastifyPluginAsync;
}

export interface ModuleManifest {
  /** The module's folder name. */
  name: string;
  routes?: readonly RouteSpec[];
  /** The module's error codes with their HTTP status (its `<domain>.errors.ts`). */
  errors?: Readonly<Record<string, number>>;
  permissions?: readonly PermissionSpec[];
  /** The token scopes of its resources (see ScopeSpec). */
  scopes?: readonly ScopeSpec[];
  /** Job kinds its workers run, each with the TypeBox schema of its parameters. */
  jobs?: readonly JobDefinition[];
  /** Clean-ups a worker runs at start and every 10 minutes, each made from the settings it needs. */
  janitors?: readonly ((config: Config) => JobJanitor)[];
  /** Its collections and helpers, linked from the API entry point (OSDI AEP) in the list's order. */
  links?: readonly ApiLinkSpec[];
  /** Its entries in the back office's navigation, from its own nav.ts (the web bundles that file). */
  nav?: readonly NavEntrySpec[];
}

/** Declares a module's manifest, keeping its literal types (error codes, permission ids) for the list. */
export function defineModule<const M extends ModuleManifest>(manifest: M): M {
  return manifest;
}

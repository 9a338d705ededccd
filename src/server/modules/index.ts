// Every module of the application, in ONE list: app.ts registers their routes, http/problem.ts their
// error statuses, runtime.ts their jobs and janitors, identity.policy.ts their permissions and token
// scopes, the API entry point their links. Adding a module is creating its folder with an index.ts manifest and adding one line here
// (and, when it has screens, one line in nav.ts for its navigation entries).
import { siteModule } from '../site/index.ts';
import { auditModule } from './audit/index.ts';
import { calendarModule } from './calendar/index.ts';
import { canvassModule } from './canvass/index.ts';
import { consentModule } from './consent/index.ts';
import { dashboardModule } from './dashboard/index.ts';
import { demoModule } from './demo/index.ts';
import { eventsModule } from './events/index.ts';
import { factchecksModule } from './factchecks/index.ts';
import { fieldModule } from './field/index.ts';
import { identityModule } from './identity/index.ts';
import { importsModule } from './imports/index.ts';
import { jobsModule } from './jobs/index.ts';
import { listeningModule } from './listening/index.ts';
import type { ModuleManifest } from './manifest.ts';
import { mediaModule } from './media/index.ts';
import { messagingModule } from './messaging/index.ts';
import { peopleModule } from './people/index.ts';
import { petitionsModule } from './petitions/index.ts';
import { segmentsModule } from './segments/index.ts';
import { smsModule } from './sms/index.ts';
import { systemModule } from './system/index.ts';
import { targetingModule } from './targeting/index.ts';
import { territoryModule } from './territory/index.ts';
import { timelineModule } from './timeline/index.ts';
import { votesModule } from './votes/index.ts';
import { webhooksModule } from './webhooks/index.ts';

// The order is the order of routes in the API document, of permissions and of token scopes. A
// function, read when used: modules import one another's faces (and identity's policy this list),
// so while files load some manifests may not exist yet.
const list = () =>
  [
    identityModule,
    dashboardModule,
    territoryModule,
    peopleModule,
    timelineModule,
    consentModule,
    segmentsModule,
    calendarModule,
    messagingModule,
    importsModule,
    jobsModule,
    auditModule,
    webhooksModule,
    smsModule,
    fieldModule,
    targetingModule,
    canvassModule,
    listeningModule,
    factchecksModule,
    votesModule,
    systemModule,
    demoModule,
    petitionsModule,
    siteModule,
    eventsModule,
    mediaModule,
  ] as const;

let manifests: readonly ModuleManifest[] | null = null;
/** Every module's manifest, in the list's order (for code that walks it). */
export function allModules(): readonly ModuleManifest[] {
  manifests ??= list();
  return manifests;
}

type Manifest = ReturnType<typeof list>[number];
type ErrorCodesOf<M> = M extends { errors: infer E } ? keyof E & string : never;
type PermissionsOf<M> = M extends { permissions: readonly (infer P)[] } ? (P extends { id: infer I extends string } ? I : never) : never;
type ScopesOf<M> = M extends { scopes: readonly (infer S)[] } ? (S extends { id: infer I extends string } ? I : never) : never;

/** Every error code a module declares (http/problem.ts adds the HTTP layer's own). */
export type ModuleErrorCode = ErrorCodesOf<Manifest>;
/** Every permission of the application (the web's Permission type is this one). */
export type Permission = PermissionsOf<Manifest>;
/** The scopes an API token may carry (`<resource>:<action>`, each standing for a permission). */
export type TokenScope = ScopesOf<Manifest>;

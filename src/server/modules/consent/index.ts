// The consent module's public face and manifest: the ledger (record, list, recompute), canReach,
// and the double opt-in (a confirmation asked at signup, its link's pages at /c/<token>).
import { defineModule } from '../manifest.ts';
import { confirmationRoutes } from './confirmation.routes.ts';

export {
  type ConfirmationOutcome,
  confirmationMail,
  requestEmailConfirmation,
} from './confirmation.ts';
export {
  type ConsentEntry,
  type ConsentProof,
  canReach,
  listConsents,
  recomputeConsents,
  recordConsents,
} from './consent.ts';

export const consentModule = defineModule({
  name: 'consent',
  // The double opt-in link's public pages (the people module serves a person's consents).
  routes: [{ prefix: '', plugin: confirmationRoutes }],
});

// The consent module's public face and manifest: the ledger (record, list, recompute) and canReach.
// No routes of its own yet (the people module serves a person's consents).
import { defineModule } from '../manifest.ts';

export {
  type ConsentEntry,
  type ConsentProof,
  canReach,
  listConsents,
  recomputeConsents,
  recordConsents,
} from './consent.ts';

export const consentModule = defineModule({ name: 'consent' });

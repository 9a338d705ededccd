// The consent module's public face: the ledger (record, list, recompute) and canReach.
export {
  type ConsentEntry,
  type ConsentProof,
  canReach,
  listConsents,
  recomputeConsents,
  recordConsents,
} from './consent.ts';

// Who may change what the whole campaign shares. Tags, lists and saved segments are one per
// campaign: renaming, redefining or deleting one changes it for people a referent cannot see.
import { AppError } from '../../http/problem.ts';

/** What the campaign shares, as named in the refusal. */
export type SharedKind = 'tag' | 'list' | 'segment';

/** True when the actor covers the whole campaign (not a referent, nor a token limited to zones). */
export function isCampaignWide(actor: { zoneScope: readonly string[] | null }): boolean {
  return actor.zoneScope === null;
}

/**
 * Refuses (GROUP_SHARED) a zone-scoped actor's change to a shared tag, list or segment: they may
 * create them and use them on their people, not rename, redefine or delete them.
 */
export function assertCampaignWide(
  actor: { zoneScope: readonly string[] | null },
  kind: SharedKind,
  action: 'rename' | 'redefine' | 'delete',
): void {
  if (isCampaignWide(actor)) return;
  throw new AppError(
    'GROUP_SHARED',
    `A ${kind} is shared by the whole campaign: only a campaign-wide role can ${action} it (yours is limited to zones).`,
  );
}

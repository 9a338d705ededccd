// Alerts texted to the campaign's own staff (a spike of mentions, a crisis): not a send to people,
// so none of a send's rules for citizens apply — no consent ledger (the numbers were given by the
// team for this), no STOP line, no sending hours (a crisis at 23:00 is the point), and no electoral
// silence (an internal alert is not propaganda). What does apply: the campaign's sender (its
// setting, else the deployment's default), the sender's name in front, and the provider.
import type { Config } from '../../config.ts';
import type { Db, TenantRunner } from '../../db/database.ts';
import { uuidv7 } from '../../lib/ids.ts';
import { normalizePhone } from '../people/index.ts';
import { smsProviderOf } from './provider.ts';
import { providerSender, senderKindOf } from './rules.ts';
import { loadSettings } from './sms.repo.ts';

export interface StaffAlertOutcome {
  /** Numbers the provider took. */
  sent: string[];
  /** Numbers refused, with the provider's reason. */
  failed: { to: string; error: string }[];
  /** Why nothing was sent at all (no sender configured, no valid number), or null. */
  skipped: 'not_configured' | 'no_number' | null;
}

/** Texts `text` to staff numbers (normalised to E.164, each once), at any hour. */
export async function sendStaffAlert(
  config: Pick<Config, 'twilio'>,
  db: Db,
  tenant: TenantRunner,
  campaignId: string,
  numbers: readonly string[],
  text: string,
): Promise<StaffAlertOutcome> {
  const to = [...new Set(numbers.map((n) => normalizePhone(n)).filter((n): n is string => n !== null))];
  if (to.length === 0) return { sent: [], failed: [], skipped: 'no_number' };
  const settings = await tenant((trx) => loadSettings(trx, campaignId));
  const sender = settings.sender ?? config.twilio?.from ?? null;
  if (!sender || senderKindOf(sender).kind === null) return { sent: [], failed: [], skipped: 'not_configured' };
  const name = settings.senderName.trim();
  const body = name ? `${name} : ${text.trim()}` : text.trim();
  const provider = smsProviderOf(config, db);
  const outcome: StaffAlertOutcome = { sent: [], failed: [], skipped: null };
  for (const number of to) {
    const result = await provider.send({
      campaignId,
      messageId: uuidv7(),
      to: number,
      from: providerSender(sender),
      body,
      statusCallback: null,
    });
    if (result.ok) outcome.sent.push(number);
    else outcome.failed.push({ to: number, error: `${result.errorCode}: ${result.errorMessage}`.slice(0, 300) });
  }
  return outcome;
}

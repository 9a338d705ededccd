// Where the bounce reader meets the messaging module's recipient tokens: the `<token>` of the VERP
// return path bounces+<token>@domain and of the mailto unsubscribe+<token>@domain, HMAC-signed
// with MAILING_TOKEN_SECRET (tokens.ts). A token names the recipient row only (it must fit in a
// 64-octet local part); its campaign is looked up outside row-level security, as a session or an
// API token finds its campaign (index mailing_recipient_id_idx).
import type { Config } from '../../../config.ts';
import type { Db } from '../../../db/database.ts';
import { findRecipientById } from '../messaging.repo.ts';
import { readVerpToken } from '../tokens.ts';
import type { RecipientTokenReader } from './mailbox.ts';

/** The reader of recipient tokens under the deployment's key. */
export function recipientTokenReaderOf(config: Config, db: Db): RecipientTokenReader {
  return async (token) => {
    const recipientId = readVerpToken(config.mailing.tokenSecret, token);
    if (!recipientId) return null;
    const row = await findRecipientById(db, recipientId);
    return row ? { campaignId: row.campaign_id, recipientId } : null;
  };
}

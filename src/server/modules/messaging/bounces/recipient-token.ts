// Where the bounce reader meets the messaging module's recipient tokens (the `<token>` of the
// VERP return path bounces+<token>@domain, HMAC-signed with MAILING_TOKEN_SECRET by the sender).
// Until the sender's verifier is merged, no token is read: reports are matched by the Message-ID
// they quote, which every sample in fixtures/ but the sendmail-style one carries.
import type { Config } from '../../../config.ts';
import type { RecipientTokenReader } from './mailbox.ts';

/** The reader of VERP tokens under the deployment's settings. */
export function recipientTokenReaderOf(_config: Config): RecipientTokenReader {
  return () => null;
}

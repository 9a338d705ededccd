// From a mailing's rows to what a recipient receives: the variant's source and rendered template,
// the campaign's brand, and each message's headers (Message-ID, List-Unsubscribe with its one-click
// POST, List-Id, Feedback-ID) and VERP return path.
import type { Config } from '../../config.ts';
import type { Trx } from '../../db/database.ts';
import type { MailingVariantKey } from '../../db/schema.ts';
import type { MergeValues } from './merge-tags.ts';
import type { MailingRow } from './messaging.repo.ts';
import { brandOf, type MailBrand, type MailContent, type MailSource, type MailTemplate, personalise, renderTemplate } from './render.ts';
import { returnPathOf, unsubscribeToken, verpToken } from './tokens.ts';
import { trackingEnabled, trackMessage } from './tracking/rewrite.ts';
import type { BulkMessage } from './transport.ts';

export interface MailingKit {
  mailing: MailingRow;
  campaign: { id: string; slug: string; name: string };
  brand: MailBrand;
  templates: Map<MailingVariantKey, { template: MailTemplate; fromName: string }>;
  /** Whether the campaign tracks opens and clicks (tracking/rewrite.ts). */
  tracking: boolean;
}

/** The source of a variant: its own values where set, the mailing's otherwise. */
export function sourceOf(
  mailing: Pick<MailingRow, 'subject' | 'preheader' | 'content_format' | 'content'>,
  variant?: { subject: string | null; preheader: string | null; content: unknown } | null,
): MailSource {
  return {
    subject: variant?.subject ?? mailing.subject,
    preheader: variant?.preheader ?? mailing.preheader,
    format: mailing.content_format,
    content: (variant?.content ?? mailing.content) as MailContent,
  };
}

/** The campaign's brand (campaign.settings.mail). */
export async function loadBrand(trx: Trx, campaignId: string, publicUrl: string) {
  const campaign = await trx
    .selectFrom('campaign')
    .select(['id', 'slug', 'name', 'settings'])
    .where('id', '=', campaignId)
    .executeTakeFirstOrThrow();
  return { campaign, brand: brandOf(campaign, publicUrl) };
}

/** Renders every variant of a mailing once (what the send job and the preview need). */
export async function loadKit(trx: Trx, mailing: MailingRow, publicUrl: string): Promise<MailingKit> {
  const { campaign, brand } = await loadBrand(trx, mailing.campaign_id, publicUrl);
  const variants = await trx
    .selectFrom('mailing_variant')
    .selectAll()
    .where('campaign_id', '=', mailing.campaign_id)
    .where('mailing_id', '=', mailing.id)
    .execute();
  const templates: MailingKit['templates'] = new Map();
  for (const v of variants.length > 0 ? variants : [null]) {
    templates.set(v?.variant ?? 'A', {
      template: await renderTemplate(sourceOf(mailing, v), brand),
      fromName: v?.from_name ?? (mailing.from_name || brand.campaignName),
    });
  }
  return { mailing, campaign, brand, templates, tracking: trackingEnabled(campaign.settings) };
}

/** The merge values of a person row. */
export function mergeValuesOf(p: {
  given_name: string;
  family_name: string;
  email: string | null;
  locality?: string | null;
  postcode?: string | null;
}): MergeValues {
  return {
    given_name: p.given_name,
    family_name: p.family_name,
    full_name: `${p.given_name} ${p.family_name}`.trim(),
    email: p.email,
    locality: p.locality ?? null,
    postcode: p.postcode ?? null,
  };
}

/** The unsubscribe page of a recipient row (the footer's visible link and List-Unsubscribe's https URI). */
export function unsubscribeUrlOf(config: Config, campaignId: string, recipientId: string): string {
  return `${config.publicUrl}/u/${unsubscribeToken(config.mailing.tokenSecret, campaignId, recipientId)}`;
}

function domainOf(address: string): string {
  return address.split('@')[1] ?? 'localhost';
}

/** The stable Message-ID of a recipient row: a resend after a crash is the same message. */
export function messageIdOf(config: Config, recipientId: string): string {
  return `${recipientId}@${domainOf(config.mailing.fromAddress)}`;
}

/** The message of one recipient row. */
export function buildMessage(
  config: Config,
  kit: MailingKit,
  recipient: { id: string; email: string; variant: MailingVariantKey },
  values: MergeValues,
): BulkMessage {
  const entry = kit.templates.get(recipient.variant) ?? kit.templates.get('A');
  if (!entry) throw new Error(`mailing ${kit.mailing.id} has no variant ${recipient.variant}`);
  const unsubscribeUrl = unsubscribeUrlOf(config, kit.campaign.id, recipient.id);
  const parts = trackMessage(config, kit, recipient.id, personalise(entry.template, values, { unsubscribeUrl }));
  const { bounceDomain, tokenSecret, fromAddress } = config.mailing;
  return {
    campaignId: kit.campaign.id,
    from: { name: entry.fromName, address: fromAddress },
    replyTo: kit.mailing.reply_to,
    to: recipient.email,
    ...parts,
    messageId: messageIdOf(config, recipient.id),
    returnPath: returnPathOf(tokenSecret, bounceDomain, recipient.id),
    headers: {
      'List-Unsubscribe': `<${unsubscribeUrl}>, <mailto:unsubscribe+${verpToken(tokenSecret, recipient.id)}@${bounceDomain}?subject=unsubscribe>`,
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
      'List-Id': `<${kit.campaign.slug}.${domainOf(fromAddress)}>`,
      'Feedback-ID': `${kit.mailing.id.slice(0, 8)}:${kit.campaign.slug}:relais`,
    },
  };
}

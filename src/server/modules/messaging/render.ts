// The composer's renderer: blocks (heading, paragraph, button, image, divider) or MJML written by
// hand, wrapped in the campaign's brand (logo, colours) and a footer the content cannot remove (the
// sender's identity, where the data comes from, the privacy link, the visible unsubscribe link),
// rendered once per mailing and variant by mjml to HTML with placeholders, plus the plain-text part
// made from that HTML; then filled per recipient (merge tags, their own unsubscribe link).
import mjml2html from 'mjml';
import { Type } from 'typebox';
import { AppError } from '../../http/problem.ts';
import { StringEnum } from '../../http/schemas.ts';
import { htmlToText } from './html-text.ts';
import { escapeHtml, extractMergeTags, fillMergeTags, type MergeTagUse, type MergeValues, unknownMergeTags } from './merge-tags.ts';

const HttpUrl = Type.String({ pattern: '^https?://[^\\s"<>]+$', maxLength: 2000 });
const Text = (max: number) => Type.String({ maxLength: max });

/** One block of the composer. */
export const MailBlock = Type.Union([
  Type.Object(
    { type: Type.Literal('heading'), text: Text(300), level: Type.Optional(Type.Union([Type.Literal(1), Type.Literal(2)])) },
    { additionalProperties: false },
  ),
  Type.Object({ type: Type.Literal('paragraph'), text: Text(20_000) }, { additionalProperties: false }),
  Type.Object({ type: Type.Literal('button'), text: Text(200), url: Type.String({ maxLength: 2000 }) }, { additionalProperties: false }),
  Type.Object({ type: Type.Literal('image'), src: HttpUrl, alt: Text(300), url: Type.Optional(HttpUrl) }, { additionalProperties: false }),
  Type.Object({ type: Type.Literal('divider') }, { additionalProperties: false }),
]);
export type MailBlock = Type.Static<typeof MailBlock>;

/** A mailing's content: blocks, or MJML written by hand. */
export const MailContent = Type.Union([
  Type.Object({ blocks: Type.Array(MailBlock, { maxItems: 200 }) }, { additionalProperties: false }),
  Type.Object({ mjml: Type.String({ maxLength: 500_000 }) }, { additionalProperties: false }),
]);
export type MailContent = Type.Static<typeof MailContent>;
export const CONTENT_FORMATS = ['blocks', 'mjml'] as const;
export const ContentFormat = StringEnum(CONTENT_FORMATS);

/** The campaign's look and the footer's facts (campaign.settings.mail). */
export interface MailBrand {
  campaignName: string;
  logoUrl: string | null;
  primaryColor: string;
  textColor: string;
  backgroundColor: string;
  /** Who sends: the legal sender's name and postal address. */
  senderIdentity: string;
  /** "Vous recevez ce message car…". */
  dataOrigin: string;
  privacyUrl: string;
}

/** The brand of a campaign from its settings, with defaults for what is not set. */
export function brandOf(campaign: { name: string; settings: Record<string, unknown> }, publicUrl: string): MailBrand {
  const mail = (campaign.settings.mail ?? {}) as Record<string, unknown>;
  const str = (key: string) => (typeof mail[key] === 'string' && (mail[key] as string).trim() !== '' ? (mail[key] as string).trim() : null);
  const color = (key: string, fallback: string) => {
    const v = str(key);
    return v && /^#[0-9a-fA-F]{6}$/.test(v) ? v : fallback;
  };
  return {
    campaignName: campaign.name,
    logoUrl: str('logo_url'),
    primaryColor: color('primary_color', '#1c4e80'),
    textColor: color('text_color', '#222222'),
    backgroundColor: color('background_color', '#f4f4f4'),
    senderIdentity: str('sender_identity') ?? campaign.name,
    dataOrigin:
      str('data_origin') ?? `Vous recevez ce message car vous avez accepté de recevoir les informations de ${campaign.name} par e-mail.`,
    privacyUrl: str('privacy_url') ?? `${publicUrl}/confidentialite`,
  };
}

/** What a mailing's variant says (subject, preheader, content). */
export interface MailSource {
  subject: string;
  preheader: string;
  format: 'blocks' | 'mjml';
  content: MailContent;
}

/** A rendered mailing: parts with placeholders, filled per recipient by personalise(). */
export interface MailTemplate {
  subject: string;
  html: string;
  text: string;
  uses: MergeTagUse[];
}

/** Where a recipient's own links go (filled into the template). */
export interface RecipientLinks {
  unsubscribeUrl: string;
}

const UNSUBSCRIBE = '%%unsubscribe_url%%';

/** Every text of a source that may carry merge tags (checked at save). */
function textsOf(source: MailSource): string[] {
  const texts = [source.subject, source.preheader];
  if ('mjml' in source.content) texts.push(source.content.mjml);
  else
    for (const b of source.content.blocks) {
      if (b.type === 'heading' || b.type === 'paragraph') texts.push(b.text);
      if (b.type === 'button') texts.push(b.text, b.url);
      if (b.type === 'image') texts.push(b.alt);
    }
  return texts;
}

/** Refuses unknown or malformed merge tags (MAILING_MERGE_TAG_UNKNOWN, naming them). */
export function checkMergeTags(source: MailSource): void {
  const bad = [...new Set(textsOf(source).flatMap(unknownMergeTags))];
  if (bad.length > 0) {
    throw new AppError(
      'MAILING_MERGE_TAG_UNKNOWN',
      `Unknown merge tag${bad.length > 1 ? 's' : ''} ${bad.join(', ')}: use given_name, family_name, full_name, email, locality or postcode, e.g. {{given_name|"Bonjour"}}.`,
      { tags: bad },
    );
  }
}

/** The MJML of the blocks (their texts HTML-escaped; placeholders kept). */
function blocksMjml(blocks: readonly MailBlock[], brand: MailBrand, uses: MergeTagUse[]): string {
  // Tags become placeholders before escaping (their quoted fallbacks would be escaped otherwise).
  const esc = (text: string) => escapeHtml(extractMergeTags(text, uses));
  return blocks
    .map((b) => {
      switch (b.type) {
        case 'heading':
          return `<mj-text font-size="${b.level === 2 ? 20 : 26}px" font-weight="bold" color="${brand.primaryColor}">${esc(b.text)}</mj-text>`;
        case 'paragraph':
          return `<mj-text>${esc(b.text).replace(/\r?\n/g, '<br />')}</mj-text>`;
        case 'button':
          return `<mj-button href="${esc(b.url)}" background-color="${brand.primaryColor}">${esc(b.text)}</mj-button>`;
        case 'image':
          return `<mj-image src="${esc(b.src)}" alt="${esc(b.alt)}"${b.url ? ` href="${esc(b.url)}"` : ''} />`;
        default:
          return `<mj-divider border-color="${brand.primaryColor}" border-width="1px" />`;
      }
    })
    .join('\n');
}

/** The footer every mailing carries: outside the content, which cannot remove it. */
function footerMjml(brand: MailBrand): string {
  return `<mj-section padding="16px 0"><mj-column>
<mj-text font-size="12px" color="#666666" align="center">${escapeHtml(brand.senderIdentity)}<br />${escapeHtml(brand.dataOrigin)}</mj-text>
<mj-text font-size="12px" color="#666666" align="center"><a href="${UNSUBSCRIBE}" style="color:#666666">Se désinscrire ou gérer mes préférences</a> · <a href="${escapeHtml(brand.privacyUrl)}" style="color:#666666">Données personnelles</a></mj-text>
</mj-column></mj-section>`;
}

function headMjml(brand: MailBrand, preheader: string): string {
  return `<mj-head><mj-attributes><mj-all font-family="Helvetica, Arial, sans-serif" /><mj-text color="${brand.textColor}" font-size="16px" line-height="1.5" /></mj-attributes>${
    preheader ? `<mj-preview>${escapeHtml(preheader)}</mj-preview>` : ''
  }</mj-head>`;
}

/** The whole MJML document of a source: brand, content, footer. */
export function documentMjml(source: MailSource, brand: MailBrand, uses: MergeTagUse[]): string {
  const preheader = extractMergeTags(source.preheader, uses);
  const logo = brand.logoUrl
    ? `<mj-section padding="16px 0 0"><mj-column><mj-image src="${escapeHtml(brand.logoUrl)}" alt="${escapeHtml(brand.campaignName)}" width="160px" /></mj-column></mj-section>`
    : '';
  if ('mjml' in source.content) {
    const mjml = extractMergeTags(source.content.mjml, uses);
    const end = mjml.lastIndexOf('</mj-body>');
    if (!/^\s*<mjml[\s>]/.test(mjml) || end === -1)
      throw new AppError('MAILING_CONTENT_INVALID', 'MJML content must be a <mjml> document with an <mj-body>.');
    // The footer goes in after the author's last section, the head's preview before theirs.
    const withFooter = `${mjml.slice(0, end)}${footerMjml(brand)}${mjml.slice(end)}`;
    return preheader && !withFooter.includes('<mj-preview')
      ? withFooter.replace(/<mjml([^>]*)>/, `<mjml$1><mj-head><mj-preview>${escapeHtml(preheader)}</mj-preview></mj-head>`)
      : withFooter;
  }
  const body = blocksMjml(source.content.blocks, brand, uses);
  return `<mjml>${headMjml(brand, preheader)}<mj-body background-color="${brand.backgroundColor}">${logo}<mj-section background-color="#ffffff" padding="24px 0"><mj-column>${body}</mj-column></mj-section>${footerMjml(brand)}</mj-body></mjml>`;
}

/** Renders a source once (MJML to HTML, then the plain part); content errors: MAILING_CONTENT_INVALID. */
export async function renderTemplate(source: MailSource, brand: MailBrand): Promise<MailTemplate> {
  checkMergeTags(source);
  const uses: MergeTagUse[] = [];
  const subject = extractMergeTags(source.subject, uses);
  const mjml = documentMjml(source, brand, uses);
  let html: string;
  try {
    const out = await mjml2html(mjml, { validationLevel: 'strict', ignoreIncludes: true, keepComments: false });
    html = out.html;
  } catch (error) {
    const detail = error instanceof Error ? error.message.replace(/\s+/g, ' ').trim().slice(0, 500) : 'MJML error';
    throw new AppError('MAILING_CONTENT_INVALID', `The content does not render: ${detail}`);
  }
  return { subject, html, text: htmlToText(html), uses };
}

/** One recipient's subject, HTML and text. */
export function personalise(template: MailTemplate, values: MergeValues, links: RecipientLinks) {
  const unsubscribeHtml = escapeHtml(links.unsubscribeUrl);
  return {
    subject: fillMergeTags(template.subject, template.uses, values, 'text').replace(/[\r\n]+/g, ' '),
    html: fillMergeTags(template.html, template.uses, values, 'html').replaceAll(UNSUBSCRIBE, unsubscribeHtml),
    text: fillMergeTags(template.text, template.uses, values, 'text').replaceAll(UNSUBSCRIBE, links.unsubscribeUrl),
  };
}

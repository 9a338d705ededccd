// What tracking changes in a recipient's message, when it is on for the campaign
// (campaign.settings.mail.tracking, on unless set to false): every http(s) link of the HTML becomes a
// signed redirect through /t/c/<token>?u=<url> (the plain part's "(url)" too), a hidden link only
// machines follow is added at the top of the body, and the open pixel /t/o/<token>.gif at its end.
// The unsubscribe and preference links are never rewritten (they must work even when tracking is
// down, and a scanner following them changes nothing: their GET only shows a page).
// Called once per message by messaging/compose.ts buildMessage.
import type { Config } from '../../../config.ts';
import { decodeEntities } from '../html-text.ts';
import { escapeHtml } from '../merge-tags.ts';
import { clickToken, HIDDEN_LINK, openToken } from './tokens.ts';

export interface MessageParts {
  subject: string;
  html: string;
  text: string;
}

/** Whether a campaign tracks its mailings (campaign.settings.mail.tracking; on by default). */
export function trackingEnabled(settings: Record<string, unknown>): boolean {
  const mail = (settings.mail ?? {}) as Record<string, unknown>;
  return mail.tracking !== false;
}

/** Links that are never tracked: the unsubscribe page and the preference pages. */
export function isUntracked(publicUrl: string, url: string): boolean {
  return ['/u/', '/preferences', '/p/'].some((path) => url.startsWith(`${publicUrl}${path}`));
}

/** The click URL of a link of a recipient's message. */
export function clickUrlOf(config: Config, campaignId: string, recipientId: string, index: number, url: string): string {
  const token = clickToken(config.mailing.tokenSecret, campaignId, recipientId, index, url);
  return `${config.publicUrl}/t/c/${token}?u=${encodeURIComponent(url)}`;
}

/** The open pixel's URL of a recipient's message. */
export function pixelUrlOf(config: Config, campaignId: string, recipientId: string): string {
  return `${config.publicUrl}/t/o/${openToken(config.mailing.tokenSecret, campaignId, recipientId)}.gif`;
}

/** A recipient's message with its links tracked and the pixel added; unchanged when tracking is off. */
export function trackMessage(
  config: Config,
  kit: { campaign: { id: string }; tracking?: boolean },
  recipientId: string,
  parts: MessageParts,
): MessageParts {
  if (kit.tracking === false) return parts;
  const campaignId = kit.campaign.id;
  const tracked = new Map<string, string>();
  let index = 0;
  const html = parts.html.replace(/(<a\b[^>]*?\shref=")(https?:\/\/[^"]+)(")/gi, (whole, before: string, href: string, after: string) => {
    const url = decodeEntities(href);
    if (isUntracked(config.publicUrl, url)) return whole;
    const clickUrl = clickUrlOf(config, campaignId, recipientId, index++, url);
    tracked.set(url, clickUrl);
    return `${before}${escapeHtml(clickUrl)}${after}`;
  });
  const hidden = `<a href="${escapeHtml(clickUrlOf(config, campaignId, recipientId, HIDDEN_LINK, `${config.publicUrl}/`))}" style="display:none;font-size:0;line-height:0;max-height:0;overflow:hidden" aria-hidden="true" tabindex="-1">&#8203;</a>`;
  const pixel = `<img src="${escapeHtml(pixelUrlOf(config, campaignId, recipientId))}" width="1" height="1" alt="" style="display:block;width:1px;height:1px;border:0" />`;
  const withHidden = html.replace(/<body\b[^>]*>/i, (body) => `${body}${hidden}`);
  const end = withHidden.lastIndexOf('</body>');
  const full = end === -1 ? `${withHidden}${pixel}` : `${withHidden.slice(0, end)}${pixel}${withHidden.slice(end)}`;
  let text = parts.text;
  for (const [url, clickUrl] of tracked) text = text.replaceAll(`(${url})`, `(${clickUrl})`);
  return { subject: parts.subject, html: full, text };
}

// The public events pages (rendered through the site's frame, working without JavaScript): the list
// and map of coming events (/evenements), an event's page with its RSVP form (plain POST, 303 to a
// thank-you page), its ICS and "add to calendar" links, the feeds (ICS, RSS, Atom), and the signed
// links of the e-mails (/evenements/r/<token>: ticket with QR code, "I'm coming", "I can't
// anymore", "I was there"; GET shows, POST acts, so a link scanner changes nothing).
import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import QRCode from 'qrcode';
import { type Trx, withTenant } from '../../db/database.ts';
import { AppError, statusOf } from '../../http/problem.ts';
import { ALTCHA_SOLVER_PATH, emailDomainOf, GUARD_CSS, guardFieldsHtml, guardFormPost, sendFloodAlerts } from '../../site/form-guard.ts';
import { type PageLang, renderSitePage, siteCampaign, siteLangOf, sitePath, escapeHtml as x } from '../../site/layout.ts';
import { confirmationMail } from '../consent/index.ts';
import { countsOf, type EventRow, findEvent, findRsvp, listEvents } from './events.repo.ts';
import { cancelRsvp, checkIn, rsvpPerson } from './events.service.ts';
import { atomOf, rssOf } from './feeds.ts';
import { addToCalendarLinks, icsOf } from './ics.ts';
import { queueNotices } from './reminders.ts';
import { NEWSLETTER_TEXT, rsvpByDetails, SMS_CONSENT_TEXT } from './signup.ts';
import { signRsvpToken, verifyRsvpToken } from './tokens.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const TYPE_LABELS: Record<EventRow['type'], { fr: string; en: string }> = {
  popup: { fr: 'Stand', en: 'Pop-up stand' },
  meeting: { fr: 'Réunion publique', en: 'Public meeting' },
  canvass: { fr: 'Porte-à-porte', en: 'Door-to-door' },
  hackathon: { fr: 'Hackathon', en: 'Hackathon' },
  online: { fr: 'En ligne', en: 'Online' },
};

const CSS = `<style>
.events{list-style:none;padding:0;margin:0;display:grid;gap:1rem}
.events li{border:1px solid #dee2e6;border-radius:.5rem;padding:1rem}
.events h3{margin:0 0 .25rem;font-size:1.2rem}
.tag{display:inline-block;background:#e7f0fb;color:#0b3d91;border-radius:1rem;padding:0 .6rem;font-size:.9rem;font-weight:600}
.map{max-width:40rem;width:100%;height:auto;border:1px solid #dee2e6;border-radius:.5rem;background:#f8f9fa}
.map a circle{fill:#b3261e;stroke:#fff;stroke-width:1.5}
.map a:focus circle,.map a:hover circle{fill:#0b3d91}
.calendar{display:flex;flex-wrap:wrap;gap:.5rem 1rem}
.check{display:flex;gap:.5rem;align-items:flex-start;font-weight:400}
.check input{margin-top:.35rem;width:1.2rem;height:1.2rem}
.ticket svg{width:16rem;height:16rem;max-width:100%}
.notice{background:#e6f4ea;border-left:4px solid #1e7b34;padding:.75rem 1rem}
</style>`;

const T = {
  fr: {
    events: 'Événements',
    intro: 'Stands sur les marchés, réunions publiques, porte-à-porte, hackathon : venez nous rencontrer.',
    none: "Pas d'événement prévu pour l'instant.",
    map: 'Carte des événements',
    list: 'Prochains rendez-vous',
    feeds: 'Suivre les événements : ',
    cal: 'agenda (ICS)',
    when: 'Quand',
    where: 'Où',
    online: 'En ligne',
    seats: (left: number) =>
      left > 0 ? `${left} place${left > 1 ? 's' : ''} restante${left > 1 ? 's' : ''}` : "Complet : inscription sur liste d'attente",
    add: 'Ajouter à mon agenda',
    ics: 'Fichier agenda (Apple, Outlook, Thunderbird)',
    rsvp: "Je m'inscris",
    given: 'Prénom',
    family: 'Nom (facultatif)',
    email: 'Adresse e-mail',
    phone: 'Téléphone mobile (facultatif, pour le rappel SMS)',
    guests: 'Personnes qui vous accompagnent',
    send: "M'inscrire",
    required: 'obligatoire',
    privacy: "Vos données servent à organiser l'événement et à vous envoyer ses rappels ; elles ne sont jamais cédées.",
    closed: 'Les inscriptions sont closes pour cet événement.',
    cancelled: 'Cet événement est annulé.',
    thanksGoing: "C'est noté, vous êtes inscrit·e ! Un e-mail de confirmation arrive avec votre billet.",
    thanksWait:
      "L'événement est complet : vous êtes sur la liste d'attente. Si une place se libère, elle vous revient et nous vous écrivons.",
    back: 'Retour aux événements',
    share: 'Invitez vos proches : ',
    error: "Vérifiez votre prénom, votre adresse e-mail et, s'il est donné, votre numéro de mobile.",
    ticket: 'Votre billet',
    ticketHelp: "Montrez ce code à l'entrée.",
    yes: "Je confirme : j'y serai",
    no: 'Je ne peux plus venir',
    attended: "J'y étais",
    done: { yes: 'Merci, à bientôt !', no: 'Votre place est libérée. Merci de nous avoir prévenus.', attended: "Merci d'être venu·e !" },
    badLink: "Ce lien n'est pas valide.",
    guestsLabel: (n: number) => `${n}`,
  },
  en: {
    events: 'Events',
    intro: 'Market stands, public meetings, door-to-door, hackathon: come and meet us.',
    none: 'No event planned yet.',
    map: 'Map of events',
    list: 'Coming up',
    feeds: 'Follow the events: ',
    cal: 'calendar (ICS)',
    when: 'When',
    where: 'Where',
    online: 'Online',
    seats: (left: number) => (left > 0 ? `${left} seat${left > 1 ? 's' : ''} left` : 'Full: you can join the waiting list'),
    add: 'Add to my calendar',
    ics: 'Calendar file (Apple, Outlook, Thunderbird)',
    rsvp: 'RSVP',
    given: 'First name',
    family: 'Last name (optional)',
    email: 'E-mail address',
    phone: 'Mobile phone (optional, for the SMS reminder)',
    guests: 'People coming with you',
    send: 'RSVP',
    required: 'required',
    privacy: 'Your data is used to organise the event and send its reminders; it is never passed on.',
    closed: 'RSVPs are closed for this event.',
    cancelled: 'This event is cancelled.',
    thanksGoing: "You're in! A confirmation e-mail with your ticket is on its way.",
    thanksWait: 'The event is full: you are on the waiting list. If a seat frees up, it is yours and we will write to you.',
    back: 'Back to events',
    share: 'Invite your friends: ',
    error: 'Check your first name, your e-mail address and, if given, your mobile number.',
    ticket: 'Your ticket',
    ticketHelp: 'Show this code at the door.',
    yes: "I confirm: I'll be there",
    no: "I can't come anymore",
    attended: 'I was there',
    done: { yes: 'Thank you, see you soon!', no: 'Your seat is freed. Thank you for telling us.', attended: 'Thank you for coming!' },
    badLink: 'This link is not valid.',
    guestsLabel: (n: number) => `${n}`,
  },
} as const;

function whenOf(e: EventRow, lang: PageLang): string {
  const f = new Intl.DateTimeFormat(lang === 'fr' ? 'fr-FR' : 'en-GB', { dateStyle: 'full', timeStyle: 'short', timeZone: e.time_zone });
  const end = new Intl.DateTimeFormat(lang === 'fr' ? 'fr-FR' : 'en-GB', { timeStyle: 'short', timeZone: e.time_zone });
  return `${f.format(e.start_at)} – ${end.format(e.end_at)}`;
}
function whereOf(e: EventRow, lang: PageLang): string {
  return e.type === 'online' ? T[lang].online : [e.venue, e.address].filter(Boolean).join(', ');
}

/** An HTML list of events (site pages and the arrondissement's section). */
function eventListHtml(events: readonly EventRow[], lang: PageLang, headingLevel: 2 | 3 = 3): string {
  const h = `h${headingLevel}`;
  return `<ul class="events">${events
    .map(
      (e) =>
        `<li><span class="tag">${x(TYPE_LABELS[e.type][lang])}</span><${h}><a href="${x(sitePath(`/evenements/${e.id}`, lang))}">${x(e.title)}</a></${h}><p class="muted">${x(whenOf(e, lang))}<br>${x(whereOf(e, lang))}</p></li>`,
    )
    .join('')}</ul>`;
}

/** The arrondissement page's events section ('' when the zone has none coming). */
export async function eventsForZoneHtml(trx: Trx, zoneId: string, lang: PageLang): Promise<string> {
  const campaignId = await trx.selectFrom('zone').select('campaign_id').where('id', '=', zoneId).executeTakeFirst();
  if (!campaignId) return '';
  const { rows } = await listEvents(trx, {
    campaignId: campaignId.campaign_id,
    statuses: ['published'],
    zoneId,
    from: new Date(),
    limit: 10,
    offset: 0,
  });
  if (rows.length === 0) return '';
  return `<section aria-labelledby="zone-events">${CSS}<h2 id="zone-events">${x(T[lang].events)}</h2>${eventListHtml(rows, lang, 3)}</section>`;
}

/** An inline SVG map: the arrondissements' outlines and a dot per event, each a link (nothing from elsewhere). */
async function mapSvg(trx: Trx, campaignId: string, events: readonly EventRow[], lang: PageLang): Promise<string> {
  const placed = events.filter((e) => e.latitude !== null && e.longitude !== null);
  if (placed.length === 0) return '';
  const zones = await trx
    .selectFrom('zone')
    .innerJoin('zone_layer', (j) => j.onRef('zone_layer.campaign_id', '=', 'zone.campaign_id').onRef('zone_layer.id', '=', 'zone.layer_id'))
    .select(['zone.geometry', 'zone.bbox'])
    .where('zone.campaign_id', '=', campaignId)
    .where('zone_layer.code', '=', 'arrondissement')
    .limit(40)
    .execute();
  const boxes = zones.map((z) => z.bbox).filter((b) => b.length === 4);
  const lons = [...boxes.flatMap((b) => [b[0] as number, b[2] as number]), ...placed.map((e) => e.longitude as number)];
  const lats = [...boxes.flatMap((b) => [b[1] as number, b[3] as number]), ...placed.map((e) => e.latitude as number)];
  const [minX, maxX, minY, maxY] = [Math.min(...lons), Math.max(...lons), Math.min(...lats), Math.max(...lats)];
  const k = Math.cos(((minY + maxY) / 2) * (Math.PI / 180));
  const w = 600;
  const spanX = Math.max((maxX - minX) * k, 1e-3);
  const spanY = Math.max(maxY - minY, 1e-3);
  const h = Math.round((w * spanY) / spanX);
  const pad = 12;
  const px = (lon: number) => (pad + ((lon - minX) * k * (w - 2 * pad)) / spanX).toFixed(1);
  const py = (lat: number) => (pad + ((maxY - lat) * (h - 2 * pad)) / spanY).toFixed(1);
  const ring = (r: number[][]) => `M${r.map((p) => `${px(p[0] as number)},${py(p[1] as number)}`).join('L')}Z`;
  const paths = zones
    .map((z) => {
      const g = z.geometry as { type?: string; coordinates?: unknown };
      const polys =
        g.type === 'Polygon' ? [g.coordinates as number[][][]] : g.type === 'MultiPolygon' ? (g.coordinates as number[][][][]) : [];
      return `<path d="${polys.flatMap((p) => p.map(ring)).join('')}" fill="#fff" stroke="#6c757d" stroke-width="1"/>`;
    })
    .join('');
  const dots = placed
    .map(
      (e) =>
        `<a href="${x(sitePath(`/evenements/${e.id}`, lang))}"><title>${x(`${e.title} — ${whenOf(e, lang)}`)}</title><circle cx="${px(e.longitude as number)}" cy="${py(e.latitude as number)}" r="8"/></a>`,
    )
    .join('');
  return `<svg class="map" viewBox="0 0 ${w} ${h + 0}" role="img" aria-labelledby="map-title"><title id="map-title">${x(T[lang].map)}</title>${paths}${dots}</svg>`;
}

async function withSite<T>(app: FastifyInstance, fn: (c: { id: string; name: string }, trx: Trx) => Promise<T>): Promise<T | null> {
  const campaign = await siteCampaign(app.deps.database.db);
  if (!campaign) return null;
  return withTenant(app.deps.database.db, campaign.id, (trx) => fn(campaign, trx));
}

function notFoundPage(reply: FastifyReply, name: string, lang: PageLang) {
  return renderSitePage(reply, name, {
    status: 404,
    lang,
    title: lang === 'fr' ? 'Page introuvable' : 'Page not found',
    description: '',
    path: '/evenements',
    current: 'events',
    body: `<h1>${lang === 'fr' ? 'Page introuvable' : 'Page not found'}</h1><p><a href="${x(sitePath('/evenements', lang))}">${x(T[lang].back)}</a></p>`,
  });
}

function feedLinks(base: string): string {
  return `<link rel="alternate" type="application/rss+xml" title="RSS" href="${x(`${base}/evenements/rss.xml`)}"><link rel="alternate" type="application/atom+xml" title="Atom" href="${x(`${base}/evenements/atom.xml`)}"><link rel="alternate" type="text/calendar" title="ICS" href="${x(`${base}/evenements.ics`)}">`;
}

function rsvpForm(app: FastifyInstance, e: EventRow, lang: PageLang, error: string | null): string {
  const t = T[lang];
  return `<form method="post" action="${x(sitePath(`/evenements/${e.id}/inscription`, lang))}" novalidate>
${error ? `<p role="alert" class="notice" style="background:#fdecea;border-color:#b3261e">${x(error)}</p>` : ''}
<input type="hidden" name="lang" value="${lang}">
${guardFieldsHtml(app.deps.config.mailing.tokenSecret, lang)}
<label for="given_name">${x(t.given)} <span class="muted">(${x(t.required)})</span></label><input type="text" id="given_name" name="given_name" required maxlength="200" autocomplete="given-name">
<label for="family_name">${x(t.family)}</label><input type="text" id="family_name" name="family_name" maxlength="200" autocomplete="family-name">
<label for="email">${x(t.email)} <span class="muted">(${x(t.required)})</span></label><input type="email" id="email" name="email" required maxlength="254" autocomplete="email">
<label for="phone">${x(t.phone)}</label><input type="tel" id="phone" name="phone" maxlength="40" autocomplete="tel">
<label for="guests">${x(t.guests)}</label><select id="guests" name="guests">${[0, 1, 2, 3, 4, 5].map((n) => `<option value="${n}">${n}</option>`).join('')}</select>
<label class="check"><input type="checkbox" name="sms_consent" value="1"> <span>${x(SMS_CONSENT_TEXT[lang])}</span></label>
<label class="check"><input type="checkbox" name="newsletter" value="1"> <span>${x(NEWSLETTER_TEXT[lang])}</span></label>
<p class="muted">${x(t.privacy)}</p>
<button type="submit">${x(t.send)}</button>
</form>`;
}

async function eventPage(app: FastifyInstance, request: FastifyRequest, reply: FastifyReply, id: string, error: string | null = null) {
  const lang = siteLangOf(request);
  const base = app.deps.config.publicUrl;
  const found = await withSite(app, async (c, trx) => {
    const e = await findEvent(trx, c.id, id);
    if (!e || (e.status !== 'published' && e.status !== 'cancelled')) return { c, e: null, counts: null };
    return { c, e, counts: (await countsOf(trx, c.id, [e.id])).get(e.id) };
  });
  if (!found) return reply.code(404).send();
  const { c, e, counts } = found;
  if (!e || !counts) return notFoundPage(reply, c.name, lang);
  const t = T[lang];
  const url = `${base}/evenements/${e.id}`;
  const links = addToCalendarLinks(e, url);
  const open = e.status === 'published' && e.end_at > new Date();
  const left = e.capacity === null ? null : Math.max(0, e.capacity - counts.seats_taken);
  const jsonLd = JSON.stringify({
    '@context': 'https://schema.org',
    '@type': 'Event',
    name: e.title,
    startDate: e.start_at.toISOString(),
    endDate: e.end_at.toISOString(),
    eventStatus: e.status === 'cancelled' ? 'https://schema.org/EventCancelled' : 'https://schema.org/EventScheduled',
    eventAttendanceMode:
      e.type === 'online' ? 'https://schema.org/OnlineEventAttendanceMode' : 'https://schema.org/OfflineEventAttendanceMode',
    location:
      e.type === 'online' ? { '@type': 'VirtualLocation', url: e.online_url } : { '@type': 'Place', name: e.venue, address: e.address },
    description: e.description,
  }).replace(/</g, '\\u003c');
  const body = `${CSS}<p><span class="tag">${x(TYPE_LABELS[e.type][lang])}</span></p><h1>${x(e.title)}</h1>
${e.status === 'cancelled' ? `<p class="notice" role="status">${x(t.cancelled)}</p>` : ''}
<dl><dt>${x(t.when)}</dt><dd>${x(whenOf(e, lang))}</dd><dt>${x(t.where)}</dt><dd>${e.type === 'online' ? x(t.online) : x(whereOf(e, lang))}</dd></dl>
${e.description ? `<p>${x(e.description).replace(/\n/g, '<br>')}</p>` : ''}
<h2>${x(t.add)}</h2><p class="calendar"><a href="${x(`/evenements/${e.id}.ics`)}">${x(t.ics)}</a> <a href="${x(links.google)}" rel="noopener">Google Agenda</a> <a href="${x(links.outlook)}" rel="noopener">Outlook</a></p>
<h2 id="rsvp">${x(t.rsvp)}</h2>
${open ? `${left !== null ? `<p>${x(t.seats(left))}</p>` : ''}${rsvpForm(app, e, lang, error)}` : `<p>${x(e.status === 'cancelled' ? t.cancelled : t.closed)}</p>`}
<p><a href="${x(sitePath('/evenements', lang))}">${x(t.back)}</a></p>`;
  return renderSitePage(reply, c.name, {
    status: error ? 400 : 200,
    lang,
    title: e.title,
    description: `${whenOf(e, lang)} — ${whereOf(e, lang)}`.slice(0, 300),
    path: `/evenements/${e.id}`,
    current: 'events',
    head: `<script type="application/ld+json">${jsonLd}</script><link rel="alternate" type="text/calendar" href="${x(`${base}/evenements/${e.id}.ics`)}"><style>${GUARD_CSS}</style>`,
    body,
    // The form's proof of work (the form works without it, under a stricter rate limit).
    scripts: open ? [ALTCHA_SOLVER_PATH] : [],
  });
}

function tokenOf(request: FastifyRequest) {
  const token = (request.params as { token: string }).token;
  return verifyRsvpToken(request.server.deps.config.mailing.tokenSecret, token);
}

export const publicEventRoutes: FastifyPluginAsync = async (app) => {
  const publicEvents = (trx: Trx, campaignId: string) =>
    listEvents(trx, { campaignId, statuses: ['published'], from: new Date(), limit: 200, offset: 0 }).then((r) => r.rows);
  const feedEvents = (trx: Trx, campaignId: string) =>
    listEvents(trx, {
      campaignId,
      statuses: ['published', 'cancelled'],
      from: new Date(Date.now() - 30 * 86400_000),
      limit: 500,
      offset: 0,
    }).then((r) => r.rows);

  app.get('/evenements', { schema: { hide: true } }, async (request, reply) => {
    const lang = siteLangOf(request);
    const t = T[lang];
    const base = app.deps.config.publicUrl;
    const page = await withSite(app, async (c, trx) => {
      const events = await publicEvents(trx, c.id);
      return { c, events, map: await mapSvg(trx, c.id, events, lang) };
    });
    if (!page) return reply.code(404).send();
    const body = `${CSS}<h1>${x(t.events)}</h1><p>${x(t.intro)}</p>
${page.map ? `<h2>${x(t.map)}</h2>${page.map}` : ''}
<h2>${x(t.list)}</h2>${page.events.length ? eventListHtml(page.events, lang) : `<p>${x(t.none)}</p>`}
<p class="muted">${x(t.feeds)}<a href="/evenements.ics">${x(t.cal)}</a> · <a href="/evenements/rss.xml">RSS</a> · <a href="/evenements/atom.xml">Atom</a></p>`;
    return renderSitePage(reply, page.c.name, {
      lang,
      title: t.events,
      description: t.intro,
      path: '/evenements',
      current: 'events',
      head: feedLinks(base),
      body,
    });
  });

  app.get('/evenements.ics', { schema: { hide: true } }, async (_request, reply) => {
    const out = await withSite(app, async (c, trx) =>
      icsOf(await feedEvents(trx, c.id), { publicUrl: app.deps.config.publicUrl, calendarName: c.name }),
    );
    if (out === null) return reply.code(404).send();
    return reply.type('text/calendar; charset=utf-8').header('cache-control', 'public, max-age=300').send(out);
  });
  for (const [path, kind] of [
    ['/evenements/rss.xml', 'rss'],
    ['/evenements/atom.xml', 'atom'],
  ] as const) {
    app.get(path, { schema: { hide: true } }, async (request, reply) => {
      const lang = siteLangOf(request);
      const out = await withSite(app, async (c, trx) => {
        const events = await publicEvents(trx, c.id);
        const o = { publicUrl: app.deps.config.publicUrl, title: `${c.name} — ${T[lang].events}`, lang };
        return kind === 'rss' ? rssOf(events, o) : atomOf(events, o);
      });
      if (out === null) return reply.code(404).send();
      return reply
        .type(kind === 'rss' ? 'application/rss+xml; charset=utf-8' : 'application/atom+xml; charset=utf-8')
        .header('cache-control', 'public, max-age=300')
        .send(out);
    });
  }

  app.get('/evenements/:id', { schema: { hide: true } }, async (request, reply) => {
    const raw = (request.params as { id: string }).id;
    if (raw.endsWith('.ics') && UUID.test(raw.slice(0, -4))) {
      const out = await withSite(app, async (c, trx) => {
        const e = await findEvent(trx, c.id, raw.slice(0, -4));
        return e && (e.status === 'published' || e.status === 'cancelled')
          ? icsOf([e], { publicUrl: app.deps.config.publicUrl, calendarName: c.name })
          : null;
      });
      if (!out) return reply.code(404).type('text/plain').send('Not found');
      return reply
        .type('text/calendar; charset=utf-8')
        .header('content-disposition', `attachment; filename="evenement-${raw}"`)
        .header('cache-control', 'no-cache')
        .send(out);
    }
    if (!UUID.test(raw)) {
      const c = await siteCampaign(app.deps.database.db);
      return notFoundPage(reply, c?.name ?? 'Relais', siteLangOf(request));
    }
    return eventPage(app, request, reply, raw);
  });

  app.post('/evenements/:id/inscription', { schema: { hide: true }, bodyLimit: 16_384 }, async (request, reply) => {
    const id = (request.params as { id: string }).id;
    const lang = siteLangOf(request);
    const body = (request.body ?? {}) as Record<string, unknown>;
    if (!UUID.test(id)) return reply.code(404).send();
    const str = (k: string, max: number) => (typeof body[k] === 'string' ? (body[k] as string).trim().slice(0, max) : '');
    const thanks = (status: string) =>
      reply
        .code(303)
        .header('location', sitePath(`/evenements/${id}/merci?statut=${status}`, lang))
        .send();
    const email = str('email', 254);
    // The site's guard (honeypot, fill time, proof of work, rate limits per address and form): a post
    // it holds back is dropped silently, the visitor (or the robot) seeing the usual answer.
    const verdict = await withSite(app, (c, trx) =>
      guardFormPost(trx, {
        campaignId: c.id,
        form: `event:${id}`,
        clientAddress: request.ip ?? '',
        emailDomain: emailDomainOf(email),
        body,
        secret: app.deps.config.mailing.tokenSecret,
      }),
    );
    if (verdict && verdict.alerts.length > 0)
      await sendFloodAlerts(app.deps.database.db, {
        alerts: verdict.alerts,
        send: (m) => app.deps.mailer.send(m),
        publicUrl: app.deps.config.publicUrl,
        log: (error) => request.log.warn({ err: error }, 'flood alert not sent'),
      });
    if (!verdict?.accepted) return thanks('going');
    const given = str('given_name', 200);
    if (!given || !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) return eventPage(app, request, reply, id, T[lang].error);
    try {
      const result = await withSite(app, (c, trx) =>
        rsvpByDetails(trx, {
          campaignId: c.id,
          eventId: id,
          details: {
            given_name: given,
            family_name: str('family_name', 200) || undefined,
            email,
            phone: str('phone', 40) || undefined,
            guests: Math.max(0, Math.min(5, Number.parseInt(str('guests', 2), 10) || 0)),
            sms_consent: body.sms_consent === '1',
            newsletter: body.newsletter === '1',
          },
          ip: request.ip ?? null,
          userAgent: request.headers['user-agent'] ?? null,
          form: `event:${id}`,
          lang,
          actorLabel: 'site',
          secret: app.deps.config.mailing.tokenSecret,
        }),
      );
      if (!result) return reply.code(404).send();
      await queueNotices((o) => app.deps.jobs.enqueue(o), result.notices).catch((err: unknown) =>
        request.log.warn({ err }, 'event notices not queued'),
      );
      if (result.confirmation?.status === 'sent') {
        await app.deps.mailer
          .send(confirmationMail(app.deps.config.publicUrl, result.confirmation.send))
          .catch((err: unknown) => request.log.warn({ err }, 'confirmation not sent'));
      }
      return thanks(result.rsvp.status === 'waitlisted' ? 'attente' : 'inscrit');
    } catch (error) {
      if (error instanceof AppError && (error.code === 'EVENT_CLOSED' || error.code === 'NOT_FOUND'))
        return eventPage(app, request, reply, id);
      // A field the person record refuses (an e-mail or a phone number that cannot be read): the form again, saying so.
      if (error instanceof AppError && statusOf(error.code) < 500) return eventPage(app, request, reply, id, T[lang].error);
      throw error;
    }
  });

  app.get('/evenements/:id/merci', { schema: { hide: true } }, async (request, reply) => {
    const id = (request.params as { id: string }).id;
    const lang = siteLangOf(request);
    const status = (request.query as { statut?: string }).statut;
    const page = UUID.test(id) ? await withSite(app, async (c, trx) => ({ c, e: await findEvent(trx, c.id, id) })) : null;
    if (!page?.e) return reply.code(404).send();
    const t = T[lang];
    const url = `${app.deps.config.publicUrl}/evenements/${id}`;
    const body = `${CSS}<h1>${x(page.e.title)}</h1><p class="notice" role="status">${x(status === 'attente' ? t.thanksWait : t.thanksGoing)}</p>
<p>${x(t.share)}<a href="mailto:?subject=${encodeURIComponent(page.e.title)}&amp;body=${encodeURIComponent(url)}">e-mail</a> · <a href="${x(`https://wa.me/?text=${encodeURIComponent(`${page.e.title} ${url}`)}`)}" rel="noopener">WhatsApp</a></p>
<p><a href="${x(`/evenements/${id}.ics`)}">${x(t.ics)}</a></p><p><a href="${x(sitePath('/evenements', lang))}">${x(t.back)}</a></p>`;
    reply.header('cache-control', 'no-store');
    return renderSitePage(reply, page.c.name, {
      lang,
      title: page.e.title,
      description: page.e.title,
      path: `/evenements/${id}/merci`,
      current: 'events',
      body,
    });
  });

  // The e-mails' signed links: GET shows (ticket, or a button), POST acts.
  app.get('/evenements/r/:token', { schema: { hide: true } }, async (request, reply) => {
    const lang = siteLangOf(request);
    const token = tokenOf(request);
    const c = await siteCampaign(app.deps.database.db);
    const t = T[lang];
    const data =
      token && c && token.campaignId === c.id
        ? await withSite(app, async (_c, trx) => {
            const rsvp = await findRsvp(trx, token.campaignId, token.rsvpId);
            return rsvp ? { rsvp, e: (await findEvent(trx, token.campaignId, rsvp.event_id)) as EventRow } : null;
          })
        : null;
    if (!c || !token || !data) {
      return renderSitePage(reply, c?.name ?? 'Relais', {
        status: 404,
        lang,
        title: t.badLink,
        description: t.badLink,
        path: '/evenements',
        body: `<h1>${x(t.badLink)}</h1>`,
      });
    }
    reply.header('x-robots-tag', 'noindex');
    const head = `${CSS}<h1>${x(data.e.title)}</h1><p>${x(whenOf(data.e, lang))}<br>${x(whereOf(data.e, lang))}</p>`;
    if (token.action === 'ticket') {
      const raw = (request.params as { token: string }).token;
      const svg = await QRCode.toString(`${app.deps.config.publicUrl}/app/events/${data.e.id}/checkin?t=${raw}`, {
        type: 'svg',
        errorCorrectionLevel: 'M',
        margin: 2,
      });
      const name = [data.rsvp.given_name, data.rsvp.family_name].filter(Boolean).join(' ');
      const body = `${head}<h2>${x(t.ticket)}</h2><div class="ticket" role="img" aria-label="${x(`${t.ticket} — ${name}`)}">${svg}</div><p>${x(name)}${data.rsvp.guests ? ` + ${data.rsvp.guests}` : ''}</p><p class="muted">${x(t.ticketHelp)}</p>`;
      reply.header('cache-control', 'no-store');
      return renderSitePage(reply, c.name, {
        lang,
        title: t.ticket,
        description: data.e.title,
        path: '/evenements',
        current: 'events',
        body,
      });
    }
    const label = t[token.action];
    const body = `${head}<form method="post"><input type="hidden" name="lang" value="${lang}"><button type="submit">${x(label)}</button></form>`;
    reply.header('cache-control', 'no-store');
    return renderSitePage(reply, c.name, { lang, title: label, description: data.e.title, path: '/evenements', current: 'events', body });
  });

  app.post('/evenements/r/:token', { schema: { hide: true }, bodyLimit: 4096 }, async (request, reply) => {
    const lang = siteLangOf(request);
    const token = tokenOf(request);
    const c = await siteCampaign(app.deps.database.db);
    const t = T[lang];
    if (!c || !token || token.campaignId !== c.id || token.action === 'ticket') {
      return renderSitePage(reply, c?.name ?? 'Relais', {
        status: 404,
        lang,
        title: t.badLink,
        description: t.badLink,
        path: '/evenements',
        body: `<h1>${x(t.badLink)}</h1>`,
      });
    }
    const outcome = await withSite(app, async (_c, trx) => {
      const rsvp = await findRsvp(trx, c.id, token.rsvpId);
      if (!rsvp) return null;
      if (token.action === 'no') return { notices: (await cancelRsvp(trx, { campaignId: c.id, rsvpId: rsvp.id })).notices };
      if (token.action === 'attended') {
        await checkIn(trx, { campaignId: c.id, eventId: rsvp.event_id, rsvpId: rsvp.id, actorLabel: 'self' });
        return { notices: [] };
      }
      // "I'm coming": nothing changes for someone holding a seat; someone who had cancelled answers again.
      if (rsvp.status === 'cancelled') {
        return {
          notices: (
            await rsvpPerson(trx, {
              campaignId: c.id,
              eventId: rsvp.event_id,
              personId: rsvp.person_id,
              guests: rsvp.guests,
              source: 'reminder',
              actorLabel: 'site',
            })
          ).notices,
        };
      }
      return { notices: [] };
    }).catch((error: unknown) => {
      if (error instanceof AppError && error.code === 'EVENT_CLOSED') return { notices: [] };
      throw error;
    });
    if (!outcome)
      return renderSitePage(reply, c.name, {
        status: 404,
        lang,
        title: t.badLink,
        description: t.badLink,
        path: '/evenements',
        body: `<h1>${x(t.badLink)}</h1>`,
      });
    await queueNotices((o) => app.deps.jobs.enqueue(o), outcome.notices).catch((err: unknown) =>
      request.log.warn({ err }, 'event notices not queued'),
    );
    reply.header('cache-control', 'no-store');
    return renderSitePage(reply, c.name, {
      lang,
      title: t.done[token.action],
      description: t.done[token.action],
      path: '/evenements',
      current: 'events',
      body: `<h1>${x(t.done[token.action])}</h1><p><a href="${x(sitePath('/evenements', lang))}">${x(t.back)}</a></p>`,
    });
  });
};

export { signRsvpToken };

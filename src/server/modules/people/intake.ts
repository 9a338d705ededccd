// Adding a person by hand (a market stall, a phone call): identity, contacts, address, tags, the
// consents collected with their proof, and a first note, in one transaction. Every mistake of the
// form is reported at once (PERSON_INVALID with `errors`, one JSON pointer each), not one per try.
import type { ConsentChannel, ConsentStatus } from '../../../shared/enums.ts';
import type { Trx } from '../../db/database.ts';
import { AppError } from '../../http/problem.ts';
import { recordConsents } from '../consent/index.ts';
import { addNote, pastInstant } from './contacts.ts';
import { personDesignatedByEmail } from './matching.ts';
import type { PersonRow } from './normalize.ts';
import { isCampaignWide } from './people.policy.ts';
import {
  addMemberships,
  contactColumns,
  createPerson,
  type PeopleActor,
  type PersonFieldError,
  type PersonInput,
} from './people.service.ts';

export interface IntakeConsent {
  channel: ConsentChannel;
  status: ConsentStatus;
  /** How it was collected: paper, door, phone, event, form, email, manual. */
  source: string;
  /** Where and on what: "Formulaire papier, marché d'Aligre". Required for a consent given. */
  form?: string | undefined;
  /** The exact words the person agreed to. */
  text_shown?: string | undefined;
  /** When it was given (the date on the paper form); default now. */
  at?: string | undefined;
}

export interface IntakeInput {
  person: PersonInput;
  tag_ids?: string[] | undefined;
  consents?: IntakeConsent[] | undefined;
  note?: string | undefined;
}

/** Every mistake of an intake, each at its pointer (empty when the person can be created). */
async function intakeErrors(trx: Trx, actor: PeopleActor, input: IntakeInput): Promise<PersonFieldError[]> {
  const p = input.person;
  const { columns, errors } = contactColumns(p, p.postal_addresses?.[0]?.country ?? 'FR', '/person');
  const named = [p.given_name, p.family_name].some((n) => n?.trim());
  if (!named && !columns.email && !columns.phone && !errors.length) {
    errors.push({ pointer: '/person/family_name', code: 'NAME_MISSING', message: 'Give a name, an e-mail or a phone number.' });
  }
  if (typeof columns.email === 'string') {
    const other = await personDesignatedByEmail(trx, actor.campaignId, columns.email);
    if (other !== undefined) {
      const index = Math.max(0, p.email_addresses?.findIndex((e) => e.primary) ?? 0);
      errors.push({
        pointer: `/person/email_addresses/${index}/address`,
        code: 'DUPLICATE_EMAIL',
        message: `Another person of the campaign already has the e-mail ${columns.email}.`,
        value: columns.email,
        // Only a campaign-wide actor learns who (see emailConflict in people.service.ts).
        ...(isCampaignWide(actor) ? { person_id: other } : {}),
      });
    }
  }
  const address = p.postal_addresses?.[0];
  const reachable: Record<ConsentChannel, boolean> = {
    email: typeof columns.email === 'string',
    sms: typeof columns.phone === 'string',
    phone: typeof columns.phone === 'string',
    post: Boolean(address?.address_lines?.some((l) => l.trim()) && address?.postal_code?.trim()),
  };
  for (const [i, c] of (input.consents ?? []).entries()) {
    if (c.status === 'given' && !reachable[c.channel]) {
      errors.push({
        pointer: `/consents/${i}/channel`,
        code: 'CONSENT_UNREACHABLE',
        message: `A consent for ${c.channel} needs the matching contact detail.`,
      });
    }
    if (c.status === 'given' && !c.form?.trim()) {
      errors.push({ pointer: `/consents/${i}/form`, code: 'CONSENT_PROOF_MISSING', message: 'Say how the consent was collected.' });
    }
    try {
      pastInstant(c.at);
    } catch {
      errors.push({ pointer: `/consents/${i}/at`, code: 'DATE_INVALID', message: 'The date must not be in the future.', value: c.at });
    }
  }
  const tagIds = input.tag_ids ?? [];
  if (tagIds.length > 0) {
    const found = new Set(
      (
        await trx
          .selectFrom('tag')
          .select('id')
          .where('campaign_id', '=', actor.campaignId)
          .where('id', 'in', [...new Set(tagIds)])
          .execute()
      ).map((t) => t.id),
    );
    tagIds.forEach((id, i) => {
      if (!found.has(id)) errors.push({ pointer: `/tag_ids/${i}`, code: 'NOT_FOUND', message: 'No such tag.', value: id });
    });
  }
  return errors;
}

/** Creates a person entered by hand, with tags, consents (and their proof) and a note; or PERSON_INVALID listing every mistake. */
export async function intakePerson(trx: Trx, actor: PeopleActor, input: IntakeInput): Promise<PersonRow> {
  const errors = await intakeErrors(trx, actor, input);
  if (errors.length > 0) {
    throw new AppError('PERSON_INVALID', errors.map((e) => e.message).join('; '), { errors });
  }
  const person = await createPerson(trx, actor, { source: 'manual', ...input.person });
  await addMemberships(trx, actor.campaignId, [person.id], [...new Set(input.tag_ids ?? [])], []);
  await recordConsents(
    trx,
    (input.consents ?? []).map((c) => ({
      campaignId: actor.campaignId,
      personId: person.id,
      channel: c.channel,
      status: c.status,
      source: c.source,
      proof: { form: c.form?.trim() || undefined, text_shown: c.text_shown?.trim() || undefined, entered_by: actor.label },
      actorLabel: actor.label,
      at: pastInstant(c.at),
    })),
  );
  if (input.note?.trim()) {
    await addNote(trx, { campaignId: actor.campaignId, personId: person.id, text: input.note, actorLabel: actor.label });
  }
  return person;
}

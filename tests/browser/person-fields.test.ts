// A person's custom field values as campaign staff fill them: the director defines a text, a number,
// a date and a choice field in the settings, fills them on a person page (a number typed as words is
// refused next to its field and nothing typed is lost; a half-typed date is not taken for a cleared
// one), reloads and sees them, then clears two; a community manager sees the values but cannot edit;
// the same screens in English and on a phone; the leftover value of a deleted field removed.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../src/server/modules/demo/demo.campaign.ts';
import { type BrowserHarness, fillNewCustomField, login, startHarness } from './harness.ts';

const DIRECTOR = 'directrice@demo.relais.fr';
const COMMUNITY_MANAGER = 'cm@demo.relais.fr';

describe('custom field values on the person page', () => {
  let h: BrowserHarness;
  let personId: string;

  beforeAll(async () => {
    h = await startHarness({ peopleCount: 300 });
    const person = await h.runtime.database.db
      .selectFrom('person')
      .select('id')
      .where('campaign_id', '=', h.campaignId)
      .where('family_name', '<>', '')
      .orderBy('id')
      .executeTakeFirstOrThrow();
    personId = person.id;
  });
  afterAll(async () => {
    await h?.close();
  });

  const signIn = async (email: string, options?: { width?: number; height?: number; locale?: string }) => {
    const page = await h.newPage(options);
    await login(page, email, DEMO_PASSWORD);
    await page.getByRole('navigation', { name: /navigation principale|main navigation/i }).waitFor();
    return page;
  };
  /** The person as stored. */
  const row = () =>
    h.runtime.database.db
      .selectFrom('person')
      .select(['custom_fields', 'email'])
      .where('campaign_id', '=', h.campaignId)
      .where('id', '=', personId)
      .executeTakeFirstOrThrow();
  const stored = async () => (await row()).custom_fields;
  const shown = (page: Page, key: string) => page.getByTestId(`custom-field-${key}`).innerText();
  const openPerson = async (page: Page) => {
    await page.goto(`/app/people/${personId}`);
    await page.getByTestId('person-name').waitFor();
    await page.getByTestId('custom-fields').waitFor();
  };

  it('defines fields, fills them on a person with a clear error for a bad number, reloads, then clears two', async () => {
    const page = await signIn(DIRECTOR);
    await page.goto('/app/settings/fields');
    for (const [label, type, choices] of [
      ['Profession', /^texte$/i, []],
      ['Nombre d’enfants', /^nombre$/i, []],
      ['Adhésion', /^date$/i, []],
      ['Taille de t-shirt', /^choix dans une liste$/i, ['S', 'M', 'L']],
    ] as const) {
      const dialog = await fillNewCustomField(page, label, type, choices);
      await dialog.getByRole('button', { name: /^créer$/i }).click();
      await dialog.waitFor({ state: 'detached' });
    }
    await expect.poll(() => page.getByTestId('field-row').count()).toBe(4);

    // Nothing filled yet: each field shows under its label, empty.
    await openPerson(page);
    expect(await shown(page, 'profession')).toMatch(/^Profession\s+—$/);
    expect(await shown(page, 'taille_de_t_shirt')).toMatch(/^Taille de t-shirt\s+—$/);
    const section = page.getByTestId('custom-fields');
    await section.getByRole('button', { name: /^modifier les champs personnalisés$/i }).click();

    const profession = section.getByRole('textbox', { name: /^profession$/i });
    const children = section.getByRole('textbox', { name: /^nombre d’enfants/i });
    const joined = section.getByLabel(/^adhésion$/i);
    const size = section.getByRole('combobox', { name: /^taille de t-shirt$/i });
    await profession.fill('Libraire');
    await children.fill('deux');
    await joined.fill('2024-03-15');
    expect(await size.locator('option').allInnerTexts()).toEqual(['— Aucune valeur —', 'S', 'M', 'L']);
    await size.selectOption('M');
    await section.getByRole('button', { name: /^enregistrer$/i }).click();

    // The server refuses the number: said next to it (and the field is focused), nothing is saved, nothing typed is lost.
    const childrenError = page.getByText('Saisissez un nombre, par exemple 42 ou 3,5.');
    await childrenError.waitFor();
    expect(await children.getAttribute('aria-invalid')).toBe('true');
    expect(await children.getAttribute('aria-describedby')).toContain(await childrenError.getAttribute('id'));
    expect(await children.evaluate((el) => el === document.activeElement)).toBe(true);
    expect(await section.getByRole('alert').innerText()).toContain('rien n’a été enregistré');
    expect(await stored()).toEqual({});
    expect([await profession.inputValue(), await children.inputValue(), await joined.inputValue(), await size.inputValue()]).toEqual([
      'Libraire',
      'deux',
      '2024-03-15',
      'M',
    ]);
    await h.shot(page, 'person-fields-01-invalid-number');

    // Corrected the French way; the error goes as soon as the field changes.
    await children.fill('2,5');
    expect(await childrenError.count()).toBe(0);
    await section.getByRole('button', { name: /^enregistrer$/i }).click();
    await section.getByText('Champs enregistrés.').waitFor();
    expect(await stored()).toEqual({ profession: 'Libraire', nombre_d_enfants: 2.5, adhesion: '2024-03-15', taille_de_t_shirt: 'M' });

    await page.reload();
    await page.getByTestId('custom-field-profession').waitFor();
    expect(await shown(page, 'profession')).toMatch(/^Profession\s+Libraire$/);
    expect(await shown(page, 'nombre_d_enfants')).toMatch(/^Nombre d’enfants\s+2,5$/);
    expect(await shown(page, 'adhesion')).toMatch(/^Adhésion\s+15 mars 2024$/);
    expect(await shown(page, 'taille_de_t_shirt')).toMatch(/^Taille de t-shirt\s+M$/);
    await h.shot(page, 'person-fields-02-view-fr');
    // The edit is on the timeline, with the fields it changed by their labels, and who made it.
    const edited = page.getByTestId('person-timeline').locator('.mantine-Timeline-item').filter({ hasText: 'Fiche modifiée' });
    await edited.first().waitFor();
    expect(await edited.count()).toBe(1);
    expect(await edited.innerText()).toMatch(/Adhésion, Nombre d’enfants, Profession, Taille de t-shirt/);
    expect(await edited.innerText()).toContain(DIRECTOR);
    await h.shot(page, 'person-fields-02b-timeline-fr');

    // A half-typed date reads as empty in the browser: refused, not taken for a cleared date.
    await section.getByRole('button', { name: /^modifier les champs personnalisés$/i }).click();
    expect(await children.inputValue()).toBe('2,5');
    await joined.click();
    await page.keyboard.press('Backspace');
    expect(await joined.inputValue()).toBe('');
    await section.getByRole('button', { name: /^enregistrer$/i }).click();
    await section.getByText('Saisissez une date complète et valide.').waitFor();
    expect((await stored()).adhesion).toBe('2024-03-15');

    // Clearing: the empty choice and an emptied text remove the values; the others stay.
    await joined.fill('2024-03-15');
    await size.selectOption({ label: '— Aucune valeur —' });
    await profession.fill('');
    await h.shot(page, 'person-fields-03-edit-fr');
    await section.getByRole('button', { name: /^enregistrer$/i }).click();
    await section.getByText('Champs enregistrés.').waitFor();
    expect(await stored()).toEqual({ nombre_d_enfants: 2.5, adhesion: '2024-03-15' });
    await page.reload();
    await page.getByTestId('custom-field-profession').waitFor();
    expect(await shown(page, 'profession')).toMatch(/^Profession\s+—$/);
    expect(await shown(page, 'taille_de_t_shirt')).toMatch(/^Taille de t-shirt\s+—$/);
    expect(await shown(page, 'nombre_d_enfants')).toMatch(/2,5$/);
  });

  it('shows the values to a community manager, who cannot edit them', async () => {
    const page = await signIn(COMMUNITY_MANAGER);
    await openPerson(page);
    expect(await shown(page, 'adhesion')).toMatch(/^Adhésion\s+15 mars 2024$/);
    expect(await page.getByTestId('custom-fields').getByRole('button').count()).toBe(0);
  });

  it('reads and edits the fields in English and on a phone', async () => {
    // The language is the user's, saved on the server: switch it through the menu, as people do.
    const useLanguage = async (page: Page, locale: 'fr' | 'en') => {
      await page.getByRole('button', { name: /langue|language/i }).click();
      await page.getByRole('menuitem', { name: locale === 'en' ? /english/i : /français/i }).click();
      await expect.poll(() => page.locator('html').getAttribute('lang')).toBe(locale);
      const saved = () =>
        h.runtime.database.db.selectFrom('staff_user').select('locale').where('email', '=', DIRECTOR).executeTakeFirstOrThrow();
      await expect.poll(async () => (await saved()).locale).toBe(locale);
    };
    const onPhone = async (name: 'fr' | 'en') => {
      const phone = await signIn(DIRECTOR, { width: 390, height: 844 });
      await openPerson(phone);
      await h.shot(phone, `person-fields-06-view-phone-${name}`);
      const section = phone.getByTestId('custom-fields');
      await section.getByRole('button', { name: /^(modifier les champs personnalisés|edit the custom fields)$/i }).click();
      const children = section.getByRole('textbox', { name: /^nombre d’enfants/i });
      await children.fill('trois');
      await section.getByRole('button', { name: /^(enregistrer|save)$/i }).click();
      await section
        .getByText(name === 'fr' ? 'Saisissez un nombre, par exemple 42 ou 3,5.' : 'Enter a number, for example 42 or 3.5.')
        .waitFor();
      expect(await children.inputValue()).toBe('trois');
      await h.shot(phone, `person-fields-07-edit-phone-${name}`);
    };

    await onPhone('fr');
    const desktop = await signIn(DIRECTOR);
    await openPerson(desktop);
    await useLanguage(desktop, 'en');
    expect(await shown(desktop, 'nombre_d_enfants')).toMatch(/^Nombre d’enfants\s+2\.5$/);
    expect(await shown(desktop, 'adhesion')).toMatch(/^Adhésion\s+15 Mar 2024$/);
    const edits = desktop.getByTestId('person-timeline').locator('.mantine-Timeline-item').filter({ hasText: 'Record updated' });
    await edits.first().waitFor();
    expect(await edits.count()).toBe(2);
    await h.shot(desktop, 'person-fields-04-view-en');
    const section = desktop.getByTestId('custom-fields');
    await section.getByRole('button', { name: /^edit the custom fields$/i }).click();
    expect(await section.getByRole('textbox', { name: /^nombre d’enfants/i }).inputValue()).toBe('2.5');
    const size = section.getByRole('combobox', { name: /^taille de t-shirt$/i });
    expect(await size.locator('option').first().innerText()).toBe('— No value —');
    await h.shot(desktop, 'person-fields-05-edit-en');
    await onPhone('en');
    // Back to French for whatever runs next.
    await section.getByRole('button', { name: /^cancel$/i }).click();
    await useLanguage(desktop, 'fr');
    expect((await stored()).nombre_d_enfants).toBe(2.5);
  });

  it('shows the value of a field deleted from the settings, and removes it on request', async () => {
    const page = await signIn(DIRECTOR);
    await page.goto('/app/settings/fields');
    await page.getByRole('button', { name: /^supprimer adhésion$/i }).click();
    await page
      .getByRole('dialog', { name: /supprimer le champ/i })
      .getByRole('button', { name: /^supprimer$/i })
      .click();
    await expect.poll(() => page.getByTestId('field-row').count()).toBe(3);
    // Deleting a field keeps its values on people until edited: shown under the key, marked.
    await openPerson(page);
    expect(await shown(page, 'adhesion')).toMatch(/^adhesion \(champ supprimé\)\s+2024-03-15$/);
    const section = page.getByTestId('custom-fields');
    await section.getByRole('button', { name: /^modifier les champs personnalisés$/i }).click();
    await section.getByRole('button', { name: /^retirer la valeur « adhesion »$/i }).click();
    expect(await section.getByTestId('custom-leftover-adhesion').innerText()).toContain('Sera retirée à l’enregistrement');
    await h.shot(page, 'person-fields-08-deleted-field');
    await section.getByRole('button', { name: /^enregistrer$/i }).click();
    await section.getByText('Champs enregistrés.').waitFor();
    expect(await stored()).toEqual({ nombre_d_enfants: 2.5 });
    expect(await page.getByTestId('custom-field-adhesion').count()).toBe(0);
  });

  it('edits the identity: an accented e-mail is taken; a bad or taken one is refused next to its field, in French then English', async () => {
    const other = await h.runtime.database.db
      .selectFrom('person')
      .select('email')
      .where('campaign_id', '=', h.campaignId)
      .where('id', '<>', personId)
      .where('email', 'is not', null)
      .orderBy('id')
      .executeTakeFirstOrThrow();
    const email = async () => (await row()).email;
    let kept = await email();
    const page = await signIn(DIRECTOR);
    await openPerson(page);
    const editIdentity = async (name: RegExp) => {
      await page.getByRole('button', { name }).first().click();
      return page.getByRole('dialog');
    };
    let dialog = await editIdentity(/^modifier$/i);
    const input = dialog.getByRole('textbox', { name: /^e-mail$/i });
    const refusedWith = async (value: string, message: string) => {
      await input.fill(value);
      await dialog.getByRole('button', { name: /^(enregistrer|save)$/i }).click();
      const error = dialog.getByText(message);
      await error.waitFor();
      expect(await input.getAttribute('aria-invalid')).toBe('true');
      expect(await input.getAttribute('aria-describedby')).toContain(await error.getAttribute('id'));
      expect(await input.evaluate((el) => el === document.activeElement)).toBe(true);
      expect(await input.inputValue()).toBe(value);
      expect(await email()).toBe(kept);
    };
    await refusedWith('jean..dupont@exemple.fr', 'Adresse e-mail invalide, par exemple prenom.nom@exemple.fr.');
    await h.shot(page, 'person-identity-01-invalid-email-fr');
    // Typing again takes the error away.
    await input.pressSequentially('x');
    expect(await input.getAttribute('aria-invalid')).not.toBe('true');
    await refusedWith(other.email as string, 'Une autre personne a déjà cette adresse e-mail.');

    // The browser's own check would refuse an accented address: the server's rule applies, and takes it.
    await input.fill('Élodie.Dürr@Exemple.fr');
    await dialog.getByRole('button', { name: /^enregistrer$/i }).click();
    await dialog.waitFor({ state: 'detached' });
    await expect.poll(email).toBe('élodie.dürr@exemple.fr');
    kept = 'élodie.dürr@exemple.fr';
    await page.getByRole('link', { name: 'élodie.dürr@exemple.fr' }).waitFor();
    await h.shot(page, 'person-identity-02-accented-email-fr');

    await h.runtime.database.db.updateTable('staff_user').set({ locale: 'en' }).where('email', '=', DIRECTOR).execute();
    try {
      await page.reload();
      await page.getByTestId('person-name').waitFor();
      dialog = await editIdentity(/^edit$/i);
      await refusedWith('élodie@', 'Not a valid e-mail address, e.g. first.last@example.org.');
      const phone = dialog.getByRole('textbox', { name: /^phone$/i });
      await input.fill('élodie.dürr@exemple.fr');
      await phone.fill('06 12');
      await dialog.getByRole('button', { name: /^save$/i }).click();
      await dialog.getByText('Not a valid number, e.g. 06 12 34 56 78 or +32 470 12 34 56.').waitFor();
      expect(await phone.getAttribute('aria-invalid')).toBe('true');
      expect(await input.getAttribute('aria-invalid')).not.toBe('true');
      await h.shot(page, 'person-identity-03-invalid-phone-en');

      // Several refused at once (a merged person has several e-mails): each said beside its own entry.
      await dialog.getByRole('button', { name: /^add an e-mail$/i }).click();
      const second = dialog.getByRole('textbox', { name: /^e-mail 2$/i });
      await second.fill('bad@');
      await dialog.getByRole('button', { name: /^save$/i }).click();
      const secondError = dialog.getByText('Not a valid e-mail address, e.g. first.last@example.org.');
      await secondError.waitFor();
      expect(await second.getAttribute('aria-invalid')).toBe('true');
      expect(await second.getAttribute('aria-describedby')).toContain(await secondError.getAttribute('id'));
      expect(await phone.getAttribute('aria-invalid')).toBe('true');
      expect(await dialog.getByRole('textbox', { name: /^e-mail 1$/i }).getAttribute('aria-invalid')).not.toBe('true');
      // The first refused entry has the focus.
      expect(await second.evaluate((el) => el === document.activeElement)).toBe(true);
      await h.shot(page, 'person-identity-04-two-refused-en');
      expect(await email()).toBe(kept);
      await dialog.getByRole('button', { name: /^cancel$/i }).click();
    } finally {
      await h.runtime.database.db.updateTable('staff_user').set({ locale: 'fr' }).where('email', '=', DIRECTOR).execute();
    }
  });
});

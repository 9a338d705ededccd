// The composer's pure parts: merge tags (known list, fallbacks, escaping), the plain-text part made
// from HTML, and the signed tokens (unsubscribe links, VERP return paths) refusing any change.
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { htmlToText } from './html-text.ts';
import { extractMergeTags, fillMergeTags, type MergeTagUse, unknownMergeTags } from './merge-tags.ts';
import { brandOf, renderTemplate } from './render.ts';
import { readUnsubscribeToken, readVerpToken, recipientOfAddress, returnPathOf, unsubscribeToken, verpToken } from './tokens.ts';

const SECRET = 'render-test-secret-of-at-least-32-characters';
const CAMPAIGN = '0190f0a2-1111-7222-8333-444455556666';
const RECIPIENT = '0190f0a2-aaaa-7bbb-8ccc-ddddeeeeffff';

describe('merge tags', () => {
  it('knows a closed list of tags and refuses the others, malformed or cut', () => {
    expect(unknownMergeTags('Bonjour {{given_name}} {{ family_name | "x" }} {{email|"a@b"}}')).toEqual([]);
    expect(unknownMergeTags('Bonjour {{prenom}}, {{given_name|Bonjour}}')).toEqual(['{{prenom}}', '{{given_name|Bonjour}}']);
    expect(unknownMergeTags('Bonjour {{given_name')).toEqual(['{{']);
  });

  it('fills values, else fallbacks, escaped in HTML only', () => {
    const uses: MergeTagUse[] = [];
    const text = extractMergeTags('Bonjour {{given_name|"à vous"}} ({{email}})', uses);
    expect(text).toBe('Bonjour %%mt0%% (%%mt1%%)');
    expect(fillMergeTags(text, uses, { given_name: '<Zoé & "Léa">', email: null }, 'html')).toBe(
      'Bonjour &#60;Zoé &#38; &#34;Léa&#34;&#62; ()',
    );
    expect(fillMergeTags(text, uses, { given_name: '  ', email: 'z@x.fr' }, 'text')).toBe('Bonjour à vous (z@x.fr)');
  });
});

describe('plain-text part', () => {
  it('keeps the text, links as "label (url)", images as their alt, and drops head, styles and the hidden preheader', () => {
    const html = `<!doctype html><html><head><title>T</title><style>p{color:red}</style></head><body>
      <div style="display:none;max-height:0">Le préheader</div>
      <table><tr><td><h1>Titre &amp; sous-titre</h1></td></tr>
      <tr><td><p>Ligne 1<br/>Ligne&nbsp;2 &#8217;</p></td></tr>
      <tr><td><a href="https://x.fr/a?b=1&amp;c=2">Agir</a> <img src="i.png" alt="Logo"/></td></tr></table><hr/></body></html>`;
    expect(htmlToText(html)).toBe('Titre & sous-titre\n\nLigne 1\nLigne 2 ’\n\nAgir (https://x.fr/a?b=1&c=2) [Logo]\n\n----------');
  });
});

describe('tokens', () => {
  it('reads back what it signed and refuses any change', () => {
    const token = unsubscribeToken(SECRET, CAMPAIGN, RECIPIENT);
    expect(readUnsubscribeToken(SECRET, token)).toEqual({ campaignId: CAMPAIGN, recipientId: RECIPIENT });
    expect(readUnsubscribeToken('another-secret-of-at-least-32-characters!', token)).toBeNull();
    for (let i = 0; i < token.length; i += 7) {
      const flipped = token.slice(0, i) + (token[i] === 'A' ? 'B' : 'A') + token.slice(i + 1);
      expect(readUnsubscribeToken(SECRET, flipped)).toBeNull();
    }
    expect(readUnsubscribeToken(SECRET, token.slice(1))).toBeNull();
  });

  it('makes VERP return paths within 64 octets that survive a change of case', () => {
    const address = returnPathOf(SECRET, 'rebonds.campagne.fr', RECIPIENT);
    expect((address.split('@')[0] ?? '').length).toBeLessThanOrEqual(64);
    expect(recipientOfAddress(SECRET, address.toUpperCase())).toEqual({ kind: 'bounce', recipientId: RECIPIENT });
    expect(recipientOfAddress(SECRET, `<unsubscribe+${verpToken(SECRET, RECIPIENT)}@rebonds.campagne.fr>`)).toEqual({
      kind: 'unsubscribe',
      recipientId: RECIPIENT,
    });
    const token = verpToken(SECRET, RECIPIENT);
    expect(readVerpToken(SECRET, `${token.slice(0, -1)}${token.endsWith('a') ? 'b' : 'a'}`)).toBeNull();
    expect(recipientOfAddress(SECRET, 'postmaster@rebonds.campagne.fr')).toBeNull();
  });
});

describe('MJML written by hand', () => {
  it('never reads a server file through mj-include, and still gets the footer', async () => {
    const file = path.join(tmpdir(), `relais-include-${process.pid}.html`);
    writeFileSync(file, '<p>SECRET-FROM-THE-SERVER</p>');
    const brand = brandOf({ name: 'Campagne', settings: {} }, 'https://relais.test');
    const template = await renderTemplate(
      {
        subject: 'x',
        preheader: '',
        format: 'mjml',
        content: {
          mjml: `<mjml><mj-body><mj-include path="${file}" type="html" /><mj-section><mj-column><mj-text>Salut</mj-text></mj-column></mj-section></mj-body></mjml>`,
        },
      },
      brand,
    );
    expect(template.html).not.toContain('SECRET-FROM-THE-SERVER');
    expect(template.text).toContain('Salut');
    expect(template.text).toContain('Vous recevez ce message car');
  });
});

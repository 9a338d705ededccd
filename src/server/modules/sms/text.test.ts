// Encoding, segments, cost and replacements of SMS texts; STOP replies, senders and bodies (French rules).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { composeBody, isFrenchMobile, isStopReply, senderKindOf } from './rules.ts';
import { analyseText, applyReplacements, costOf, countSegments, isGsm7, suggestReplacements } from './text.ts';

const GSM_BASIC =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
const GSM_EXT = '^{}\\[~]|€';

describe('encoding', () => {
  it('keeps a French text with é è à ù Ç in GSM-7', () => {
    expect(countSegments('Réunion à 19h, café offert. Ça démarre !').encoding).toBe('GSM-7');
  });

  it.each([
    ['ê', 'Fête'],
    ['ç', 'garçon'],
    ['œ', 'cœur'],
    ['’', 'l’école'],
    ['«', '« oui'],
    ['»', 'oui »'],
    ['no-break space', 'oui\u00a0!'],
    ['narrow no-break space', 'oui\u202f!'],
  ])('%s forces UCS-2', (_name, text) => {
    expect(countSegments(text).encoding).toBe('UCS-2');
  });

  it('counts 160/153 GSM-7 septets and 70/67 UCS-2 units a segment', () => {
    const seg = (t: string) => countSegments(t).segments;
    expect(seg('a'.repeat(160))).toBe(1);
    expect(seg('a'.repeat(161))).toBe(2);
    expect(seg('a'.repeat(306))).toBe(2);
    expect(seg('a'.repeat(307))).toBe(3);
    expect(seg('ê'.repeat(70))).toBe(1);
    expect(seg('ê'.repeat(71))).toBe(2);
    expect(seg('ê'.repeat(134))).toBe(2);
    expect(seg('ê'.repeat(135))).toBe(3);
    expect(seg('')).toBe(0);
  });

  it('counts extension characters double and never splits one across segments', () => {
    expect(countSegments('€'.repeat(80))).toMatchObject({ encoding: 'GSM-7', units: 160, segments: 1 });
    // 81 € = 162 septets: 76 a segment (152, the 153rd septet cannot hold an escape and its character).
    expect(countSegments('€'.repeat(81)).segments).toBe(2);
    expect(countSegments('€'.repeat(153)).segments).toBe(3);
    expect(countSegments(`${'a'.repeat(152)}€${'a'.repeat(10)}`)).toMatchObject({ units: 164, segments: 2 });
  });

  it('never splits a surrogate pair (emoji) across UCS-2 segments', () => {
    // 66 units then an emoji of 2: the emoji goes to the second segment.
    expect(countSegments(`${'ê'.repeat(66)}🙂${'ê'.repeat(67)}`).segments).toBe(3);
  });

  it('GSM-7 units are the characters plus the extension ones (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...GSM_BASIC, ...GSM_EXT), { maxLength: 600 }), (chars) => {
        const text = chars.join('');
        const ext = chars.filter((c) => GSM_EXT.includes(c)).length;
        const count = countSegments(text);
        expect(count.encoding).toBe('GSM-7');
        expect(count.units).toBe(chars.length + ext);
        if (count.units > 0 && count.units <= 160) expect(count.segments).toBe(1);
        if (count.units > 160) {
          expect(count.segments).toBeGreaterThanOrEqual(Math.ceil(count.units / 153));
          expect(count.segments).toBeLessThanOrEqual(Math.ceil(count.units / 152));
        }
      }),
    );
  });

  it('UCS-2 segments hold at most 67 units each (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 300 }), (s) => {
        const text = `ê${s}`;
        const count = countSegments(text);
        expect(count.encoding).toBe('UCS-2');
        expect(count.units).toBe(text.length);
        if (count.units > 70) expect(count.segments).toBeGreaterThanOrEqual(Math.ceil(count.units / 67));
      }),
    );
  });
});

describe('replacements', () => {
  it('brings the usual French typography back to GSM-7', () => {
    const text = 'L’équipe vous dit « à bientôt »\u00a0! Le cœur de la fête\u202f: ça commence…';
    const { replacements, unreplaceable } = suggestReplacements(text);
    expect(unreplaceable).toEqual([]);
    expect(replacements.map((r) => r.from)).toEqual(expect.arrayContaining(['’', '«', '»', '\u00a0', '\u202f', 'œ', 'ê', 'ç', '…']));
    const replaced = applyReplacements(text);
    expect(replaced).toBe('L\'équipe vous dit "à bientot" ! Le coeur de la fete : ca commence...');
    expect(isGsm7(replaced)).toBe(true);
  });

  it('names what nothing replaces (emoji) and leaves it', () => {
    const { unreplaceable } = suggestReplacements('Merci 🙏 ’');
    expect(unreplaceable).toEqual(['🙏']);
    expect(applyReplacements('Merci 🙏 ’')).toBe("Merci 🙏 '");
  });

  it('any text of GSM characters and replaceable ones becomes GSM-7 (property)', () => {
    const replaceable = ['’', '‘', '«', '»', '“', '”', '\u00a0', '\u202f', 'œ', 'Œ', 'ê', 'ç', 'â', 'î', 'ô', 'û', 'ë', 'ï', '–', '—', '…'];
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...GSM_BASIC, ...replaceable), { maxLength: 300 }), (chars) => {
        const text = chars.join('');
        expect(isGsm7(applyReplacements(text))).toBe(true);
        expect(suggestReplacements(text).unreplaceable).toEqual([]);
      }),
    );
  });

  it('prices segments × recipients × price', () => {
    expect(costOf(2, 1000, 0.065)).toBe(130);
    expect(analyseText('ê'.repeat(71), { recipients: 10, pricePerSegment: 0.05 })).toMatchObject({
      encoding: 'UCS-2',
      segments: 2,
      cost: 1,
      replaced_encoding: 'GSM-7',
      replaced_segments: 1,
    });
  });
});

describe('STOP replies', () => {
  it.each([
    'STOP',
    'stop',
    ' Stop ',
    'STOP SMS',
    'stop  sms',
    'ARRET',
    'Arrêt',
    'ARRÊT',
    'arrêt.',
    'STOPALL',
    'DESABONNER',
    'désabonner',
    'DÉSABONNER',
    'UNSUBSCRIBE',
    'end',
    'Cancel',
    'QUIT',
    'Stop !',
  ])('« %s » asks to stop', (reply) => expect(isStopReply(reply)).toBe(true));

  it.each(['Ne stoppez pas', 'stop ou encore ?', 'Merci, à samedi', 'STOPPER', 'la fin', ''])('« %s » does not', (reply) =>
    expect(isStopReply(reply)).toBe(false),
  );
});

describe('senders and bodies', () => {
  it('refuses a French mobile as sender, takes an alphanumeric ID, a short code or a landline', () => {
    expect(senderKindOf('06 12 34 56 78').kind).toBeNull();
    expect(senderKindOf('+33712345678').kind).toBeNull();
    expect(senderKindOf('Paris2026')).toEqual({ kind: 'alphanumeric' });
    expect(senderKindOf('36180')).toEqual({ kind: 'short_code' });
    expect(senderKindOf('01 44 55 66 77')).toEqual({ kind: 'long_number' });
    expect(senderKindOf('Beaucoup trop long').kind).toBeNull();
    expect(isFrenchMobile('+33612345678')).toBe(true);
    expect(isFrenchMobile('+33144556677')).toBe(false);
  });

  it('names the sender and says how to stop when the text does not', () => {
    expect(composeBody('Meeting ce soir 19h', { senderName: 'Paris Ensemble', stopNumber: '36180' })).toBe(
      'Paris Ensemble : Meeting ce soir 19h\nSTOP au 36180',
    );
    const already = 'Paris Ensemble vous invite ce soir. STOP au 36180';
    expect(composeBody(already, { senderName: 'Paris Ensemble', stopNumber: '36180' })).toBe(already);
    expect(composeBody('paris ensemble : réunion', { senderName: 'Paris Ensemble', stopNumber: '36180' })).toBe(
      'paris ensemble : réunion\nSTOP au 36180',
    );
  });
});

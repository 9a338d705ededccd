// Pure pieces of the import: value cleaning, the streaming CSV parser, separator detection, the
// automatic mapping of French headers and the row reader.
import { describe, expect, it } from 'vitest';
import { csvLine } from '../../lib/csv.ts';
import { CsvParser, detectDelimiter } from '../../lib/csv-parser.ts';
import { guessField, headerKeyOf, mappingProblems, suggestMapping } from './fields.ts';
import { normalisePhone, parseBirthdate, parseFrenchDate, parseGender, parseLadderStage, splitFullName, splitTags } from './normalise.ts';
import { compileRowReader, stageRow } from './rows.ts';

describe('normalise', () => {
  it('writes phones in E.164, French by default', () => {
    expect(normalisePhone('06 12 34 56 78')).toBe('+33612345678');
    expect(normalisePhone('06.12.34.56.78')).toBe('+33612345678');
    expect(normalisePhone('612345678')).toBe('+33612345678'); // leading zero eaten by a spreadsheet
    expect(normalisePhone('+33 (0)6 12 34 56 78')).toBe('+33612345678');
    expect(normalisePhone('0033 6 12 34 56 78')).toBe('+33612345678');
    expect(normalisePhone('+32 470 12 34 56')).toBe('+32470123456');
    expect(normalisePhone('12')).toBeNull();
    expect(normalisePhone('06 12')).toBeNull();
  });

  it('reads French dates and refuses impossible ones', () => {
    const now = new Date('2026-03-01T00:00:00Z');
    expect(parseFrenchDate('17/05/1980', now)).toBe('1980-05-17');
    expect(parseFrenchDate('7/5/1980', now)).toBe('1980-05-07');
    expect(parseFrenchDate('17-05-80', now)).toBe('1980-05-17');
    expect(parseFrenchDate('17.05.1980', now)).toBe('1980-05-17');
    expect(parseFrenchDate('1980-05-17', now)).toBe('1980-05-17');
    expect(parseFrenchDate('1er mai 1980', now)).toBe('1980-05-01');
    expect(parseFrenchDate('17 février 1980', now)).toBe('1980-02-17');
    expect(parseFrenchDate('31/02/1990', now)).toBeNull();
    expect(parseFrenchDate('13/13/1990', now)).toBeNull();
    expect(parseBirthdate('01/01/2030', now)).toBeNull();
    expect(parseBirthdate('01/01/1850', now)).toBeNull();
  });

  it('reads civilities, stages, tags and full names', () => {
    expect(parseGender('Mme')).toBe('female');
    expect(parseGender('M.')).toBe('male');
    expect(parseGender('Monsieur')).toBe('male');
    expect(parseGender('?')).toBeNull();
    expect(parseLadderStage('Sympathisante')).toBe('sympathizer');
    expect(parseLadderStage('bénévole')).toBe('volunteer');
    expect(parseLadderStage('Ambassadeur', new Map([['ambassadeur', 'activist']]))).toBe('activist');
    expect(parseLadderStage('chef')).toBeNull();
    expect(splitTags('bénévole, quartier; Bénévole ;')).toEqual(['bénévole', 'quartier']);
    expect(splitFullName('DURAND Éloïse')).toEqual({ family: 'DURAND', given: 'Éloïse' });
    expect(splitFullName('Durand, Éloïse')).toEqual({ family: 'Durand', given: 'Éloïse' });
    expect(splitFullName('Jean Pierre Martin')).toEqual({ given: 'Jean Pierre', family: 'Martin' });
  });
});

describe('CsvParser', () => {
  function parseAll(text: string, sep: string, chunk = 3): string[][] {
    const parser = new CsvParser(sep);
    const out: string[][] = [];
    for (let i = 0; i < text.length; i += chunk) parser.push(text.slice(i, i + chunk), out);
    parser.end(out);
    return out;
  }

  it('respects quotes, doubled quotes and line breaks inside quotes, across chunk boundaries', () => {
    const text = 'a;b;c\r\n"x;1";"il a dit ""oui""";"ligne 1\r\nligne 2"\r\nlast;;\n"end"';
    for (const chunk of [1, 2, 3, 7, 1000]) {
      expect(parseAll(text, ';', chunk)).toEqual([
        ['a', 'b', 'c'],
        ['x;1', 'il a dit "oui"', 'ligne 1\r\nligne 2'],
        ['last', '', ''],
        ['end'],
      ]);
    }
  });

  it('handles CR-only line ends and a stray quote inside a field', () => {
    expect(parseAll('a,b\rc"d,e\r', ',')).toEqual([
      ['a', 'b'],
      ['c"d', 'e'],
    ]);
  });

  it('detects the separator on the first lines, quotes respected', () => {
    expect(detectDelimiter('Prénom;Nom;Ville\nA;B;"Paris, 11e"\nC;D;E\n')).toBe(';');
    expect(detectDelimiter('a,b,c\n1,2,3\n')).toBe(',');
    expect(detectDelimiter('a\tb\tc\n1\t2\t3\n')).toBe('\t');
    expect(detectDelimiter('a|b|c\n1|2|3\n')).toBe('|');
    expect(detectDelimiter('"Nom; complet",b\n"x; y",2\n')).toBe(',');
  });

  it('writes CSV lines that read back', () => {
    const fields = ['a;b', 'say "hi"', 'multi\nline', ' padded', 'plain'];
    const out: string[][] = [];
    const parser = new CsvParser(';');
    parser.push(csvLine(fields, ';'), out);
    parser.end(out);
    expect(out).toEqual([fields]);
  });
});

describe('mapping', () => {
  it('maps French headers automatically', () => {
    const headers = [
      'Civilité',
      'Prénom',
      'NOM',
      'Courriel',
      'E-mail 2',
      'Téléphone',
      'Portable',
      'Adresse',
      'Code postal',
      'Ville',
      'Date de naissance',
      'Étiquettes',
      'Profession',
      'Divers',
    ];
    expect(suggestMapping(headers, [{ key: 'profession', label: 'Profession', type: 'text', choices: [] }])).toEqual({
      Civilité: 'gender',
      Prénom: 'given_name',
      NOM: 'family_name',
      Courriel: 'email',
      'E-mail 2': 'email',
      Téléphone: 'phone',
      Portable: 'phone',
      Adresse: 'street_address',
      'Code postal': 'postcode',
      Ville: 'locality',
      'Date de naissance': 'birthdate',
      Étiquettes: 'tags',
      Profession: 'custom:profession',
      Divers: 'ignore',
    });
    expect(guessField('Adresse mail')).toBe('email');
    expect(guessField('adresse e-mail')).toBe('email');
    expect(guessField('Tél. portable')).toBe('phone');
    expect(headerKeyOf(['Prénom', ' NOM '])).toBe('prenom|nom');
  });

  it('says what is wrong with a mapping', () => {
    expect(mappingProblems({ Nom: 'family_name' }, ['Nom'], [])).toEqual(['map at least one column to email or phone']);
    expect(mappingProblems({ X: 'email', Y: 'custom:nope' }, ['X'], [])).toEqual(['unknown column "Y"', 'no custom field "nope"']);
  });
});

describe('row reader', () => {
  const headers = ['Prénom', 'Nom', 'Courriel', 'Tél', 'Naissance', 'Étiquettes'];
  const read = compileRowReader(
    headers,
    { Prénom: 'given_name', Nom: 'family_name', Courriel: 'email', Tél: 'phone', Naissance: 'birthdate', Étiquettes: 'tags' },
    { customFields: [], stageLabels: new Map() },
  );

  it('cleans a good row and gives every reason for a bad one', () => {
    const good = read(['Éloïse', 'Durand', 'E.Durand@Example.fr', '06 12 34 56 78', '17/05/1980', 'a, b'], 2);
    expect(good).toMatchObject({
      ok: true,
      person: { givenName: 'Éloïse', email: 'e.durand@example.fr', phone: '+33612345678', birthdate: '1980-05-17', tags: ['a', 'b'] },
    });
    expect(read(['x', 'y', 'bad@', '12', '31/02/1990', ''], 3)).toMatchObject({
      ok: false,
      reasons: ['e-mail invalide', 'téléphone invalide', 'date invalide'],
    });
    expect(read(['x', 'y', '', '', '', ''], 4)).toMatchObject({ ok: false, reasons: ['ni e-mail ni téléphone'] });
  });

  it('takes the e-mails the API takes: accented, or wrapped in « <…> » as mail software copies them', () => {
    expect(read(['Élodie', 'Dürr', 'Élodie.Dürr@Exemple.fr', '', '', ''], 5)).toMatchObject({
      ok: true,
      person: { email: 'élodie.dürr@exemple.fr' },
    });
    expect(read(['Jo', 'Zèbre', '<Jo@Exemple.fr>', '', '', ''], 6)).toMatchObject({ ok: true, person: { email: 'jo@exemple.fr' } });
  });

  it('gives staging rows in the order of the staging columns (no custom field = NULL)', () => {
    const r = read(['Jo "le" Zèbre', '', '', '0612345678', '', 'x,"y"'], 7);
    if (!r.ok) throw new Error('bad row');
    const row = stageRow({ ...r.person, personId: '00000000-0000-7000-8000-000000000000' });
    expect(row).toEqual([
      7,
      '00000000-0000-7000-8000-000000000000',
      'Jo "le" Zèbre',
      '',
      null,
      '+33612345678',
      [],
      [],
      '',
      '',
      '',
      null,
      null,
      null,
      ['x', '"y"'],
      null,
    ]);
  });
});

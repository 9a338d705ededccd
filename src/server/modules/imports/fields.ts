// Columns → person fields: the fields an import can fill, the automatic mapping of the headers that
// campaigns' spreadsheets use (French first), and the key under which a layout's mapping is remembered.
import { simplify } from './normalise.ts';

export const IMPORT_FIELDS = [
  'given_name',
  'family_name',
  'full_name',
  'email',
  'phone',
  'street_address',
  'postcode',
  'locality',
  'birthdate',
  'gender',
  'ladder_stage',
  'tags',
  'ignore',
] as const;
export type ImportField = (typeof IMPORT_FIELDS)[number] | `custom:${string}`;
export type Mapping = Record<string, ImportField>;

/** Fields several columns may feed: names and street addresses are joined, e-mails and phones add alternatives, tags add up. */
const REPEATABLE_FIELDS: ReadonlySet<ImportField> = new Set<ImportField>([
  'ignore',
  'given_name',
  'family_name',
  'street_address',
  'email',
  'phone',
  'tags',
]);
/** Fields a row is matched to the base by: a mapping needs one of them. */
const IDENTIFYING_FIELDS: ReadonlySet<ImportField> = new Set<ImportField>(['email', 'phone']);

// Exact header names (simplified: lower case, no accents, no punctuation).
// A Map, not an object: a header such as "constructor" must not find Object's own members.
const EXACT = new Map<string, ImportField>();
const SYNONYMS: Record<Exclude<ImportField, 'ignore' | `custom:${string}`>, string[]> = {
  given_name: ['prenom', 'prenoms', 'first name', 'firstname', 'given name', 'prenom usuel'],
  family_name: ['nom', 'nom de famille', 'nom d usage', 'nom de naissance', 'last name', 'lastname', 'surname', 'family name'],
  full_name: ['nom complet', 'nom et prenom', 'nom prenom', 'prenom et nom', 'prenom nom', 'identite', 'name', 'full name', 'contact'],
  email: [
    'courriel',
    'e mail',
    'email',
    'mail',
    'mel',
    'adresse mail',
    'adresse e mail',
    'adresse email',
    'adresse electronique',
    'adresse courriel',
    'email address',
  ],
  phone: [
    'telephone',
    'tel',
    'portable',
    'mobile',
    'fixe',
    'gsm',
    'numero de telephone',
    'telephone portable',
    'telephone mobile',
    'telephone fixe',
    'phone',
    'phone number',
    'cell',
    'mobile phone',
  ],
  street_address: [
    'adresse',
    'adresse postale',
    'rue',
    'voie',
    'adresse 1',
    'numero et voie',
    'n et voie',
    'address',
    'street',
    'street address',
  ],
  postcode: ['code postal', 'cp', 'code post', 'postcode', 'postal code', 'zip', 'zip code'],
  locality: ['ville', 'commune', 'localite', 'city', 'town', 'locality'],
  birthdate: [
    'date de naissance',
    'naissance',
    'date naissance',
    'ne le',
    'ne e le',
    'nee le',
    'ddn',
    'birthdate',
    'birthday',
    'date of birth',
  ],
  gender: ['civilite', 'civ', 'genre', 'sexe', 'gender', 'titre', 'title'],
  ladder_stage: ['etape', 'niveau d engagement', 'engagement', 'statut', 'ladder stage', 'stage'],
  tags: ['etiquettes', 'etiquette', 'tags', 'tag', 'mots cles', 'mot cle', 'labels'],
};
for (const [field, names] of Object.entries(SYNONYMS)) for (const name of names) EXACT.set(name, field as ImportField);

// Headers that merely start like a known one ("Téléphone 2", "E-mail perso", "Adresse (rue)").
const PREFIXES: Array<[RegExp, ImportField]> = [
  [/^(e ?mail|courriel|adresse (e ?)?mail|mail)\b/, 'email'],
  [/^(tel|telephone|portable|mobile|gsm|phone)\b/, 'phone'],
  [/^(code postal|cp)\b/, 'postcode'],
  [/^(date de naissance|naissance)\b/, 'birthdate'],
  [/^(prenom)\b/, 'given_name'],
  [/^(adresse|rue)\b/, 'street_address'],
  [/^(ville|commune)\b/, 'locality'],
  [/^(etiquette|tags?)\b/, 'tags'],
];

export interface CustomFieldRef {
  key: string;
  label: string;
  type: string;
  choices: string[];
}

/** The field a header most likely holds, or 'ignore'. */
export function guessField(header: string, customFields: readonly CustomFieldRef[] = []): ImportField {
  const h = simplify(header);
  if (h === '') return 'ignore';
  const exact = EXACT.get(h);
  if (exact) return exact;
  const custom = customFields.find((f) => simplify(f.key) === h || simplify(f.label) === h);
  if (custom) return `custom:${custom.key}`;
  for (const [re, field] of PREFIXES) if (re.test(h)) return field;
  return 'ignore';
}

/** The automatic mapping of a header row: recognisable headers mapped, the others ignored. */
export function suggestMapping(headers: readonly string[], customFields: readonly CustomFieldRef[] = []): Mapping {
  // fromEntries defines own properties: a column named "__proto__" or "constructor" is a column like any other.
  const mapping: Mapping = Object.fromEntries([...new Set(headers)].map((header) => [header, guessField(header, customFields)]));
  // "Nom" next to a "Prénom" column is the family name; alone, it may hold the full name: leave it.
  return mapping;
}

/** The field a mapping gives a column, or undefined (own keys only: "toString" is a column name, not Object's). */
export function fieldOf(mapping: Mapping, header: string): ImportField | undefined {
  return Object.hasOwn(mapping, header) ? mapping[header] : undefined;
}

/** The key a header layout's mapping is remembered under: its simplified headers, in order. */
export function headerKeyOf(headers: readonly string[]): string {
  return headers.map((h) => simplify(h)).join('|');
}

/** Problems with a mapping for these headers (unknown fields or custom fields), empty when usable. */
export function mappingProblems(mapping: Mapping, headers: readonly string[], customFields: readonly CustomFieldRef[]): string[] {
  const problems: string[] = [];
  const known = new Set<string>(IMPORT_FIELDS);
  const keys = new Set(customFields.map((f) => f.key));
  for (const [header, field] of Object.entries(mapping)) {
    if (!headers.includes(header)) problems.push(`unknown column "${header}"`);
    if (field.startsWith('custom:')) {
      if (!keys.has(field.slice(7))) problems.push(`no custom field "${field.slice(7)}"`);
    } else if (!known.has(field)) problems.push(`unknown field "${field}" for column "${header}"`);
  }
  if (!Object.values(mapping).some((field) => IDENTIFYING_FIELDS.has(field))) problems.push('map at least one column to email or phone');
  return problems;
}

/**
 * A value a column can be mapped to. `label` is the campaign's label of a custom field (the UI names
 * the others); `repeatable` when several columns may feed it; `identifies` when it can match a person.
 */
export interface ImportFieldOption {
  field: ImportField;
  label: string | null;
  repeatable: boolean;
  identifies: boolean;
}

/** Every value a column can be mapped to: ignore, the person fields, then the campaign's custom fields. */
export function importFieldOptions(customFields: readonly CustomFieldRef[]): ImportFieldOption[] {
  const option = (field: ImportField, label: string | null = null): ImportFieldOption => ({
    field,
    label,
    repeatable: REPEATABLE_FIELDS.has(field),
    identifies: IDENTIFYING_FIELDS.has(field),
  });
  return [
    option('ignore'),
    ...IMPORT_FIELDS.filter((f) => f !== 'ignore').map((field) => option(field)),
    ...customFields.map((f) => option(`custom:${f.key}`, f.label)),
  ];
}

/** An explicit column → field choice (the CLI's --map "Header=field"). */
export interface MappingOverride {
  header: string;
  field: string;
}

/** A wrong explicit mapping, in words an operator can act on. */
export class MappingOverrideError extends Error {}

const CUSTOM_FIELD_RE = /^custom:[a-z][a-z0-9_]{0,39}$/;

/**
 * Parses "Header=field" choices (split at the last "=", so headers may hold one). Fields other than
 * custom ones are checked here, before any file is read; custom fields once the campaign's are known.
 */
export function parseMappingOverrides(specs: readonly string[]): MappingOverride[] {
  return specs.map((spec) => {
    const at = spec.lastIndexOf('=');
    const header = spec.slice(0, at).trim();
    const field = spec.slice(at + 1).trim();
    if (at < 0 || header === '' || field === '') {
      throw new MappingOverrideError(`--map "${spec}": expected "Column header=field", e.g. --map "Portable=phone".`);
    }
    if (!(IMPORT_FIELDS as readonly string[]).includes(field) && !CUSTOM_FIELD_RE.test(field)) {
      throw new MappingOverrideError(
        `--map "${spec}": unknown field "${field}". Valid fields: ${[...IMPORT_FIELDS, 'custom:<key>'].join(', ')}.`,
      );
    }
    return { header, field };
  });
}

/**
 * The mapping with explicit choices applied over the automatic (or remembered) one. A header is
 * matched exactly, else ignoring case and accents; an unknown column or custom field is an error
 * naming the valid ones.
 */
export function overrideMapping(
  mapping: Mapping,
  headers: readonly string[],
  overrides: readonly MappingOverride[],
  options: readonly ImportFieldOption[],
): Mapping {
  const result: Mapping = { ...mapping };
  const valid = new Set<string>(options.map((o) => o.field));
  for (const { header, field } of overrides) {
    const column = headers.includes(header) ? header : headers.find((h) => simplify(h) === simplify(header));
    if (column === undefined) {
      throw new MappingOverrideError(`--map: the file has no column "${header}". Its columns: ${headers.join(', ')}.`);
    }
    if (!valid.has(field)) {
      throw new MappingOverrideError(
        `--map: unknown field "${field}" for column "${column}". Valid fields: ${options.map((o) => o.field).join(', ')}.`,
      );
    }
    Object.defineProperty(result, column, { value: field as ImportField, enumerable: true, writable: true, configurable: true });
  }
  return result;
}

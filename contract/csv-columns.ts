/**
 * The columns of a student-system export and the headings the student systems use for them (ParnasSys,
 * Magister, Somtoday and the like; docs/IMPORT.md says which headings are confirmed and which guessed).
 * Used by the server's CSV import (a heading it recognises counts as its column) and by the tab's
 * import wizard (the mapping it proposes). No imports: plain data and functions.
 */

/** The guardian slots an export may carry. */
export const GUARDIAN_SLOTS = [1, 2, 3, 4] as const;

type Slot = (typeof GUARDIAN_SLOTS)[number];
type GuardianField = "naam" | "email" | "gezag" | "relatie" | AddressField;
/** A guardian's postal address in the export: street (or the whole street line), house number, its addition, postcode, town. */
type AddressField = "straat" | "huisnummer" | "toevoeging" | "postcode" | "woonplaats";

/** The import's own column names (the header of its documented format). */
export type CsvColumn =
  | "leerlingnummer"
  | "voornaam"
  | "roepnaam"
  | "tussenvoegsel"
  | "achternaam"
  | "geboortedatum"
  | "klas"
  | `ouder${Slot}_${GuardianField}`;

export const STUDENT_COLUMNS = ["leerlingnummer", "voornaam", "roepnaam", "tussenvoegsel", "achternaam", "geboortedatum", "klas"] as const;
export const ADDRESS_FIELDS: readonly AddressField[] = ["straat", "huisnummer", "toevoeging", "postcode", "woonplaats"];
export const GUARDIAN_FIELDS: readonly GuardianField[] = ["naam", "email", "gezag", "relatie", ...ADDRESS_FIELDS];
export const REQUIRED_COLUMNS = ["leerlingnummer", "voornaam", "achternaam", "geboortedatum"] as const;

export const CSV_COLUMNS: readonly CsvColumn[] = [
  ...STUDENT_COLUMNS,
  ...GUARDIAN_SLOTS.flatMap((n) => GUARDIAN_FIELDS.map((f): CsvColumn => `ouder${n}_${f}`)),
];

/** A heading folded for comparison: lower case, no diacritics, only letters and digits. */
export function foldHeading(h: string): string {
  return h
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "");
}

/** Folded headings of the student's own columns, as the systems and their users write them. */
const STUDENT_HEADINGS: Record<(typeof STUDENT_COLUMNS)[number], readonly string[]> = {
  leerlingnummer: ["leerlingnummer", "llnr", "llnnr", "leerlingnr", "leerlingid", "stamnummer", "stamnr", "studentnummer", "leerlingcode"],
  voornaam: ["voornaam", "voornamen", "officielevoornamen", "voornaamleerling"],
  roepnaam: ["roepnaam", "roepnaamleerling"],
  tussenvoegsel: ["tussenvoegsel", "tussenvoegsels", "tussenv", "voorvoegsel", "voorvoegsels", "tv"],
  achternaam: ["achternaam", "achternaamleerling", "geslachtsnaam", "familienaam"],
  geboortedatum: ["geboortedatum", "gebdatum", "geboortedat", "gebdat", "geboortedatumleerling"],
  klas: ["klas", "groep", "stamgroep", "stamklas", "klasnaam", "groepsnaam", "basisgroep", "jaargroep", "groepcode", "groepscode", "klascode"],
};

const GUARDIAN_WORDS = ["ouderverzorger", "verzorger", "ouder", "voogd", "wettelijkvertegenwoordiger", "contactpersoon", "relatie", "ov"];
const FIELD_WORDS: Record<GuardianField, readonly string[]> = {
  email: ["emailadres", "email", "mailadres", "mail"],
  gezag: ["ouderlijkgezag", "wettelijkgezag", "gezag"],
  relatie: ["relatietype", "soortrelatie", "relatie", "rol"],
  // "Adres ouder 1" is the whole street line (street and number in one column).
  straat: ["straatnaam", "straat", "adres"],
  huisnummer: ["huisnummer", "huisnr"],
  toevoeging: ["huisnummertoevoeging", "toevoeging", "huisletter"],
  postcode: ["postcode"],
  woonplaats: ["woonplaats", "plaatsnaam", "plaats"],
  naam: ["volledigenaam", "naam"],
};

/** The order field words are tried in: a word inside a longer one of another field comes later ("emailadres" holds "adres", "straatnaam" "naam", "huisnummertoevoeging" "huisnummer"). */
const FIELD_ORDER: readonly GuardianField[] = ["email", "gezag", "relatie", "toevoeging", "huisnummer", "postcode", "woonplaats", "straat", "naam"];

/**
 * The column a guardian heading names: a guardian word, a slot number and a field word in any order
 * ("E-mailadres ouder/verzorger 1", "Ouder 1 e-mail", "Verzorger2 Gezag", "Naam ouder/verzorger 2",
 * "Postcode ouder 1", "Huisnummer verzorger 2").
 */
function guardianColumn(folded: string): CsvColumn | undefined {
  const slot = /([1-4])/.exec(folded);
  if (!slot) return undefined;
  const n = Number(slot[1]) as Slot;
  const rest = folded.replace(slot[1] ?? "", " ");
  const hasGuardian = GUARDIAN_WORDS.some((w) => rest.includes(w));
  if (!hasGuardian) return undefined;
  // A gezag heading may say "ouder", so the field words are tried from the most specific.
  // A place of birth is not where the guardian lives.
  if (/geboorteplaats|geboorteland/.test(rest)) return undefined;
  for (const f of FIELD_ORDER) {
    if (FIELD_WORDS[f].some((w) => rest.replace(/ouderlijkgezag|wettelijkgezag/g, "gezag").includes(w))) {
      // "relatie 1 naam" names a guardian, not the relation: a name word beats the guardian word "relatie".
      if (f === "relatie" && FIELD_WORDS.naam.some((w) => rest.includes(w)) && !/relatietype|soortrelatie/.test(rest)) return `ouder${n}_naam`;
      return `ouder${n}_${f}`;
    }
  }
  return undefined;
}

/** The import's column a heading stands for, or undefined when it is not recognised. */
export function columnOf(heading: string): CsvColumn | undefined {
  const raw = heading.trim().toLowerCase().replace(/\s+/g, "_");
  if ((CSV_COLUMNS as readonly string[]).includes(raw)) return raw as CsvColumn;
  const f = foldHeading(heading);
  if (!f) return undefined;
  for (const c of STUDENT_COLUMNS) if (STUDENT_HEADINGS[c].includes(f)) return c;
  return guardianColumn(f);
}

/**
 * The proposed mapping of a header: each column of the import to the index of the first heading that
 * names it. An export with a roepnaam but no voornaam uses the roepnaam as the first name.
 */
export function proposeMapping(headings: readonly string[]): Partial<Record<CsvColumn, number>> {
  const out: Partial<Record<CsvColumn, number>> = {};
  headings.forEach((h, i) => {
    const c = columnOf(h);
    if (c && out[c] === undefined) out[c] = i;
  });
  if (out.voornaam === undefined && out.roepnaam !== undefined) {
    out.voornaam = out.roepnaam;
    delete out.roepnaam;
  }
  return out;
}

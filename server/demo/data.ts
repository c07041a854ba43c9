import type { ImportRequest } from "../../contract/directory.js";

/**
 * The demo school: fictional people at a fictional school (any likeness is chance). Domains end in
 * ".example.nl"-style names that do not exist. Used by `npm start`, the playground and the tests.
 */
export const DEMO_SCHOOL_ID = "obs-de-regenboog";
import { DEMO_COLLEAGUES, DEMO_DOMAIN } from "../../contract/demo.js";
import { DEFAULT_PURPOSES } from "../../contract/defaults.js";
import type { Purpose } from "../../contract/directory.js";

/** A purpose of DOMAIN.md's defaults (contract/defaults.ts), as a new school adopts it. */
function standardPurpose(id: string): Purpose {
  const p = DEFAULT_PURPOSES.find((x) => x.id === id);
  if (!p) throw new Error(`no default purpose ${id}`);
  return { ...p };
}

export { DEMO_COLLEAGUES, DEMO_DOMAIN };
/** The students' own accounts (`{studentNumber}@...`): students, not colleagues. */
export const DEMO_STUDENT_DOMAIN = "leerling.regenboog.school.example";
/** A second school of the same board: it has a student with the same name as one of De Regenboog's. */
export const DEMO_SECOND_SCHOOL_ID = "obs-de-vlieger";
export const DEMO_BOARD = "Stichting Openbaar Onderwijs Voorbeeldstad";

const families: [string, string | undefined, string][] = [
  ["Jan", "de", "Vries"],
  ["Noor", "van der", "Berg"],
  ["Daan", undefined, "Jansen"],
  ["Zoë", undefined, "Bakker"],
  ["Sem", "van", "Dijk"],
  ["Lotte", undefined, "Visser"],
  ["Finn", undefined, "Smit"],
  ["Emma", "de", "Boer"],
  ["Lucas", undefined, "Mulder"],
  ["Julia", "de", "Graaf"],
  ["Milan", undefined, "Bos"],
  ["Sara", "van", "Leeuwen"],
  ["Levi", undefined, "Dekker"],
  ["Tess", "van den", "Heuvel"],
  ["Bram", undefined, "Meijer"],
  ["Fleur", "de", "Wit"],
  ["Thijs", undefined, "Hendriks"],
  ["Anouk", "van", "Wijk"],
  ["Jesse", undefined, "Kok"],
  ["Sophie", "van der", "Linden"],
  ["Ruben", undefined, "Peters"],
  ["Isa", "de", "Jong"],
  ["Gijs", undefined, "Vermeulen"],
  ["Mila", "van", "Beek"],
  ["Stijn", undefined, "Willems"],
  ["Lieke", "van", "Vliet"],
  ["Mees", undefined, "Koster"],
  ["Yara", "el", "Amrani"],
  ["Bo", undefined, "Prins"],
  ["Hüseyin", undefined, "Yılmaz"],
];

const classes = ["groep 5", "groep 6", "groep 7", "groep 8"];
/** The class whose list goes to the GGD for the JGZ health check (the parents were informed). */
export const CLASS_LIST_GROUP = "groep 7";

/** A name as an address part: no diacritics, lower case, letters and digits only ("Zoë" -> "zoe"). */
export function slug(s: string): string {
  return s
    .normalize("NFD")
    .replace(/\p{M}/gu, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "");
}

export function demoImport(): ImportRequest {
  const students: ImportRequest["students"] = families.map(([given, tv, family], i) => {
    const n = i + 1;
    const id = `lln-${String(n).padStart(3, "0")}`;
    const fam = slug((tv ?? "") + family);
    const year = 2014 + (i % 4);
    return {
      id,
      schoolId: DEMO_SCHOOL_ID,
      givenName: given,
      ...(tv ? { tussenvoegsel: tv } : {}),
      familyName: family,
      aliases: [],
      studentNumber: String(240100 + n),
      birthDate: `${year}-${String((i % 12) + 1).padStart(2, "0")}-${String((i % 27) + 1).padStart(2, "0")}`,
      className: classes[i % classes.length] ?? "groep 8",
      guardians: [
        { id: `${id}-o1`, name: `${i % 2 ? "Mark" : "Sanne"} ${tv ? tv + " " : ""}${family}`, emails: [`ouder1.${fam}@mail.example`], relation: i % 2 ? "father" : "mother", hasAuthority: true },
        { id: `${id}-o2`, name: `${i % 2 ? "Anna" : "Peter"} ${tv ? tv + " " : ""}${family}`, emails: [`ouder2.${fam}@mail.example`], relation: i % 2 ? "mother" : "father", hasAuthority: true },
      ],
    };
  });
  // Particular situations the demo must show.
  const s = (n: number) => {
    const st = students[n - 1];
    if (!st) throw new Error("demo student missing");
    return st;
  };
  // Divorced parents, each with their own household and address.
  s(2).guardians = [
    { id: "lln-002-o1", name: "Marieke van der Berg", emails: ["marieke.vdberg@mail.example"], relation: "mother", hasAuthority: true },
    { id: "lln-002-o2", name: "Erik Hoekstra", emails: ["erik.hoekstra@mail.example"], relation: "father", hasAuthority: true },
  ];
  // A parent without parental authority (right to information on request only).
  s(3).guardians = [
    { id: "lln-003-o1", name: "Ilse Jansen", emails: ["ilse.jansen@mail.example"], relation: "mother", hasAuthority: true },
    { id: "lln-003-o2", name: "Ron Verhoef", emails: ["ron.verhoef@mail.example"], relation: "father", hasAuthority: false },
  ];
  // A voogd (guardian) instead of parents.
  s(28).guardians = [{ id: "lln-028-v1", name: "Fatima el Amrani", emails: ["f.elamrani@mail.example"], relation: "guardian", hasAuthority: true }];
  // A 16-year-old (a pupil who stayed on in the special class): consents alone.
  s(30).birthDate = "2010-03-14";
  s(30).className = "groep 8";
  s(30).aliases = ["Huseyin Yilmaz"];
  // An alias (roepnaam).
  s(1).aliases = ["Jantje de Vries"];
  // Jesse Kok left for secondary school: the onderwijskundig rapport still goes there (art. 42 WPO).
  s(19).leftDate = "2026-07-17";
  // Two students with the same name at the board: Lucas Mulder here and at De Vlieger.
  students.push({
    id: "vl-001",
    schoolId: DEMO_SECOND_SCHOOL_ID,
    givenName: "Lucas",
    familyName: "Mulder",
    aliases: [],
    studentNumber: "250101",
    birthDate: "2016-02-02",
    className: "groep 5",
    guardians: [
      { id: "vl-001-o1", name: "Petra Mulder", emails: ["petra.mulder@mail.example"], relation: "mother", hasAuthority: true },
      { id: "vl-001-o2", name: "Kees Mulder", emails: ["kees.mulder@mail.example"], relation: "father", hasAuthority: true },
    ],
  });

  return {
    schools: [
      { id: DEMO_SCHOOL_ID, name: "OBS De Regenboog", boardName: DEMO_BOARD, brin: "99ZZ", internalDomains: [DEMO_DOMAIN], studentDomains: [DEMO_STUDENT_DOMAIN] },
      { id: DEMO_SECOND_SCHOOL_ID, name: "OBS De Vlieger", boardName: DEMO_BOARD, brin: "98ZZ", internalDomains: ["vlieger.school.example"] },
    ],
    purposes: [
      standardPurpose("tlv-aanvraag"),
      standardPurpose("verzuimmelding"),
      standardPurpose("voortgang"),
      standardPurpose("onderwijskundig-rapport"),
      standardPurpose("klassenlijst-jgz"),
      standardPurpose("jgz-consult"),
      standardPurpose("smw-begeleiding"),
      standardPurpose("jeugdhulp"),
      { id: "onderzoek-dyslexie", label: "Onderzoek naar dyslexie door een externe specialist", farReaching: true, category: "care", specialCategory: true },
      standardPurpose("overstap-vo"),
      standardPurpose("vt-advies"),
      standardPurpose("melding-veilig-thuis"),
      standardPurpose("toezicht"),
    ],
    parties: [
      { id: "leerplicht", name: "Leerplicht Voorbeeldstad", kind: "leerplicht", domains: ["leerplicht.voorbeeldstad.example"], addresses: [], defaultBasis: "legal", statute: "Leerplichtwet 1969", defaultPurposeId: "verzuimmelding", legalPurposeIds: ["verzuimmelding"], informParents: true },
      { id: "swv", name: "Samenwerkingsverband Passend Onderwijs Voorbeeldregio", kind: "swv", domains: ["swv-voorbeeldregio.example"], addresses: [], defaultBasis: "legal", statute: "art. 18a WPO", defaultPurposeId: "tlv-aanvraag", agreedChannel: "beveiligd portaal", informParents: true },
      { id: "nieuwe-school-po", name: "Basisschool De Vlinder (nieuwe school)", kind: "new-school-primary", domains: ["devlinder.school.example"], addresses: [], defaultBasis: "legal", statute: "art. 42 WPO (onderwijskundig rapport)", defaultPurposeId: "onderwijskundig-rapport", informParents: true },
      // From a primary school to any school, also secondary: the onderwijskundig rapport is a legal duty (art. 42 WPO).
      { id: "nieuwe-school-vo", name: "Voorbeeld College (VO)", kind: "new-school-primary", domains: ["voorbeeldcollege.example"], addresses: [], defaultBasis: "legal", statute: "art. 42 WPO (onderwijskundig rapport)", defaultPurposeId: "onderwijskundig-rapport", informParents: true },
      { id: "veilig-thuis", name: "Veilig Thuis Voorbeeldregio", kind: "veilig-thuis", domains: ["veiligthuis-voorbeeldregio.example"], addresses: [], defaultBasis: "legal", statute: "Wmo 2015 art. 5.2.6, meldcode", defaultPurposeId: "vt-advies", legalPurposeIds: ["melding-veilig-thuis", "vt-advies"], informParents: true },
      { id: "ggd", name: "GGD Voorbeeldregio (JGZ)", kind: "ggd", domains: ["ggd-voorbeeldregio.example"], addresses: [], defaultBasis: "consent", statute: "Wet publieke gezondheid", defaultPurposeId: "jgz-consult", legalPurposeIds: ["klassenlijst-jgz"], legalBasisConfirmed: true, informParents: true },
      { id: "smw", name: "Schoolmaatschappelijk werk Voorbeeldstad", kind: "smw", domains: ["smw-voorbeeldstad.example"], addresses: [], defaultBasis: "consent", defaultPurposeId: "smw-begeleiding", informParents: true },
      { id: "wijkteam", name: "Wijkteam Centrum", kind: "wijkteam", domains: ["wijkteam.voorbeeldstad.example"], addresses: [], defaultBasis: "consent", defaultPurposeId: "jeugdhulp", informParents: true },
      { id: "dyslexiepraktijk", name: "Dyslexiepraktijk Letterwijs", kind: "specialist", domains: ["letterwijs.example"], addresses: [], defaultBasis: "consent", defaultPurposeId: "onderzoek-dyslexie", agreedChannel: "versleutelde mail", informParents: true },
      { id: "inspectie", name: "Inspectie van het Onderwijs", kind: "inspectie", domains: ["onderwijsinspectie.example"], addresses: [], defaultBasis: "legal", statute: "Wet op het onderwijstoezicht", defaultPurposeId: "toezicht", agreedChannel: "beveiligd kanaal van de inspectie", informParents: false },
      { id: "fotograaf", name: "Schoolfotograaf Klik (verwerker)", kind: "processor", domains: ["klik-fotografie.example"], addresses: [], defaultBasis: "consent", informParents: false },
    ],
    policies: [],
    students,
  };
}

/** Colleagues at the demo school, for address autocomplete in the playground. */

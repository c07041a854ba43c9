/**
 * A synthetic school board for the benchmarks: deterministic (same sizes, same data every run), with
 * unique student names so that a mail naming one student is about exactly that student.
 */
import type { ImportRequest } from "../contract/directory.js";
import type { NewEvent } from "../server/register/domain.js";
import { newEventId } from "../server/register/ids.js";
import { slug } from "../server/demo/data.js";

type StudentIn = ImportRequest["students"][number];
type PartyIn = ImportRequest["parties"][number];

const GIVEN = (
  "Jan Noor Daan Zoë Sem Lotte Finn Emma Lucas Julia Milan Sara Levi Tess Bram Fleur Thijs Anouk Jesse Sophie " +
  "Ruben Isa Gijs Mila Stijn Lieke Mees Yara Bo Hüseyin Luuk Evi Sven Roos Jayden Nina Tim Eva Niels Lisa " +
  "Max Femke Hugo Sanne Owen Lynn Teun Maud Cas Jasmijn Siem Liv Joep Fenna Morris Elin Ties Saar Boaz Noa " +
  "Vince Amber Kees Floor Ravi Iris Dirk Loes Olivier Hanna Pepijn Vera Mats Esmee Quinten Ilse Rens Jolien Wout Demi " +
  "Kaan Aylin Mohamed Fatima Yusuf Meryem Ayoub Salma Omar Ilham Bilal Nora Adam Sofia Rayan Lina Idris Hiba Amir Dina " +
  "Arjen Brechtje Coen Dewi Eelco Fiene Gerben Hidde Ingrid Jorn Kiki Lars Marit Nout Odette Pieter Quirine Rik Sietske Tjeerd " +
  "Ugo Valerie Willem Xander Yfke Zeger Anne Bas Chloé Dex Elise Frank Gwen Hendrik Ida Joost Karlijn Leon Merel Nick Olga"
).split(" ");

const FAMILY: [string | undefined, string][] = (
  "de Vries|van der Berg|Jansen|Bakker|van Dijk|Visser|Smit|de Boer|Mulder|de Graaf|Bos|van Leeuwen|Dekker|van den Heuvel|" +
  "Meijer|de Wit|Hendriks|van Wijk|Kok|van der Linden|Peters|de Jong|Vermeulen|van Beek|Willems|van Vliet|Koster|el Amrani|" +
  "Prins|Yılmaz|Janssen|de Groot|van Dam|Schouten|Huisman|Brouwer|Gerritsen|Postma|van der Meer|Kuipers|Veenstra|Hoekstra|" +
  "Sanders|de Haan|Vos|Maas|Timmermans|Verhoeven|Jacobs|Kramer|van Veen|Schipper|Dijkstra|Wouters|Bosch|Martens|Kuiper|" +
  "Boersma|van Loon|Scholten|Post|Claassen|de Bruijn|Blom|Molenaar|Koning|Hermans|Peeters|van Doorn|Groen|Evers|Mertens|" +
  "Verbeek|Bosman|van der Wal|Hoogendoorn|de Lange|Boon|Vink|Kaya|Öztürk|Çelik|Demir|Şahin|Aydın|Bouzid|el Idrissi|Benali|" +
  "Haddou|Ouali|Ramdin|Baboeram|Sewdien|Nguyen|Tran|Kowalski|Nowak|Rossi|García|Silva|Dubois|Müller|Schmidt|Wagner|Becker|" +
  "Hofman|Zijlstra|Faber|Wolters|van Rijn|Drost|Kroon|van Es|Lammers|de Kok|van Gils|Bouma|Wijnands|Verweij|Stam|Buijs|" +
  "Pronk|Koopman|Tromp|Jonker|Bruin|Rutten|Hoekman|Smeets|Goossens|van Wijngaarden|Beekman|Brink|Hartman|Kooij|Verschuren|" +
  "van Rooij|Aarts|Cornelissen|Wijaya|Tjon|Lie|Oosterhuis|Nijland|Mol|Poot|Jongsma|van Zanten|Rietveld|Pater|Swart|Rijnders|" +
  "Ouwehand|Verbruggen|Dogan|Arslan|Koç|Kurt|Özdemir|Yıldız|Hamdi|Azzouzi|Chaoui|el Khatib|Haddad|Mansour|Naciri|Tahiri|" +
  "Vogel|Visscher|Bouwman|Verhagen|Zwart|Willemsen|van Dongen|Heijnen|Kloosterman|Roos|Spijker|Steenbergen|Teunissen|" +
  "Uiterwijk|Valk|Westra|IJzerman|Zuidema|Agema|Bergsma|Dam|Eijkelboom|Feenstra|Gorter|Hettema"
)
  .split("|")
  .map((f): [string | undefined, string] => {
    const m = /^((?:(?:van|de|der|den|el)\s)+)(.+)$/.exec(f);
    return m && m[1] && m[2] ? [m[1].trim(), m[2]] : [undefined, f];
  });

/** Dutch filler words that are no student's name: the prose around the names in the test mails. */
const FILLER = (
  "het gesprek met de ouders over de begeleiding in de klas is goed verlopen en we hebben afgesproken om " +
  "over twee weken opnieuw te overleggen over het plan van aanpak voor de komende periode waarbij ook de " +
  "resultaten van de toetsen en het verzuim aan bod komen zodat iedereen weet wat er van hem verwacht wordt " +
  "graag ontvang ik uw reactie op het verslag en de bijlage met de observaties uit de afgelopen maanden"
).split(" ");


export interface BoardSizes {
  students: number;
  parties: number;
  events: number;
  schools: number;
}

export const PURPOSES: ImportRequest["purposes"] = [
  { id: "zorg", label: "Ondersteuning en zorg", farReaching: false },
  { id: "onderzoek", label: "Onderzoek door een specialist", farReaching: true },
  { id: "dossier", label: "Overdracht van het dossier", farReaching: false },
];

/** Legal-basis parties come first; the rest are consent-basis parties. */
export const LEGAL_PARTIES = 10;
const CONSENT_KINDS = ["ggd", "smw", "wijkteam", "specialist", "swv"] as const;

export function schoolId(i: number): string {
  return `school-${String(i).padStart(3, "0")}`;
}
export function schoolDomain(i: number): string {
  return `school${i}.bestuur.example`;
}
export function partyId(i: number): string {
  return `partij-${String(i).padStart(3, "0")}`;
}
export function partyDomain(i: number): string {
  return `partij${i}.zorg.example`;
}
export function studentId(i: number): string {
  return `lln-${String(i).padStart(6, "0")}`;
}

export function makeSchools(n: number): ImportRequest["schools"] {
  return Array.from({ length: n }, (_, i) => ({
    id: schoolId(i),
    name: `School ${i} van het bestuur`,
    brin: `${String(10 + (i % 90)).padStart(2, "0")}${String.fromCharCode(65 + (i % 26))}${String.fromCharCode(65 + ((i * 7) % 26))}`,
    internalDomains: [schoolDomain(i)],
  }));
}

export function makeParties(n: number): PartyIn[] {
  return Array.from({ length: n }, (_, i): PartyIn => {
    const legal = i < LEGAL_PARTIES;
    return {
      id: partyId(i),
      name: legal ? `Leerplicht regio ${i}` : `Zorgpartner ${i}`,
      kind: legal ? "leerplicht" : (CONSENT_KINDS[i % CONSENT_KINDS.length] ?? "other"),
      domains: [partyDomain(i)],
      addresses: [],
      defaultBasis: legal ? "legal" : "consent",
      ...(legal ? { statute: "Leerplichtwet 1969" } : {}),
      defaultPurposeId: "zorg",
      informParents: !legal,
    };
  });
}

/** The consent-basis party student i has consent for (and is mailed about in the 1-student check). */
export function partyOfStudent(i: number, parties: number): number {
  const consentParties = Math.max(1, parties - LEGAL_PARTIES);
  return LEGAL_PARTIES + (i % consentParties);
}

export interface BoardStudent {
  input: StudentIn;
  /** "Given [particle] Family": how a colleague writes the name in a mail. */
  fullName: string;
}

export function makeStudent(i: number, schools: number, now: Date): BoardStudent {
  // Beyond GIVEN x FAMILY students the names would repeat: a one-word variant of the given name keeps
  // every name unique (a second given name would not: "Noor Lisa Bakker" contains "Lisa Bakker").
  const round = Math.floor(i / (GIVEN.length * FAMILY.length));
  const first = GIVEN[i % GIVEN.length] ?? "Jan";
  const given = round === 0 ? first : `${first}${"ke".repeat(round)}`;
  const [particle, family] = FAMILY[Math.floor(i / GIVEN.length) % FAMILY.length] ?? [undefined, "Jansen"];
  const id = studentId(i);
  const fam = slug((particle ?? "") + family);
  const year = now.getUTCFullYear() - 6 - (i % 9);
  const secondHasAuthority = i % 20 !== 0;
  const input: StudentIn = {
    id,
    schoolId: schoolId(i % schools),
    givenName: given,
    ...(particle ? { tussenvoegsel: particle } : {}),
    familyName: family,
    aliases: i % 10 === 0 ? [`${given.slice(0, 3)}${given.length > 3 ? "je" : "tje"}`] : [],
    studentNumber: String(1_000_000 + i),
    birthDate: `${year}-${String((i % 12) + 1).padStart(2, "0")}-${String((i % 27) + 1).padStart(2, "0")}`,
    className: `groep ${3 + (i % 6)}${"abc"[i % 3] ?? "a"}`,
    guardians: [
      { id: `${id}-o1`, name: `Ouder A ${particle ? particle + " " : ""}${family}`, emails: [`o1.${fam}.${i}@ouders.example`], relation: "mother", hasAuthority: true },
      { id: `${id}-o2`, name: `Ouder B ${particle ? particle + " " : ""}${family}`, emails: [`o2.${fam}.${i}@ouders.example`], relation: "father", hasAuthority: secondHasAuthority },
    ],
  };
  return { input, fullName: [given, particle, family].filter(Boolean).join(" ") };
}

export function makeStudents(n: number, schools: number, now: Date): BoardStudent[] {
  return Array.from({ length: n }, (_, i) => makeStudent(i, schools, now));
}

/** A consent request body for POST /api/consents (and the same event for the in-process path). */
export interface ConsentSpec {
  kind: "consent" | "notice";
  studentId: string;
  partyId: string;
  purposeId: string;
  decision: "granted" | "refused";
  guardianId: string;
  givenAt: string;
  validUntil: string;
}

/**
 * The register events of student i: cycling through a realistic mix (two holders consenting to the
 * student's own care partner, consent to another partner, a notice to the leerplicht officer, a refusal).
 */
export function eventsOfStudent(i: number, count: number, parties: number, now: Date): ConsentSpec[] {
  const id = studentId(i);
  const day = 86_400_000;
  const givenAt = (k: number): string => new Date(now.getTime() - (60 - k) * day).toISOString();
  const validUntil = new Date(now.getTime() + 180 * day).toISOString();
  const own = partyId(partyOfStudent(i, parties));
  const other = partyId(partyOfStudent(i + 7, parties));
  const legal = partyId(i % LEGAL_PARTIES);
  const g1 = `${id}-o1`;
  const g2 = `${id}-o2`;
  const base = { studentId: id, givenAt: "", validUntil };
  const templates: Omit<ConsentSpec, "givenAt">[] = [
    { ...base, kind: "consent", partyId: own, purposeId: "zorg", decision: "granted", guardianId: g1 },
    { ...base, kind: "consent", partyId: own, purposeId: "zorg", decision: "granted", guardianId: g2 },
    { ...base, kind: "consent", partyId: other, purposeId: "zorg", decision: "granted", guardianId: g1 },
    { ...base, kind: "notice", partyId: legal, purposeId: "zorg", decision: "granted", guardianId: g1 },
    { ...base, kind: "consent", partyId: other, purposeId: "dossier", decision: "refused", guardianId: g1 },
  ];
  return Array.from({ length: count }, (_, k) => {
    const t = templates[k % templates.length] ?? templates[0];
    if (!t) throw new Error("no event template");
    // The second holder of a student whose second guardian has no authority: the first gives it again.
    const guardianId = t.guardianId === g2 && i % 20 === 0 ? g1 : t.guardianId;
    return { ...t, guardianId, givenAt: givenAt(k) };
  });
}

/** The body of POST /api/consents or POST /api/notices for a spec. */
export function apiRequestOf(s: ConsentSpec): { path: string; body: Record<string, unknown> } {
  if (s.kind === "notice")
    return { path: "/api/notices", body: { studentId: s.studentId, partyId: s.partyId, purposeId: s.purposeId, informedAt: s.givenAt, method: "letter" } };
  return {
    path: "/api/consents",
    body: {
      studentId: s.studentId,
      partyId: s.partyId,
      purposeId: s.purposeId,
      decision: s.decision,
      givenBy: { guardianId: s.guardianId },
      method: "paper",
      givenAt: s.givenAt,
      validUntil: s.validUntil,
    },
  };
}

/** The event RegisterService.recordConsent / notice would build for a spec (the in-process fast path). */
export function eventOf(s: ConsentSpec, by: string): NewEvent {
  const recordedAt = new Date().toISOString();
  if (s.kind === "notice")
    return {
      type: "notice",
      id: newEventId(s.studentId),
      studentId: s.studentId,
      partyId: s.partyId,
      purposeId: s.purposeId,
      informedAt: s.givenAt,
      method: "letter",
      recordedBy: by,
      recordedAt,
    };
  return {
    type: "consent",
    id: newEventId(s.studentId),
    studentId: s.studentId,
    decision: s.decision,
    partyId: s.partyId,
    purposeId: s.purposeId,
    givenBy: { guardianId: s.guardianId },
    method: "paper",
    givenAt: s.givenAt,
    validFrom: s.givenAt,
    validUntil: s.validUntil,
    recordedBy: by,
    recordedAt,
  };
}

/** Mail text of about `bytes` characters with the given names spread through it. */
export function mailText(bytes: number, names: string[], seed = 0): string {
  const words: string[] = [];
  let len = 0;
  let w = seed;
  while (len < bytes) {
    const word = FILLER[w % FILLER.length] ?? "en";
    words.push(word);
    len += word.length + 1;
    w++;
  }
  names.forEach((name, k) => {
    const at = Math.floor(((k + 0.5) / names.length) * words.length);
    words.splice(at, 0, `${name},`);
  });
  return words.join(" ").slice(0, Math.max(bytes, 1) + names.join(" ").length + names.length * 2);
}

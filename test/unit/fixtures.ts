import { defaultPolicy, type Directory, type Party, type Policy, type Student } from "../../server/directory/domain.js";
import { chainEvent, GENESIS_HASH, type ConsentEvent, type NewEvent, type NoticeEvent, type RegisterEvent, type WithdrawalEvent } from "../../server/register/domain.js";

/** Small directory and register builders for the send check's unit tests. */

/** The moment most tests send their mail. */
export const SENT_AT = new Date("2026-03-15T10:00:00Z");

/** Jan de Vries, 10, two parents with authority and a biological father without. */
export const jan: Student = {
  id: "st-jan",
  schoolId: "sch-1",
  givenName: "Jan",
  tussenvoegsel: "de",
  familyName: "Vries",
  aliases: ["Jantje de Vries"],
  studentNumber: "123456",
  birthDate: "2015-06-01",
  className: "6b",
  guardians: [
    { id: "g-jan-mother", name: "Els de Vries", emails: ["els.devries@example.com"], relation: "mother", hasAuthority: true },
    { id: "g-jan-father", name: "Piet de Vries", emails: ["Piet.deVries@example.com"], relation: "father", hasAuthority: true },
    { id: "g-jan-bio", name: "Kees Bakker", emails: ["kees.bakker@example.com"], relation: "parent", hasAuthority: false },
  ],
};

/** Noor van der Berg, 15 on SENT_AT, turns 16 on 2026-05-01; one parent with authority. */
export const noor: Student = {
  id: "st-noor",
  schoolId: "sch-1",
  givenName: "Noor",
  tussenvoegsel: "van der",
  familyName: "Berg",
  aliases: ["van der Berg-Yilmaz"],
  studentNumber: "234567",
  birthDate: "2010-05-01",
  className: "8a",
  guardians: [{ id: "g-noor-mother", name: "Ayse Yilmaz", emails: ["ayse.yilmaz@example.com"], relation: "mother", hasAuthority: true }],
};

/** Sam Jansen, 17: consents alone. */
export const sam: Student = {
  id: "st-sam",
  schoolId: "sch-1",
  givenName: "Sam",
  familyName: "Jansen",
  aliases: [],
  studentNumber: "345678",
  birthDate: "2009-01-10",
  className: "8a",
  guardians: [{ id: "g-sam-parent", name: "Robin Jansen", emails: ["robin.jansen@example.com"], relation: "parent", hasAuthority: true }],
};

/** Zoë Müller, who left the school last year. */
export const zoe: Student = {
  id: "st-zoe",
  schoolId: "sch-1",
  givenName: "Zoë",
  familyName: "Müller",
  aliases: [],
  studentNumber: "456789",
  birthDate: "2014-02-02",
  className: "7a",
  leftDate: "2025-07-31",
  guardians: [{ id: "g-zoe-father", name: "Hans Müller", emails: ["hans.muller@example.com"], relation: "father", hasAuthority: true }],
};

const party = (p: Partial<Party> & Pick<Party, "id" | "name" | "kind" | "defaultBasis">): Party => ({
  domains: [],
  addresses: [],
  informParents: true,
  ...p,
});

export const parties = {
  leerplicht: party({
    id: "p-leerplicht",
    name: "Leerplicht Gemeente",
    kind: "leerplicht",
    defaultBasis: "legal",
    statute: "Leerplichtwet 1969",
    addresses: ["leerplicht@gemeente.nl"],
    defaultPurposeId: "verzuim",
  }),
  swv: party({ id: "p-swv", name: "SWV Regio", kind: "swv", defaultBasis: "legal", statute: "art. 18a WPO", domains: ["swv-regio.nl"] }),
  inspectie: party({
    id: "p-inspectie",
    name: "Inspectie van het Onderwijs",
    kind: "inspectie",
    defaultBasis: "legal",
    statute: "Wet op het onderwijstoezicht",
    domains: ["owinsp.nl"],
    informParents: false,
  }),
  ggd: party({ id: "p-ggd", name: "GGD Regio", kind: "ggd", defaultBasis: "consent", domains: ["ggd.nl"], defaultPurposeId: "jgz" }),
  specialist: party({
    id: "p-ortho",
    name: "Orthopedagogenpraktijk",
    kind: "specialist",
    defaultBasis: "consent",
    domains: ["orthopraktijk.nl"],
    defaultPurposeId: "onderzoek",
  }),
  wijkteam: party({ id: "p-wijkteam", name: "Wijkteam", kind: "wijkteam", defaultBasis: "consent", domains: ["gemeente.nl"], defaultPurposeId: "jeugdhulp" }),
  jeugdteam: party({ id: "p-jeugdteam", name: "Jeugdteam", kind: "wijkteam", defaultBasis: "consent", domains: ["jeugd.gemeente.nl"], defaultPurposeId: "jeugdhulp" }),
  smw: party({ id: "p-smw", name: "Schoolmaatschappelijk werk", kind: "smw", defaultBasis: "consent", domains: ["smw.nl"] }),
  processor: party({ id: "p-sis", name: "Leerlingvolgsysteem BV", kind: "processor", defaultBasis: "consent", domains: ["lvs-leverancier.nl"] }),
} satisfies Record<string, Party>;

export function directory(policy: Partial<Policy> = {}): Directory {
  return {
    tenantId: "t-1",
    schools: [{ id: "sch-1", name: "De Regenboog", brin: "12AB", internalDomains: ["regenboog.nl"] }],
    students: [jan, noor, sam, zoe],
    parties: Object.values(parties),
    purposes: [
      { id: "verzuim", label: "verzuimmelding", farReaching: false },
      { id: "jgz", label: "jeugdgezondheidszorg", farReaching: false },
      { id: "onderzoek", label: "onderzoek door een specialist", farReaching: true },
      { id: "jeugdhulp", label: "jeugdhulp", farReaching: false },
    ],
    policies: [{ ...defaultPolicy("sch-1"), internalDomains: ["stichting-bestuur.nl"], ...policy }],
  };
}

let seq = 0;
const base = (studentId: string) => ({
  id: `ev-${++seq}`,
  studentId,
  seq,
  recordedBy: "user-ib",
  recordedAt: "2026-01-01T00:00:00Z",
  prevHash: "0",
  hash: "0",
});

export function consent(
  student: Student,
  by: { guardianId: string } | { student: true },
  o: Partial<Pick<ConsentEvent, "decision" | "partyId" | "purposeId" | "givenAt" | "validFrom" | "validUntil">> = {},
): ConsentEvent {
  const givenAt = o.givenAt ?? "2026-01-10T09:00:00Z";
  return {
    ...base(student.id),
    type: "consent",
    decision: o.decision ?? "granted",
    partyId: o.partyId ?? parties.ggd.id,
    purposeId: o.purposeId ?? "jgz",
    givenBy: by,
    method: "email",
    givenAt,
    validFrom: o.validFrom ?? givenAt,
    validUntil: o.validUntil ?? "2026-07-31T23:59:59Z",
  };
}

export function withdrawal(c: ConsentEvent, at: string): WithdrawalEvent {
  return { ...base(c.studentId), type: "withdrawal", consentId: c.id, partyId: c.partyId, purposeId: c.purposeId, by: c.givenBy, at };
}

export function notice(student: Student, partyId: string, purposeId: string, informedAt = "2026-02-01T09:00:00Z"): NoticeEvent {
  return { ...base(student.id), type: "notice", partyId, purposeId, informedAt, method: "letter" };
}

/** Registers map from events (grouped by student). */
export function registers(...events: RegisterEvent[]): Map<string, RegisterEvent[]> {
  const map = new Map<string, RegisterEvent[]>();
  for (const e of events) map.set(e.studentId, [...(map.get(e.studentId) ?? []), e]);
  return map;
}

export const mother = { guardianId: "g-jan-mother" };
export const father = { guardianId: "g-jan-father" };
export const bioFather = { guardianId: "g-jan-bio" };
export const noorsMother = { guardianId: "g-noor-mother" };
export const samsParent = { guardianId: "g-sam-parent" };

/** New events as a student's register holds them: numbered from 1 and hash-chained from the genesis hash. */
export function chain(events: NewEvent[]): RegisterEvent[] {
  const out: RegisterEvent[] = [];
  let prev = GENESIS_HASH;
  events.forEach((e, i) => {
    const c = chainEvent(e, i + 1, prev);
    out.push(c);
    prev = c.hash;
  });
  return out;
}

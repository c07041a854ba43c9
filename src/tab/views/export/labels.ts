/** Labels of the access export's fields and values, in both languages. */
import type { Lang } from "../../i18n.js";

/** "disclosureLog" -> "Disclosure log"; known names get their translated label. */
export const FIELD_LABELS: Record<string, { nl: string; en: string }> = {
  name: { nl: "Naam", en: "Name" },
  studentNumber: { nl: "Leerlingnummer", en: "Student number" },
  birthDate: { nl: "Geboortedatum", en: "Date of birth" },
  className: { nl: "Klas", en: "Class" },
  recipient: { nl: "Ontvanger", en: "Recipient" },
  party: { nl: "Partij", en: "Party" },
  partyId: { nl: "Partij", en: "Party" },
  purpose: { nl: "Doel", en: "Purpose" },
  purposeId: { nl: "Doel", en: "Purpose" },
  basis: { nl: "Grondslag", en: "Basis" },
  at: { nl: "Datum", en: "Date" },
  sentBy: { nl: "Verstuurd door", en: "Sent by" },
  verdict: { nl: "Uitkomst", en: "Verdict" },
  label: { nl: "Omschrijving", en: "Description" },
  years: { nl: "Jaren", en: "Years" },
  guardians: { nl: "Ouders en voogden", en: "Parents and guardians" },
  relation: { nl: "Relatie", en: "Relation" },
  hasAuthority: { nl: "Gezag", en: "Parental authority" },
  emails: { nl: "E-mail", en: "Email" },
  validUntil: { nl: "Geldig tot", en: "Valid until" },
  givenAt: { nl: "Gegeven op", en: "Given on" },
  method: { nl: "Manier", en: "Method" },
  decision: { nl: "Beslissing", en: "Decision" },
  givenBy: { nl: "Gegeven door", en: "Given by" },
  withdrawnAt: { nl: "Ingetrokken op", en: "Withdrawn on" },
  informedAt: { nl: "Geïnformeerd op", en: "Informed on" },
  informationShown: { nl: "Getoonde informatie", en: "Information shown" },
  evidence: { nl: "Bewijs", en: "Evidence" },
  messageId: { nl: "Message-ID", en: "Message-ID" },
  sha256: { nl: "SHA-256", en: "SHA-256" },
  date: { nl: "Datum", en: "Date" },
  reason: { nl: "Reden", en: "Reason" },
  brin: { nl: "BRIN", en: "BRIN" },
  leftDate: { nl: "Uitgeschreven op", en: "Left on" },
  notices: { nl: "Ouders geïnformeerd", en: "Parents informed" },
  overrides: { nl: "Genegeerde waarschuwingen", en: "Overridden warnings" },
  consents: { nl: "Toestemmingen", en: "Consents" },
  decisionTerm: { nl: "Termijn", en: "Term" },
  student: { nl: "Leerling", en: "Student" },
  rights: { nl: "Rechten", en: "Rights" },
  controller: { nl: "Verwerkingsverantwoordelijke", en: "Controller" },
  studentFile: { nl: "Leerlingdossier", en: "Student file" },
  absenceAndEnrolment: { nl: "Verzuim en in-/uitschrijving", en: "Absence and enrolment" },
  referral: { nl: "Verwijzing speciaal onderwijs", en: "Referral to special education" },
  consentRecords: { nl: "Toestemmingen en bewijs", en: "Consent records and evidence" },
  disclosureLog: { nl: "Verstrekkingenregister", en: "Disclosure log" },
};

/** Codes the server uses as values, in words. */
export const VALUE_LABELS: Record<string, { nl: string; en: string }> = {
  granted: { nl: "gegeven", en: "given" },
  refused: { nl: "geweigerd", en: "refused" },
  legal: { nl: "wettelijke grondslag", en: "legal basis" },
  consent: { nl: "toestemming", en: "consent" },
  guardian: { nl: "ouder zelf", en: "the parent" },
  override: { nl: "bewust genegeerd", en: "overridden" },
  email: { nl: "e-mail", en: "email" },
  paper: { nl: "papier", en: "paper" },
  oral: { nl: "mondeling", en: "oral" },
  portal: { nl: "ouderportaal", en: "parent portal" },
  letter: { nl: "brief", en: "letter" },
  meeting: { nl: "gesprek", en: "meeting" },
  mother: { nl: "moeder", en: "mother" },
  father: { nl: "vader", en: "father" },
  parent: { nl: "ouder", en: "parent" },
  "foster-parent": { nl: "pleegouder", en: "foster parent" },
};

export function labelOf(key: string, lang: Lang): string {
  const known = FIELD_LABELS[key];
  if (known) return known[lang];
  const words = key.replace(/([a-z0-9])([A-Z])/g, "$1 $2").replace(/[_-]+/g, " ").toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}


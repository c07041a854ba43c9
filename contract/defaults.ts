import type { Party, Purpose } from "./directory.js";

/**
 * The parties and purposes DOMAIN.md section 2 names, offered to a new school as a checklist (the tab's
 * "Inrichten" page). Without domains or addresses: the school adds those of its own region after
 * adopting them (a party without them is never matched, so nothing is judged by a guess).
 */
export const DEFAULT_PURPOSES: readonly Purpose[] = [
  { id: "verzuimmelding", label: "Verzuimmelding", farReaching: false, category: "absence" },
  { id: "voortgang", label: "Voortgang en resultaten", farReaching: false, category: "progress" },
  { id: "tlv-aanvraag", label: "Aanvraag toelaatbaarheidsverklaring en ondersteuning (SWV)", farReaching: false, category: "care" },
  { id: "onderwijskundig-rapport", label: "Onderwijskundig rapport bij overstap", farReaching: false, category: "progress" },
  { id: "overstap-vo", label: "Overdracht naar een nieuwe school (VO naar VO)", farReaching: true, category: "progress" },
  // The class list for the JGZ (Wet publieke gezondheid): name, date of birth, BRIN, type of education, enrolment date, class; never the file, never a BSN.
  { id: "klassenlijst-jgz", label: "Klassenlijst voor de jeugdgezondheidszorg (naam, geboortedatum, klas)", farReaching: false, category: "progress" },
  { id: "jgz-consult", label: "Consult jeugdarts of jeugdverpleegkundige (JGZ)", farReaching: false, category: "care", specialCategory: true },
  { id: "smw-begeleiding", label: "Begeleiding door schoolmaatschappelijk werk", farReaching: false, category: "care" },
  { id: "jeugdhulp", label: "Verwijzing naar jeugdhulp via het wijkteam", farReaching: true, category: "care" },
  { id: "onderzoek-specialist", label: "Onderzoek of behandeling door een externe specialist", farReaching: true, category: "care", specialCategory: true },
  { id: "vt-advies", label: "Advies vragen bij Veilig Thuis (meldcode stap 2, zonder naam)", farReaching: false, category: "advice" },
  { id: "melding-veilig-thuis", label: "Melding bij Veilig Thuis (meldcode)", farReaching: false, category: "care" },
  { id: "toezicht", label: "Toezicht door de Inspectie van het Onderwijs", farReaching: false, category: "progress" },
  { id: "registratie-duo", label: "Registratie van inschrijving en resultaten bij DUO", farReaching: false, category: "progress" },
];

export const DEFAULT_PARTIES: readonly Party[] = [
  { id: "leerplicht", name: "Leerplicht", kind: "leerplicht", domains: [], addresses: [], defaultBasis: "legal", statute: "Leerplichtwet 1969", defaultPurposeId: "verzuimmelding", legalPurposeIds: ["verzuimmelding"], informParents: true },
  { id: "swv", name: "Samenwerkingsverband passend onderwijs", kind: "swv", domains: [], addresses: [], defaultBasis: "legal", statute: "art. 18a WPO", defaultPurposeId: "tlv-aanvraag", legalPurposeIds: ["tlv-aanvraag"], informParents: true },
  { id: "nieuwe-school", name: "Ontvangende school (vanuit het primair onderwijs)", kind: "new-school-primary", domains: [], addresses: [], defaultBasis: "legal", statute: "art. 42 WPO (onderwijskundig rapport)", defaultPurposeId: "onderwijskundig-rapport", legalPurposeIds: ["onderwijskundig-rapport"], informParents: true },
  { id: "nieuwe-school-vo", name: "Ontvangende school (VO naar VO)", kind: "new-school-secondary", domains: [], addresses: [], defaultBasis: "consent", defaultPurposeId: "overstap-vo", informParents: true },
  { id: "veilig-thuis", name: "Veilig Thuis", kind: "veilig-thuis", domains: [], addresses: [], defaultBasis: "legal", statute: "Wmo 2015 art. 5.2.6, meldcode", defaultPurposeId: "vt-advies", legalPurposeIds: ["melding-veilig-thuis", "vt-advies"], informParents: true },
  { id: "ggd", name: "GGD (jeugdgezondheidszorg)", kind: "ggd", domains: [], addresses: [], defaultBasis: "consent", statute: "Wet publieke gezondheid", defaultPurposeId: "jgz-consult", legalPurposeIds: ["klassenlijst-jgz"], legalBasisConfirmed: true, informParents: true },
  { id: "smw", name: "Schoolmaatschappelijk werk", kind: "smw", domains: [], addresses: [], defaultBasis: "consent", defaultPurposeId: "smw-begeleiding", informParents: true },
  { id: "wijkteam", name: "Wijkteam / jeugdhulp", kind: "wijkteam", domains: [], addresses: [], defaultBasis: "consent", defaultPurposeId: "jeugdhulp", informParents: true },
  { id: "specialist", name: "Externe specialist (orthopedagoog, dyslexie, logopedie)", kind: "specialist", domains: [], addresses: [], defaultBasis: "consent", defaultPurposeId: "onderzoek-specialist", agreedChannel: "versleutelde mail", informParents: true },
  { id: "inspectie", name: "Inspectie van het Onderwijs", kind: "inspectie", domains: [], addresses: [], defaultBasis: "legal", statute: "Wet op het onderwijstoezicht", defaultPurposeId: "toezicht", legalPurposeIds: ["toezicht"], agreedChannel: "beveiligd kanaal van de inspectie", informParents: false },
  { id: "duo", name: "DUO", kind: "duo", domains: [], addresses: [], defaultBasis: "legal", statute: "Wet register onderwijsdeelnemers", defaultPurposeId: "registratie-duo", legalPurposeIds: ["registratie-duo"], informParents: false },
];

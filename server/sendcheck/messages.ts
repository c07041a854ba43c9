import type { ReasonCode } from "../../contract/sendcheck.js";
import { formatDutchDate, MONTHS } from "../directory/domain.js";

/**
 * All texts of the send check in one place, Dutch (default) and English. Every reason code has both
 * languages (the mapped type makes a missing one a compile error). Each message names the way out.
 */

export type { Lang } from "../../contract/enums.js";
import type { Lang } from "../../contract/enums.js";

/** What a reason message may mention. Absent fields get a neutral wording. */
export interface ReasonParams {
  /** Student's full name. */
  student?: string;
  /** Recipient address. */
  recipient?: string;
  party?: string;
  purpose?: string;
  statute?: string;
  /** ISO date (YYYY-MM-DD or date-time) the consent ends. */
  validUntil?: string;
  /** Names of who consented (CONSENT_VALID) or whose consent is missing (SECOND_GUARDIAN_REQUIRED). */
  holders?: string[];
  /** Age from which the student consents alone. */
  consentAge?: number;
  /** The students a homonym may be, as "Daan de Boer (5b)". */
  candidates?: string[];
  /** An attachment's file name. */
  attachment?: string;
  /** The party's kind (Veilig Thuis gets its own informing text). */
  partyKind?: string;
  /** ISO date the student left the school. */
  leftDate?: string;
  /** Labels of the purposes a legal basis covers, or that could apply. */
  covered?: string[];
  /** The party's agreed channel as the directory names it ("beveiligd portaal"). */
  channel?: string;
  /** The agreed channel is encrypted mail, which the school's sensitivity label can satisfy. */
  encryptable?: boolean;
  /** Why a recipient stayed unresolved, or an attachment unread (a code of recipients.ts / attachments.ts). */
  why?: string;
  /** A cloud attachment's link. */
  url?: string;
  /** A distribution list's or group's name. */
  list?: string;
}

type Template = (p: ReasonParams, lang: Lang) => string;
type Templates = { readonly [C in ReasonCode]: { readonly [L in Lang]: Template } };


/** "31 juli 2026" / "31 July 2026" from an ISO date or date-time (its UTC date). */
export function formatDate(iso: string, lang: Lang): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso);
  if (!m) return iso;
  const month = MONTHS[lang][Number(m[2]) - 1] ?? m[2];
  return `${Number(m[3])} ${month} ${m[1]}`;
}

export { formatDutchDate };

/** "A", "A en B", "A, B en C" (or "and"); with `or`: "A, B of C" (or "or"). */
export function joinNames(names: readonly string[], lang: Lang, or = false): string {
  const and = or ? (lang === "nl" ? " of " : " or ") : lang === "nl" ? " en " : " and ";
  if (names.length <= 1) return names[0] ?? "";
  return `${names.slice(0, -1).join(", ")}${and}${names[names.length - 1] ?? ""}`;
}

const or = (value: string | undefined, fallback: string): string => (value && value.length > 0 ? value : fallback);
const student = (p: ReasonParams, lang: Lang) => or(p.student, lang === "nl" ? "deze leerling" : "this student");
const party = (p: ReasonParams, lang: Lang) => or(p.party, lang === "nl" ? "deze partij" : "this party");
const purpose = (p: ReasonParams, lang: Lang) => or(p.purpose, lang === "nl" ? "dit doel" : "this purpose");
const until = (p: ReasonParams, lang: Lang) => (p.validUntil ? formatDate(p.validUntil, lang) : "?");
const holders = (p: ReasonParams, lang: Lang) =>
  p.holders && p.holders.length > 0 ? joinNames(p.holders, lang) : lang === "nl" ? "de andere ouder met gezag" : "the other holder of parental authority";
const age = (p: ReasonParams) => p.consentAge ?? 16;
const attachment = (p: ReasonParams, lang: Lang) => or(p.attachment, lang === "nl" ? "de bijlage" : "the attachment");

const UNRESOLVED_WHY: Record<string, Record<Lang, string>> = {
  "not-found": { nl: "dit adres is in de adreslijst niet gevonden", en: "this address was not found in the address list" },
  ambiguous: { nl: "deze naam past bij meer dan één persoon", en: "this name matches more than one person" },
  "no-graph": { nl: "de adreslijst kon niet worden geraadpleegd", en: "the address list could not be consulted" },
  "graph-error": { nl: "de adreslijst gaf geen antwoord", en: "the address list did not answer" },
  "hidden-members": {
    nl: "de leden van deze lijst zijn niet zichtbaar (verborgen of dynamisch lidmaatschap)",
    en: "the members of this list cannot be seen (hidden or dynamic membership)",
  },
  "empty-list": { nl: "deze lijst heeft geen zichtbare leden", en: "this list has no visible members" },
};
const UNREAD_WHY: Record<string, Record<Lang, string>> = {
  encrypted: { nl: "versleuteld of met wachtwoord", en: "encrypted or password-protected" },
  "no-text": { nl: "geen tekst (een scan of afbeelding?)", en: "no text (a scan or an image?)" },
  image: { nl: "een afbeelding", en: "an image" },
  unsupported: { nl: "een bestandstype dat niet gelezen kan worden", en: "a file type that cannot be read" },
  timeout: { nl: "lezen duurde te lang", en: "reading took too long" },
  damaged: { nl: "het bestand is beschadigd", en: "the file is damaged" },
  "too-large": { nl: "groter dan de grens per bijlage", en: "larger than the limit per attachment" },
  "mail-too-large": { nl: "de bijlagen samen zijn groter dan de grens per mail", en: "the attachments together exceed the limit per mail" },
  cloud: { nl: "een koppeling naar een bestand in de cloud", en: "a link to a file in the cloud" },
  "not-sent": { nl: "de inhoud is niet meegestuurd", en: "its contents were not sent" },
  unreadable: { nl: "niet leesbaar", en: "unreadable" },
};
const whyText = (table: Record<string, Record<Lang, string>>, p: ReasonParams, l: Lang, fallback: string): string =>
  (table[p.why ?? ""] ?? table[fallback])?.[l] ?? "";

export const REASON_MESSAGES: Templates = {
  NO_STUDENT: {
    nl: () => "Geen leerling herkend in deze mail. Gaat de mail toch over een leerling, noem dan de naam of het leerlingnummer.",
    en: () => "No student recognised in this mail. If it is about a student after all, give the name or student number.",
  },
  INTERNAL: {
    nl: () => "Collega binnen de school (geen verstrekking). Deel alleen wat deze collega nodig heeft.",
    en: () => "Colleague inside the school (not a disclosure). Share only what this colleague needs.",
  },
  OWN_GUARDIAN: {
    nl: (p, l) => `Ouder met gezag of voogd van ${student(p, l)}: eigen recht op informatie.`,
    en: (p, l) => `Parent with parental authority or guardian of ${student(p, l)}: their own right to information.`,
  },
  GUARDIAN_WITHOUT_AUTHORITY: {
    nl: (p, l) =>
      `Ouder zonder gezag van ${student(p, l)}: krijgt alleen op eigen verzoek informatie over belangrijke zaken (art. 1:377c BW), niet meer dan de ouder met gezag krijgt en niet als dat tegen het belang van het kind is. Geen zeggenschap over toestemming. De verstrekking wordt vastgelegd op grond van art. 1:377c BW.`,
    en: (p, l) =>
      `Parent of ${student(p, l)} without parental authority: gets information on important matters only on request (art. 1:377c Dutch Civil Code), no more than the parent with authority gets and not against the child's interest. No say in consent. The disclosure is logged on the basis of art. 1:377c.`,
  },
  OTHER_STUDENTS_GUARDIAN: {
    nl: (p, l) =>
      `Deze ontvanger is geen ouder of voogd van ${student(p, l)}: dit lijkt een verkeerd geadresseerde mail met gegevens van een ander kind. Verwijder deze ontvanger.`,
    en: (p, l) =>
      `This recipient is not a parent or guardian of ${student(p, l)}: this looks like a misdirected mail with another child's data. Remove this recipient.`,
  },
  LEGAL_BASIS: {
    nl: (p, l) => `${party(p, l)} mag dit ontvangen op grond van de wet${p.statute ? ` (${p.statute})` : ""}. De verstrekking wordt vastgelegd.`,
    en: (p, l) => `${party(p, l)} may receive this on a legal basis${p.statute ? ` (${p.statute})` : ""}. The disclosure will be logged.`,
  },
  PARENTS_NOT_INFORMED: {
    nl: (p, l) =>
      p.partyKind === "veilig-thuis"
        ? `Wettelijke grondslag${p.statute ? ` (${p.statute})` : ""}, maar in het register staat niet dat de ouders van ${student(p, l)} zijn geïnformeerd over „${purpose(p, l)}” aan ${party(p, l)}. Vertel het de ouders vooraf, tenzij dat het kind of een ander in gevaar brengt. Leg in het register vast dat u ze hebt geïnformeerd, of dat u ze niet informeert en waarom.`
        : `Wettelijke grondslag${p.statute ? ` (${p.statute})` : ""}, maar de ouders van ${student(p, l)} zijn nog niet geïnformeerd over „${purpose(p, l)}” aan ${party(p, l)}. Informeer de ouders en leg dat vast in het register.`,
    en: (p, l) =>
      p.partyKind === "veilig-thuis"
        ? `Legal basis${p.statute ? ` (${p.statute})` : ""}, but the register does not show that the parents of ${student(p, l)} were informed of "${purpose(p, l)}" to ${party(p, l)}. Tell the parents beforehand, unless that endangers the child or someone else. Record in the register that you informed them, or that you do not inform them and why.`
        : `Legal basis${p.statute ? ` (${p.statute})` : ""}, but the parents of ${student(p, l)} have not been informed of "${purpose(p, l)}" to ${party(p, l)}. Inform the parents and record that in the register.`,
  },
  CONSENT_VALID: {
    nl: (p, l) =>
      `Toestemming${p.holders && p.holders.length > 0 ? ` van ${joinNames(p.holders, l)}` : ""} voor ${purpose(p, l)} aan ${party(p, l)} over ${student(p, l)} is geldig tot en met ${until(p, l)}.`,
    en: (p, l) =>
      `Consent${p.holders && p.holders.length > 0 ? ` of ${joinNames(p.holders, l)}` : ""} for ${purpose(p, l)} to ${party(p, l)} about ${student(p, l)} is valid until ${until(p, l)} inclusive.`,
  },
  NO_CONSENT: {
    nl: (p, l) =>
      `Geen toestemming voor ${purpose(p, l)} aan ${party(p, l)} over ${student(p, l)}. Vraag de ouders met gezag (of de voogd) om toestemming, of verwijder deze ontvanger.`,
    en: (p, l) =>
      `No consent for ${purpose(p, l)} to ${party(p, l)} about ${student(p, l)}. Ask the parents with parental authority for consent, or remove this recipient.`,
  },
  CONSENT_REFUSED: {
    nl: (p, l) =>
      `Toestemming voor ${purpose(p, l)} aan ${party(p, l)} over ${student(p, l)} is geweigerd. Verwijder deze ontvanger; verstuur alleen na nieuwe toestemming.`,
    en: (p, l) =>
      `Consent for ${purpose(p, l)} to ${party(p, l)} about ${student(p, l)} was refused. Remove this recipient; send only after new consent.`,
  },
  CONSENT_WITHDRAWN: {
    nl: (p, l) =>
      `Toestemming voor ${purpose(p, l)} aan ${party(p, l)} over ${student(p, l)} is ingetrokken. Verwijder deze ontvanger; verstuur alleen na nieuwe toestemming.`,
    en: (p, l) =>
      `Consent for ${purpose(p, l)} to ${party(p, l)} about ${student(p, l)} was withdrawn. Remove this recipient; send only after new consent.`,
  },
  CONSENT_EXPIRED: {
    nl: (p, l) =>
      `Toestemming voor ${purpose(p, l)} aan ${party(p, l)} over ${student(p, l)} is verlopen op ${until(p, l)}. Vraag opnieuw toestemming aan, of verwijder deze ontvanger.`,
    en: (p, l) =>
      `Consent for ${purpose(p, l)} to ${party(p, l)} about ${student(p, l)} expired on ${until(p, l)}. Ask for consent again, or remove this recipient.`,
  },
  SECOND_GUARDIAN_REQUIRED: {
    nl: (p, l) =>
      `Het doel „${purpose(p, l)}” is ingrijpend: alle ouders met gezag van ${student(p, l)} moeten toestemming geven. Nog nodig: ${holders(p, l)}. Vraag ${holders(p, l)} om toestemming.`,
    en: (p, l) =>
      `The purpose "${purpose(p, l)}" is far-reaching: every holder of parental authority of ${student(p, l)} must consent. Still missing: ${holders(p, l)}. Ask ${holders(p, l)} for consent.`,
  },
  STUDENT_CONSENT_REQUIRED: {
    nl: (p, l) =>
      `${student(p, l)} is ${age(p)} jaar of ouder: alleen de eigen toestemming van de leerling telt (die van ouders vervalt). Vraag ${student(p, l)} om toestemming, of verwijder deze ontvanger.`,
    en: (p, l) =>
      `${student(p, l)} is ${age(p)} or older: only the student's own consent counts (a parent's lapses). Ask ${student(p, l)} for consent, or remove this recipient.`,
  },
  NO_PURPOSE: {
    nl: (p, l) => `Voor ${party(p, l)} is toestemming nodig, maar er is geen (bekend) doel gekozen. Kies het doel van deze mail.`,
    en: (p, l) => `${party(p, l)} needs consent, but no (known) purpose was chosen. Choose the purpose of this mail.`,
  },
  PROCESSOR_NOT_A_RECIPIENT: {
    nl: (p, l) =>
      `${party(p, l)} is een verwerker (leverancier) en geen ontvanger van zorgverslagen. Verwijder deze ontvanger.`,
    en: (p, l) => `${party(p, l)} is a processor (supplier), not a recipient of care reports. Remove this recipient.`,
  },
  PURPOSE_NOT_COVERED: {
    nl: (p, l) =>
      `De wettelijke grondslag van ${party(p, l)}${p.statute ? ` (${p.statute})` : ""} geldt alleen voor ${joinNames(p.covered ?? [], l) || "een ander doel"}, niet voor „${purpose(p, l)}”. Voor dit doel is toestemming nodig. Vraag om toestemming, kies het juiste doel, of verwijder deze ontvanger.`,
    en: (p, l) =>
      `The legal basis of ${party(p, l)}${p.statute ? ` (${p.statute})` : ""} covers only ${joinNames(p.covered ?? [], l) || "another purpose"}, not "${purpose(p, l)}". This purpose needs consent. Ask for consent, choose the right purpose, or remove this recipient.`,
  },
  PURPOSE_ASSUMED: {
    nl: (p, l) => `Beoordeeld als: ${purpose(p, l)}, het standaarddoel van ${party(p, l)}. Gaat de mail over iets anders, kies dan het doel in het taakvenster.`,
    en: (p, l) => `Judged as: ${purpose(p, l)}, the default purpose of ${party(p, l)}. If the mail is about something else, choose the purpose in the task pane.`,
  },
  PURPOSE_AMBIGUOUS: {
    nl: (p, l) =>
      `Voor ${party(p, l)} kunnen meer doelen gelden (${joinNames(p.covered ?? [], l)}). Kies het doel van deze mail in het taakvenster; nu beoordeeld als „${purpose(p, l)}”.`,
    en: (p, l) =>
      `More than one purpose could apply to ${party(p, l)} (${joinNames(p.covered ?? [], l)}). Choose the purpose of this mail in the task pane; judged now as "${purpose(p, l)}".`,
  },
  ADVICE_WITHOUT_NAME: {
    nl: (p, l) => `Advies bij ${party(p, l)} vraagt u zonder naam: vraag advies zonder naam. Haal de naam van ${student(p, l)} en andere herkenbare gegevens uit de mail.`,
    en: (p, l) => `Advice from ${party(p, l)} is asked without a name: ask for advice without naming the child. Remove the name of ${student(p, l)} and other identifying details from the mail.`,
  },
  STUDENT_LEFT: {
    nl: (p, l) =>
      `${student(p, l)} is${p.leftDate ? ` sinds ${formatDate(p.leftDate, l)}` : ""} niet meer op school. De wettelijke taak is meestal voorbij: verstuur alleen als deze wet dat na het vertrek nog vraagt.`,
    en: (p, l) =>
      `${student(p, l)} left the school${p.leftDate ? ` on ${formatDate(p.leftDate, l)}` : ""}. The statutory task has usually ended: send only if the statute still requires it after leaving.`,
  },
  ORAL_CONSENT_UNCONFIRMED: {
    nl: (p, l) =>
      `Voor „${purpose(p, l)}” aan ${party(p, l)} over ${student(p, l)} is alleen mondelinge toestemming vastgelegd. Voor een ingrijpend doel of gezondheidsgegevens telt die alleen met een schriftelijke bevestiging (mail, papier of portaal). Vraag om die bevestiging.`,
    en: (p, l) =>
      `Only oral consent is recorded for "${purpose(p, l)}" to ${party(p, l)} about ${student(p, l)}. For a far-reaching purpose or health data it counts only with a written confirmation (email, paper or portal). Ask for that confirmation.`,
  },
  OWN_STUDENT_ACCOUNT: {
    nl: (p, l) => `Het eigen schoolaccount van ${student(p, l)}: de leerling is ${age(p)} jaar of ouder en heeft eigen recht op deze informatie.`,
    en: (p, l) => `The own school account of ${student(p, l)}: the student is ${age(p)} or older and has an own right to this information.`,
  },
  OWN_STUDENT_ACCOUNT_UNDER_16: {
    nl: (p, l) => `Het eigen schoolaccount van ${student(p, l)}, jonger dan ${age(p)}. Is deze informatie geschikt voor de leerling zelf? Stuur zorginformatie liever aan de ouders met gezag.`,
    en: (p, l) => `The own school account of ${student(p, l)}, younger than ${age(p)}. Is this information fit for the student? Send care information to the parents with authority instead.`,
  },
  OTHER_STUDENTS_ACCOUNT: {
    nl: (p, l) => `Dit is het schoolaccount van een leerling, niet van ${student(p, l)} en geen collega: dit lijkt een verkeerd geadresseerde mail. Verwijder deze ontvanger.`,
    en: (p, l) => `This is a student's school account, not that of ${student(p, l)} and not a colleague: this looks like a misdirected mail. Remove this recipient.`,
  },
  PARENT_OF_16_NO_PURPOSE: {
    nl: (p, l) =>
      `${student(p, l)} is ${age(p)} of ouder. Ouders krijgen voortgang en verzuim als eigen recht; zorginformatie alleen met toestemming van de leerling. Kies het doel van deze mail in het taakvenster.`,
    en: (p, l) =>
      `${student(p, l)} is ${age(p)} or older. Parents get progress and absence as their own right; care information only with the student's consent. Choose the purpose of this mail in the task pane.`,
  },
  STUDENT_CONSENT_FOR_PARENTS: {
    nl: (p, l) =>
      `${student(p, l)} is ${age(p)} of ouder: zorginformatie („${purpose(p, l)}”) aan de ouders vraagt de toestemming van de leerling zelf. Vraag ${student(p, l)} om toestemming, of verwijder deze ontvanger.`,
    en: (p, l) =>
      `${student(p, l)} is ${age(p)} or older: care information ("${purpose(p, l)}") to the parents needs the student's own consent. Ask ${student(p, l)} for consent, or remove this recipient.`,
  },
  ADULT_STUDENT_CONSENT_REQUIRED: {
    nl: (p, l) =>
      `${student(p, l)} is 18 of ouder: niemand heeft nog gezag. Ouders krijgen alleen informatie met toestemming van de leerling. Vraag ${student(p, l)} om toestemming, of verwijder deze ontvanger.`,
    en: (p, l) =>
      `${student(p, l)} is 18 or older: nobody holds parental authority. Parents get information only with the student's consent. Ask ${student(p, l)} for consent, or remove this recipient.`,
  },
  UNKNOWN_RECIPIENT: {
    nl: () =>
      "Onbekende ontvanger: geen collega, ouder of partij uit de lijst. Verwijder deze ontvanger, of laat de coördinator de partij aan de lijst toevoegen.",
    en: () =>
      "Unknown recipient: not a colleague, parent or listed party. Remove this recipient, or have the coordinator add the party to the directory.",
  },
  AMBIGUOUS_STUDENT: {
    nl: (p, l) =>
      `Deze mail noemt een naam die bij meer dan één leerling past: ${joinNames(p.candidates ?? [], l, true)}. Zet het leerlingnummer of de klas erbij, zodat de controle weet over wie het gaat.`,
    en: (p, l) =>
      `This mail names someone who matches more than one student: ${joinNames(p.candidates ?? [], l, true)}. Add the student number or the class, so the check knows who it is about.`,
  },
  BSN_IN_MAIL: {
    nl: () =>
      "Deze mail bevat een burgerservicenummer (BSN). Een BSN gaat alleen naar DUO of mee met de wettelijke overstap naar een andere school. Haal het BSN uit de mail.",
    en: () =>
      "This mail contains a citizen service number (BSN). A BSN goes only to DUO or with the statutory transfer to another school. Remove the BSN from the mail.",
  },
  WHOLE_FILE: {
    nl: (p, l) =>
      `"${attachment(p, l)}" lijkt een volledig leerlingdossier. Stuur ${party(p, l)} alleen wat nodig is voor dit doel (dataminimalisatie), ook met toestemming.`,
    en: (p, l) =>
      `"${attachment(p, l)}" looks like a complete student file. Send ${party(p, l)} only what this purpose needs (data minimisation), even with consent.`,
  },
  ATTACHMENT_WITHOUT_STUDENT: {
    nl: (p, l) =>
      `In deze mail met "${attachment(p, l)}" herkent de controle geen leerling. Over welke leerling gaat het? Kies de leerling in het taakvenster, of zet de naam of het leerlingnummer in het onderwerp, zodat de verstrekking aan ${party(p, l)} getoetst en vastgelegd wordt.`,
    en: (p, l) =>
      `The check recognises no student in this mail with "${attachment(p, l)}". Which student is it about? Choose the student in the task pane, or put the name or student number in the subject, so the disclosure to ${party(p, l)} is checked and logged.`,
  },
  AGREED_CHANNEL: {
    nl: (p, l) =>
      `Met ${party(p, l)} is een ander kanaal afgesproken dan gewone e-mail: ${or(p.channel, "een beveiligd kanaal")}. ${
        p.encryptable ? "Verstuur versleuteld (in het taakvenster: „Versleuteld verzenden”) of via dat kanaal." : "Verstuur de gegevens via dat kanaal, niet per e-mail."
      }`,
    en: (p, l) =>
      `${party(p, l)} agreed on another channel than plain email: ${or(p.channel, "a secure channel")}. ${
        p.encryptable ? "Send encrypted (in the task pane: \"Send encrypted\") or through that channel." : "Send the data through that channel, not by email."
      }`,
  },
  UNRESOLVED_RECIPIENT: {
    nl: (p, l) =>
      `Ontvanger niet te controleren: ${whyText(UNRESOLVED_WHY, p, l, "not-found")}. Kies het adres opnieuw uit de lijst (of typ het volledige e-mailadres) en verstuur opnieuw.`,
    en: (p, l) =>
      `Recipient cannot be checked: ${whyText(UNRESOLVED_WHY, p, l, "not-found")}. Choose the address again from the list (or type the full email address) and send again.`,
  },
  NO_USABLE_RECIPIENT: {
    nl: () =>
      "Geen enkele ontvanger van deze mail kon worden gecontroleerd. Kies de adressen opnieuw uit de lijst (of typ de volledige e-mailadressen) en verstuur opnieuw.",
    en: () => "None of the recipients of this mail could be checked. Choose the addresses again from the list (or type the full email addresses) and send again.",
  },
  INTERNAL_LIST: {
    nl: (p) =>
      `Verzendlijst "${or(p.list, "lijst")}": iedereen op de lijst krijgt deze gegevens. Stuur het alleen aan de collega's die het moeten weten, niet aan de hele lijst.`,
    en: (p) => `Distribution list "${or(p.list, "list")}": everyone on it receives this data. Send it only to the colleagues who need to know, not to the whole list.`,
  },
  ATTACHMENT_UNREADABLE: {
    nl: (p, l) =>
      `Bijlage "${attachment(p, l)}" kon niet worden gelezen (${whyText(UNREAD_WHY, p, l, "unreadable")})${p.url ? `: ${p.url}` : ""}. Over welke leerling gaat het? Noem de leerling (naam of leerlingnummer) in de mail, of stuur een leesbare versie.`,
    en: (p, l) =>
      `Attachment "${attachment(p, l)}" could not be read (${whyText(UNREAD_WHY, p, l, "unreadable")})${p.url ? `: ${p.url}` : ""}. Which student is it about? Name the student (name or student number) in the mail, or attach a readable version.`,
  },
};

export function reasonMessage(code: ReasonCode, params: ReasonParams, lang: Lang): string {
  return REASON_MESSAGES[code][lang](params, lang);
}

/** Sentences of the overall message. */
export const SUMMARY = {
  nl: {
    blocked: "Niet verzenden.",
    warning: "Let op.",
    allowed: (students: string[]) => `In orde: alle ontvangers mogen deze gegevens over ${joinNames(students, "nl")} ontvangen.`,
    assumed: (purpose: string, party: string) => `Beoordeeld als: ${purpose}, het standaarddoel van ${party}.`,
    more: (n: number) => ` (+${n} ${n === 1 ? "ander probleem" : "andere problemen"})`,
  },
  en: {
    blocked: "Do not send.",
    warning: "Please note.",
    allowed: (students: string[]) => `All clear: every recipient may receive this data about ${joinNames(students, "en")}.`,
    assumed: (purpose: string, party: string) => `Judged as: ${purpose}, the default purpose of ${party}.`,
    more: (n: number) => ` (+${n} more ${n === 1 ? "problem" : "problems"})`,
  },
} as const satisfies Record<Lang, unknown>;

/** Cuts text to at most `max` UTF-16 units (never inside a surrogate pair), ending in "…" when cut. */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  let out = "";
  for (const c of text) {
    if (out.length + c.length + 1 > max) break;
    out += c;
  }
  return `${out.trimEnd()}…`;
}

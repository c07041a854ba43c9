/**
 * The server's own texts (errors and validation messages), a catalogue of the one mechanism
 * (contract/i18n.ts), answered in the request's language (Accept-Language; Dutch unless English is
 * preferred). The send check's reasons have their own texts (server/sendcheck/messages.ts).
 */
import { defineCatalogue, fill, texts, type Lang, type Texts } from "../../contract/i18n.js";
import type { ErrorCode } from "../../contract/errors.js";

const nl = {
  /** A text per error code, for errors that carry no text of their own in Dutch. */
  errors: {
    BAD_JSON: "De gegevens zijn geen geldige JSON.",
    BAD_ENCODING: "De gegevens zijn niet te lezen met de opgegeven codering.",
    VALIDATION_FAILED: "De invoer is niet geldig.",
    BODY_TOO_LARGE: "De gegevens zijn te groot.",
    UNAUTHENTICATED: "Meld u eerst aan.",
    TOKEN_EXPIRED: "Uw aanmelding is verlopen. Meld u opnieuw aan.",
    TOKEN_NOT_YET_VALID: "Uw aanmelding is nog niet geldig. Controleer de klok van uw computer en meld u opnieuw aan.",
    TOKEN_INVALID: "Uw aanmelding is niet geldig. Meld u opnieuw aan.",
    TOKEN_WRONG_AUDIENCE: "Uw aanmelding is niet voor Zorgvuldig bedoeld. Meld u opnieuw aan.",
    TOKEN_WRONG_ISSUER: "Uw aanmelding komt niet van een toegestane organisatie.",
    TOKEN_UNKNOWN_KEY: "Uw aanmelding kon niet worden gecontroleerd. Meld u opnieuw aan.",
    TENANT_NOT_ALLOWED: "Uw organisatie mag deze dienst niet gebruiken.",
    HOST_NOT_ALLOWED: "De ontwikkelmodus antwoordt alleen op localhost.",
    FORBIDDEN: "U heeft hiervoor niet de juiste rol.",
    NOT_FOUND: "Niet gevonden.",
    CONFLICT: "Dit kan nu niet: het is al gebeurd, of iemand anders wijzigde het tegelijk. Vernieuw de gegevens en probeer het opnieuw.",
    ALREADY_WITHDRAWN: "Deze toestemming is al ingetrokken.",
    NOT_A_GUARDIAN: "Deze persoon staat niet geregistreerd als ouder met gezag of voogd van deze leerling.",
    NO_AUTHORITY: "Deze ouder heeft geen gezag (ouder zonder gezag) en beslist niet over toestemming.",
    STUDENT_TOO_YOUNG: "De leerling is te jong om zelf te beslissen; een ouder met gezag of voogd beslist.",
    STUDENT_DECIDES: "De leerling is oud genoeg om zelf te beslissen; een ouder kan dat niet meer.",
    AUTHORITY_UNCONFIRMED: "Het gezag van deze ouder is nog niet bevestigd.",
    LEGAL_BASIS_NOT_CONFIRMED: "Deze partij krijgt gegevens alleen met toestemming, tenzij een wet is genoemd en bevestigd.",
    DOMAIN_CONFLICT: "Dit domein hoort al bij een andere partij met een andere grondslag.",
    UNPROCESSABLE: "Dit kan niet worden verwerkt.",
    RATE_LIMITED: "Te veel verzoeken. Probeer het zo opnieuw.",
    STORAGE_UNAVAILABLE: "De opslag is even niet bereikbaar. Probeer het zo opnieuw.",
    REGISTER_INTEGRITY: "Het register van deze leerling is niet betrouwbaar (de controle op wijzigingen faalt). Neem contact op met de beheerder.",
    CONSENT_REQUIRED: "Zorgvuldig heeft nog geen toestemming om uw mailbox te gebruiken. Vraag het de beheerder.",
    INTERACTION_REQUIRED: "Meld u opnieuw aan (of rond de aanmelding in twee stappen af) om verder te gaan.",
    GRAPH_ERROR: "Microsoft 365 gaf een fout. Probeer het later opnieuw.",
    INTERNAL: "Er ging bij ons iets mis. Probeer het opnieuw.",
    DUPLICATE_MESSAGE: "Deze e-mail is al vastgelegd als toestemming voor deze leerling.",
    LINK_INVALID: "Deze link is niet geldig. Gebruik de link uit de e-mail van de school, of vraag de school om een nieuwe.",
    LINK_EXPIRED: "Deze link is verlopen. Vraag de school om een nieuwe.",
    ALREADY_ANSWERED: "Op deze link is al geantwoord. Wilt u iets veranderen? Neem contact op met de school.",
    APPROVAL_REQUIRED: "Dit wist of verkort gegevens en vraagt daarom eerst de goedkeuring van een tweede persoon: een andere coördinator van de school of de privacyfunctionaris.",
    SECOND_PERSON_REQUIRED: "Een voorstel moet worden goedgekeurd door een ander dan wie het deed.",
    TEXT_TOO_COMPLEX: "Deze e-mail kon niet op tijd worden gelezen voor de controle. Maak de tekst korter of probeer het opnieuw.",
    RESPONSE_INVALID: "Het antwoord van de server klopt niet met zijn beschrijving (testmodus).",
    DATE_IN_FUTURE: "Een datum ligt in de toekomst. Kies vandaag of eerder.",
    BACKUP_INVALID: "Dit is geen (versleutelde) back-up van Zorgvuldig. Er is niets teruggezet.",
    BACKUP_KEY_UNKNOWN: "De sleutel waarmee deze back-up is versleuteld staat niet in de configuratie (BACKUP_KEYS). Er is niets teruggezet.",
    BACKUP_DECRYPT_FAILED: "Deze back-up kon niet worden ontsleuteld: een verkeerde sleutel, of het bestand is veranderd. Er is niets teruggezet.",
    BACKUP_WRONG_TENANT: "Deze back-up hoort bij een andere organisatie. Er is niets teruggezet.",
    BACKUP_ROW_INVALID: "Een rij in deze back-up klopt niet (tabel, sleutel, organisatie, vorm of keten). Er is niets teruggezet.",
    BACKUP_TRUNCATED: "Deze back-up is onvolledig: het bestand houdt op voor het laatste deel. Er is niets teruggezet.",
    RESTORE_CONFLICT: "Terugzetten zou bestaande geschiedenis vervangen. Er is niets teruggezet.",
  },
  validation: {
    bodyRequired: "Er zijn geen gegevens meegestuurd.",
    invalid: "De invoer is niet geldig: {fields}.",
    pathParam: "De verwijzing {name} in het adres is niet geldig (hoogstens 100 letters, cijfers of . _ ~ : @ -).",
    tooDeep: "De gegevens zijn dieper genest dan {max} niveaus.",
  },
  /** Field messages: the kind of problem zod reports, in words a coordinator understands. */
  issues: {
    required: "is verplicht",
    type: "moet {expected} zijn",
    tooShort: "moet minstens {min} tekens hebben",
    tooLong: "mag hoogstens {max} tekens hebben",
    tooSmall: "moet minstens {min} zijn",
    tooBig: "mag hoogstens {max} zijn",
    tooFew: "moet minstens {min} items hebben",
    tooMany: "mag hoogstens {max} items hebben",
    oneOf: "kies een van: {options}",
    format: "heeft niet de juiste vorm",
    date: "moet een datum zijn (JJJJ-MM-DD)",
    dateTime: "moet een datum met tijd zijn",
    email: "moet een e-mailadres zijn",
    unknownFields: "onbekende velden: {fields}",
    invalid: "is niet geldig",
  },
  /** Words for zod's types in `issues.type`. */
  types: { string: "tekst", number: "een getal", boolean: "ja of nee", array: "een lijst", object: "een object", date: "een datum" },
  /** The contract's own field messages (schema refinements); the English text is the schema's. */
  details: {
    afterGivenAt: "moet na het moment van toestemming liggen",
    oralHeardBy: "bij mondelinge toestemming: wie heeft het gehoord",
    emailEvidence: "toestemming per e-mail heeft het bewijs van die e-mail nodig",
    notInformedReason: "vastleggen dat de ouders niet zijn geïnformeerd vraagt de reden",
    unknownPurpose: "onbekend doel",
    unknownParty: "onbekende partij",
    unknownSchool: "onbekende school",
    unknownStudent: "onbekende leerling",
    emailAddress: "moet een e-mailadres zijn",
    domainName: "moet een domeinnaam zijn, zoals school.nl",
    hex64: "moet 64 hexadecimale tekens zijn",
    notEmpty: "mag niet leeg zijn",
    postcode: "moet een postcode zijn, zoals 1234 AB",
    monthDay: "moet MM-DD zijn, zoals 07-31",
    isoDate: "moet JJJJ-MM-DD zijn",
    brin: "4 tekens, zoals 12AB",
    studentNumber: "letters en cijfers, hoogstens 20",
    labelId: "de id van het label (een GUID)",
    equalsPathId: "moet gelijk zijn aan de id in het adres",
    equalsPath: "moet gelijk zijn aan het adres",
    missingColumn: "kolom ontbreekt",
  },
  /** Row problems of a student-system import (CSV), next to the row in the import wizard. */
  csv: {
    dateInvalid: "geen geldige datum (dd-mm-jjjj)",
    dateFuture: "geboortedatum ligt in de toekomst",
    duplicateNumber: "leerlingnummer staat twee keer in het bestand; de eerste rij telt",
    duplicateGuardian: "twee ouders van deze leerling hebben hetzelfde e-mailadres (of dezelfde naam zonder adres)",
    emailLeftOut: "een ongeldig e-mailadres is weggelaten",
    gezagUnknown: "gezag onbekend: vastgelegd als zonder gezag (bevestig het gezag later)",
  },
  check: {
    unknownPurpose: "Onbekend doel.",
    unknownStudent: "Deze leerling bestaat niet (meer).",
    alreadyOverridden: "Deze controle is al overschreven.",
    nothingToOverride: "Deze controle stond de mail toe; er is niets te overschrijven.",
  },
};

const en: Texts<typeof nl> = {
  errors: {
    BAD_JSON: "The request body is not valid JSON.",
    BAD_ENCODING: "The request body cannot be decoded with its Content-Encoding.",
    VALIDATION_FAILED: "The input is not valid.",
    BODY_TOO_LARGE: "The request body is too large.",
    UNAUTHENTICATED: "Sign in first.",
    TOKEN_EXPIRED: "Your sign-in has expired. Sign in again.",
    TOKEN_NOT_YET_VALID: "Your sign-in is not valid yet. Check your computer's clock and sign in again.",
    TOKEN_INVALID: "Your sign-in is not valid. Sign in again.",
    TOKEN_WRONG_AUDIENCE: "Your sign-in is not meant for Zorgvuldig. Sign in again.",
    TOKEN_WRONG_ISSUER: "Your sign-in does not come from an allowed organisation.",
    TOKEN_UNKNOWN_KEY: "Your sign-in could not be verified. Sign in again.",
    TENANT_NOT_ALLOWED: "This organisation is not allowed to use this service.",
    HOST_NOT_ALLOWED: "Dev mode answers only to localhost.",
    FORBIDDEN: "You do not have the role this needs.",
    NOT_FOUND: "Not found.",
    CONFLICT: "This cannot be done now: it already happened, or someone else changed it at the same time. Refresh and try again.",
    ALREADY_WITHDRAWN: "This consent was already withdrawn.",
    NOT_A_GUARDIAN: "This person is not a registered parent with authority or guardian of the student.",
    NO_AUTHORITY: "This parent does not hold parental authority and has no say in consent.",
    STUDENT_TOO_YOUNG: "The student is too young to decide alone; a parent with authority or guardian decides.",
    STUDENT_DECIDES: "The student is old enough to decide alone; a parent no longer can.",
    AUTHORITY_UNCONFIRMED: "The parental authority of this parent is not confirmed yet.",
    LEGAL_BASIS_NOT_CONFIRMED: "This party receives data only with consent, unless a statute is named and confirmed.",
    DOMAIN_CONFLICT: "This domain already belongs to another party with another basis.",
    UNPROCESSABLE: "This cannot be processed.",
    RATE_LIMITED: "Too many requests. Try again shortly.",
    STORAGE_UNAVAILABLE: "Storage is not available right now. Try again shortly.",
    REGISTER_INTEGRITY: "This student's register cannot be trusted (its tamper check fails). Contact your administrator.",
    CONSENT_REQUIRED: "Zorgvuldig has no consent yet to use your mailbox. Ask your administrator.",
    INTERACTION_REQUIRED: "Sign in again (or complete multi-factor sign-in) to continue.",
    GRAPH_ERROR: "Microsoft 365 returned an error. Try again later.",
    INTERNAL: "Something went wrong on our side. Try again.",
    DUPLICATE_MESSAGE: "This email is already recorded as consent for this student.",
    LINK_INVALID: "This link is not valid. Use the link in the school's email, or ask the school for a new one.",
    LINK_EXPIRED: "This link has expired. Ask the school for a new one.",
    ALREADY_ANSWERED: "This link has already been answered. To change your answer, contact the school.",
    APPROVAL_REQUIRED: "This erases or shortens records and so first needs a second person's approval: another coordinator of the school or the privacy officer.",
    SECOND_PERSON_REQUIRED: "A proposal must be approved by someone other than its proposer.",
    TEXT_TOO_COMPLEX: "This email could not be read in time for the check. Shorten the text or try again.",
    RESPONSE_INVALID: "The server's answer does not match its description (test mode).",
    DATE_IN_FUTURE: "A date is in the future. Choose today or earlier.",
    BACKUP_INVALID: "This is not an (encrypted) Zorgvuldig backup. Nothing was restored.",
    BACKUP_KEY_UNKNOWN: "The key this backup was encrypted with is not configured (BACKUP_KEYS). Nothing was restored.",
    BACKUP_DECRYPT_FAILED: "This backup could not be decrypted: the wrong key, or the file was changed. Nothing was restored.",
    BACKUP_WRONG_TENANT: "This backup belongs to another organisation. Nothing was restored.",
    BACKUP_ROW_INVALID: "A row of this backup is not valid (table, key, organisation, shape or chain). Nothing was restored.",
    BACKUP_TRUNCATED: "This backup is incomplete: the file ends before its last part. Nothing was restored.",
    RESTORE_CONFLICT: "Restoring would replace existing history. Nothing was restored.",
  },
  validation: {
    bodyRequired: "A request body is required.",
    invalid: "The input is not valid: {fields}.",
    pathParam: "The path parameter {name} is not valid (at most 100 letters, digits or . _ ~ : @ -).",
    tooDeep: "The request body nests deeper than {max} levels.",
  },
  issues: {
    required: "is required",
    type: "must be {expected}",
    tooShort: "must have at least {min} characters",
    tooLong: "must have at most {max} characters",
    tooSmall: "must be at least {min}",
    tooBig: "must be at most {max}",
    tooFew: "must have at least {min} items",
    tooMany: "must have at most {max} items",
    oneOf: "choose one of: {options}",
    format: "does not have the right form",
    date: "must be a date (YYYY-MM-DD)",
    dateTime: "must be a date with a time",
    email: "must be an email address",
    unknownFields: "unknown fields: {fields}",
    invalid: "is not valid",
  },
  types: { string: "text", number: "a number", boolean: "yes or no", array: "a list", object: "an object", date: "a date" },
  details: {
    afterGivenAt: "must be after givenAt",
    oralHeardBy: "oral consent needs who heard it",
    emailEvidence: "email consent needs its evidence",
    notInformedReason: "a 'not informed' record needs the reason",
    unknownPurpose: "unknown purpose",
    unknownParty: "unknown party",
    unknownSchool: "unknown school",
    unknownStudent: "unknown student",
    emailAddress: "an email address",
    domainName: "a domain name like school.nl",
    hex64: "64 hex characters",
    notEmpty: "must not be empty",
    postcode: "a Dutch postcode like 1234 AB",
    monthDay: "MM-DD",
    isoDate: "YYYY-MM-DD",
    brin: "4 characters, e.g. 12AB",
    studentNumber: "letters and digits, at most 20",
    labelId: "the label's id (a GUID)",
    equalsPathId: "must equal the path id",
    equalsPath: "must equal the path",
    missingColumn: "missing column",
  },
  csv: {
    dateInvalid: "not a date (dd-mm-jjjj)",
    dateFuture: "the date of birth is in the future",
    duplicateNumber: "appears twice; the first row is used",
    duplicateGuardian: "two guardians of this student have the same address (or the same name without one)",
    emailLeftOut: "an address that is not valid was left out",
    gezagUnknown: "gezag unknown: recorded as no authority",
  },
  check: {
    unknownPurpose: "Unknown purpose.",
    unknownStudent: "This student does not exist (any more).",
    alreadyOverridden: "This check was already overridden.",
    nothingToOverride: "This check allowed the mail; there is nothing to override.",
  },
};

export const serverTexts = defineCatalogue(nl, en);
export type ServerTexts = Texts<typeof nl>;

export const serverText = (lang: Lang): ServerTexts => texts(serverTexts, lang);

/** Both languages of a text of the catalogue, for an AppError: `both((t) => t.check.alreadyOverridden)`. */
export function both(pick: (t: ServerTexts) => string, params?: Record<string, string | number>): { nl: string; en: string } {
  return { nl: fill(pick(serverTexts.nl), params), en: fill(pick(serverTexts.en), params) };
}

/** A contract field message (a schema refinement, in English) in `lang`; other messages as they are. */
export function detailIn(message: string, lang: Lang): string {
  if (lang === "en") return message;
  for (const k of Object.keys(en.details) as (keyof ServerTexts["details"])[]) if (en.details[k] === message) return nl.details[k];
  return message;
}

/** The text of an error code in `lang` (for errors that carry no text of their own in that language). */
export const errorText = (code: ErrorCode, lang: Lang): string => texts(serverTexts, lang).errors[code];

/** zod's issue, as the per-parse error map receives it (the fields used). */
interface Issue {
  code?: string;
  input?: unknown;
  expected?: unknown;
  origin?: unknown;
  minimum?: unknown;
  maximum?: unknown;
  values?: unknown;
  format?: unknown;
  keys?: unknown;
}

/** A field message in `lang` for a zod issue (the per-parse error map; a schema's own message wins over it). */
export function issueText(issue: Issue, lang: Lang): string {
  const t = texts(serverTexts, lang);
  const i = t.issues;
  switch (issue.code) {
    case "invalid_type": {
      if (issue.input === undefined) return i.required;
      const expected = String(issue.expected ?? "");
      const word = (t.types as Record<string, string>)[expected] ?? expected;
      return fill(i.type, { expected: word });
    }
    case "too_small":
      return fill(issue.origin === "string" ? i.tooShort : issue.origin === "array" || issue.origin === "set" ? i.tooFew : i.tooSmall, { min: String(issue.minimum) });
    case "too_big":
      return fill(issue.origin === "string" ? i.tooLong : issue.origin === "array" || issue.origin === "set" ? i.tooMany : i.tooBig, { max: String(issue.maximum) });
    case "invalid_value":
      return fill(i.oneOf, { options: Array.isArray(issue.values) ? issue.values.map(String).join(", ") : "" });
    case "invalid_format":
      return issue.format === "email" ? i.email : issue.format === "date" ? i.date : issue.format === "datetime" ? i.dateTime : i.format;
    case "unrecognized_keys":
      return fill(i.unknownFields, { fields: Array.isArray(issue.keys) ? issue.keys.map(String).join(", ") : "" });
    default:
      return i.invalid;
  }
}

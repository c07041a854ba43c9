import type { PostalAddress } from "../../contract/directory.js";
import { AUTHORITY_SOURCES, PURPOSE_CATEGORIES, SEND_BUDGET_SECONDS, PENDING_CHECK_DAYS, CHECK_RECORD_DAYS, VIEW_LOG_YEARS, type AuthoritySource, type PurposeCategory, type FailMode, type GuardianRelation, type Lang, type PartyBasis, type PartyKind, type SendMode } from "../../contract/enums.js";
/**
 * The directory of a tenant (DOMAIN.md): schools, students with their guardians, parties, purposes and
 * each school's policy. Plain objects; storage entities never leave the repository.
 */

export interface School {
  id: string;
  name: string;
  /** BRIN number (4 characters) of the school. */
  brin: string;
  /** The school board (bevoegd gezag): the controller, named with the school in letters and exports. */
  boardName?: string;
  /** Email domains of the school's staff (colleagues are internal recipients). */
  internalDomains: string[];
  /**
   * Email domains of the students' own accounts ("leerling.school.nl"). An address there, or on an
   * internal domain with a local part equal to a student number, is a student, not a colleague.
   */
  studentDomains?: string[];
}

export type { GuardianRelation };

export interface Guardian {
  id: string;
  name: string;
  emails: string[];
  relation: GuardianRelation;
  /** Holds parental authority (ouderlijk gezag). Only holders consent for a child under 16. */
  hasAuthority: boolean;
  /** The postal address, when the school has it (the access letter's addressee block). */
  address?: PostalAddress;
  /**
   * Whether the school knows the authority: false for a guardian new from a sync that does not carry
   * custody (SDS), until the school confirms it. Absent = confirmed (registered before, or an import
   * that states it). An unconfirmed guardian counts as without authority.
   */
  authorityConfirmed?: boolean;
  /** How the authority was confirmed (parents' declaration, gezagsregister extract) and by whom. */
  authoritySource?: { source: AuthoritySource; by: string; at: string };
}

export { AUTHORITY_SOURCES, type AuthoritySource };

export interface Student {
  id: string;
  schoolId: string;
  givenName: string;
  /** Dutch name particle ("de", "van der"), kept apart so names sort and match correctly. */
  tussenvoegsel?: string;
  familyName: string;
  /** Other names the student is known by (roepnaam, double-barrelled family name). */
  aliases: string[];
  studentNumber: string;
  /** ISO date, YYYY-MM-DD. */
  birthDate: string;
  className: string;
  /** ISO date the student left the school. */
  leftDate?: string;
  /** A legal hold stops the retention purge for this student. */
  legalHold?: boolean;
  guardians: Guardian[];
}

export { PARTY_KINDS, type PartyKind } from "../../contract/enums.js";

export type Basis = PartyBasis;

export interface Party {
  id: string;
  name: string;
  kind: PartyKind;
  /** Email domains that belong to this party (e.g. "ggd-regio.nl"). */
  domains: string[];
  /** Individual addresses that belong to this party (e.g. a leerplichtambtenaar's mailbox). */
  addresses: string[];
  defaultBasis: Basis;
  /** Statute reference for a legal basis ("Leerplichtwet 1969"). */
  statute?: string;
  defaultPurposeId?: string;
  /** Agreed channel, e.g. "versleutelde mail". */
  agreedChannel?: string;
  /** Whether parents must be informed of a legal-basis disclosure to this party (Inspectie: no). */
  informParents: boolean;
  /**
   * For a legal basis: the purposes the statute covers. Absent or empty = the default purpose only.
   * Another purpose to this party needs consent.
   */
  legalPurposeIds?: string[];
  /**
   * A kind that is consent by nature (SMW, wijkteam, specialist, GGD) made `legal`: the school
   * confirmed explicitly that a statute covers it (the statute must be named too).
   */
  legalBasisConfirmed?: boolean;
}

/** What a purpose is about: decides what parents of a 16- or 17-year-old get as their own right. */
export { PURPOSE_CATEGORIES, type PurposeCategory };

export interface Purpose {
  id: string;
  label: string;
  /** Far-reaching purposes need every holder of authority to consent (school policy). */
  farReaching: boolean;
  /** Absent = "care". */
  category?: PurposeCategory;
  /** Special category (health data): consent must be explicit (art. 9(2)(a) AVG). */
  specialCategory?: boolean;
}

export const categoryOf = (p: Pick<Purpose, "category">): PurposeCategory => p.category ?? "care";

/** Kinds whose disclosures are consent by nature: `legal` only with a statute and an explicit confirmation. */
export const CONSENT_BY_NATURE: readonly PartyKind[] = ["smw", "wijkteam", "specialist", "ggd"];

/**
 * The purposes a party's legal basis covers. A legal party: its `legalPurposeIds`, else its default
 * purpose. A consent party: only the purposes it lists in `legalPurposeIds`, e.g. the GGD, which needs
 * consent for a consult but receives the class list on the basis of the Wet publieke gezondheid.
 */
export function legalPurposes(party: Party): string[] {
  if (party.defaultBasis !== "legal") return party.legalPurposeIds ?? [];
  if (party.legalPurposeIds && party.legalPurposeIds.length > 0) return party.legalPurposeIds;
  return party.defaultPurposeId ? [party.defaultPurposeId] : [];
}

/**
 * The pseudo-party of consents a student of 16+ gives for information to the own parents (care
 * content from 16, anything from 18). Not in the directory; the register accepts it.
 */
export const PARENTS_PARTY_ID = "ouders";

export type { SendMode, FailMode };

export interface RetentionPolicy {
  studentFileYears: number;
  absenceYears: number;
  referralYears: number;
  /** Consent records and evidence: kept this long after the student leaves. */
  consentYears: number;
  disclosureLogYears: number;
}

/** School policy: DOMAIN.md's defaults, changeable per school. */
export interface Policy {
  schoolId: string;
  /** Far-reaching purposes need the consent of every holder of authority. */
  farReachingNeedsAllHolders: boolean;
  /** A student of this age or older consents alone (and a parent's earlier consent lapses). */
  studentConsentAge: number;
  /** Default end of a consent: the end of the school year ("school-year") or a number of days. */
  defaultValidity: "school-year" | "days";
  defaultValidityDays: number;
  /** Month and day the school year ends, MM-DD. */
  schoolYearEnd: string;
  /** Warn when a legal-basis disclosure is sent before the parents were informed. */
  warnWhenParentsNotInformed: boolean;
  retention: RetentionPolicy;
  sendMode: SendMode;
  /** What the add-in does when the backend cannot answer. */
  failMode: FailMode;
  /**
   * Seconds the on-send handler waits for the check before the fail mode applies. Outlook shows a
   * "taking longer than expected" notice after 5 s and gives up only after 5 minutes, so a cold first
   * send (runtime start, sign-in, TLS) must not be cut short: default 20.
   */
  sendBudgetSeconds: number;
  /** Extra internal domains (the board's, a shared service centre). */
  internalDomains: string[];
  /** Keep the original consent email (MIME) besides its hash. */
  keepOriginalMessages: boolean;
  /** Days an on-send check waits for its mail in Sent Items; a mail sent later is judged again (default 7). */
  pendingCheckDays: number;
  /** Days a check record is kept after it was confirmed or expired (default 30; docs/RETENTION.md). */
  checkRecordDays: number;
  /** Years a view-log row is kept after the view (default 2; docs/RETENTION.md). */
  viewLogYears: number;
  /**
   * A parent's consent given before the student's consent age: "lapses" on that birthday (default),
   * or "stays-until-student-acts" (EDPB reading): valid until the student decides for the same party
   * and purpose (and never past 18).
   */
  parentalConsentAtAge?: "lapses" | "stays-until-student-acts";
  /** MM-DD: consent given from this day up to the end of the school year runs to the end of the next. */
  lateConsentFrom?: string;
  /** The Purview sensitivity label (id) that encrypts mail; absent: the school has none configured. */
  encryptedMailLabelId?: string;
  /** Days a consent request's personal link to the parents' page stays valid. */
  parentLinkDays: number;
  /** Days after sending (or the last reminder) before an unanswered request is reminded. */
  reminderAfterDays: number;
  /** Reminders per unanswered request at most (0: none). */
  maxReminders: number;
  /** Due reminders go on the scheduled follow-up, unattended (off: the coordinator sends them). */
  autoReminders: boolean;
  /** Largest attachment whose contents the send check reads, in MB (default 10); larger: the unreadable rule. */
  attachmentMaxMb?: number;
  /** Largest total of attachment contents per mail, in MB (default 25). */
  mailAttachmentsMaxMb?: number;
  /** The school's reasons to pick from for sending anyway (absent: DEFAULT_OVERRIDE_REASONS). */
  overrideReasons?: string[];
}

export const DEFAULT_SEND_BUDGET_SECONDS = SEND_BUDGET_SECONDS.default;
export const DEFAULT_PENDING_CHECK_DAYS = PENDING_CHECK_DAYS.default;

export function defaultPolicy(schoolId: string): Policy {
  return {
    schoolId,
    farReachingNeedsAllHolders: true,
    studentConsentAge: 16,
    defaultValidity: "school-year",
    defaultValidityDays: 365,
    schoolYearEnd: "07-31",
    warnWhenParentsNotInformed: true,
    retention: { studentFileYears: 2, absenceYears: 5, referralYears: 3, consentYears: 2, disclosureLogYears: 2 },
    sendMode: "soft-block",
    failMode: "block",
    sendBudgetSeconds: DEFAULT_SEND_BUDGET_SECONDS,
    internalDomains: [],
    keepOriginalMessages: false,
    parentalConsentAtAge: "lapses",
    lateConsentFrom: "06-01",
    parentLinkDays: 14,
    reminderAfterDays: 7,
    maxReminders: 2,
    autoReminders: false,
    pendingCheckDays: DEFAULT_PENDING_CHECK_DAYS,
    checkRecordDays: CHECK_RECORD_DAYS.default,
    viewLogYears: VIEW_LOG_YEARS.default,
  };
}

/** Everything the send check needs about a tenant, loaded once and cached. */
export interface Directory {
  tenantId: string;
  schools: School[];
  students: Student[];
  parties: Party[];
  purposes: Purpose[];
  policies: Policy[];
}

export function fullName(s: Pick<Student, "givenName" | "tussenvoegsel" | "familyName">): string {
  return [s.givenName, s.tussenvoegsel, s.familyName].filter((x) => x && x.length > 0).join(" ");
}

/** Dutch name particles (tussenvoegsels): "van den Berg" sorts under B. */
const PARTICLES = /^(?:(?:van|von|de|der|den|het|ter|ten|te|in|op|'t|la|le|du|d'|del|della|di|da|dos|el|al|van't)\s+)+/i;

/** The family name without a particle the source left in it ("van den Berg" -> "Berg"), and that particle. */
export function splitParticle(s: Pick<Student, "tussenvoegsel" | "familyName">): { particle: string | undefined; family: string } {
  if (s.tussenvoegsel) return { particle: s.tussenvoegsel, family: s.familyName };
  const m = PARTICLES.exec(s.familyName);
  if (!m || m[0].length >= s.familyName.length) return { particle: undefined, family: s.familyName };
  return { particle: m[0].trim(), family: s.familyName.slice(m[0].length) };
}

/** "Berg, Noor van den": how a Dutch register lists a student (family name first, the particle last). */
export function sortNameOf(s: Pick<Student, "givenName" | "tussenvoegsel" | "familyName">): string {
  const { particle, family } = splitParticle(s);
  return `${family}, ${s.givenName}${particle ? ` ${particle}` : ""}`;
}

/** A key that sorts students by family name (without particle), given name, particle: plain string order. */
export function familySortKey(s: Pick<Student, "givenName" | "tussenvoegsel" | "familyName" | "id">): string {
  const { particle, family } = splitParticle(s);
  const fold = (x: string): string => x.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase().replace(/ı/g, "i");
  return `${fold(family)}\u0001${fold(s.givenName)}\u0001${fold(particle ?? "")}\u0001${s.id}`;
}

/** A school's policy; settings added later take their default when the stored policy predates them. */
export function policyFor(dir: Pick<Directory, "policies">, schoolId: string): Policy {
  const stored = dir.policies.find((p) => p.schoolId === schoolId);
  return stored ? { ...defaultPolicy(schoolId), ...stored } : defaultPolicy(schoolId);
}

const DUTCH_DATE = new Intl.DateTimeFormat("en-CA", { timeZone: "Europe/Amsterdam", year: "numeric", month: "2-digit", day: "2-digit" });

/** The calendar date in the Netherlands (Europe/Amsterdam) at an instant: [year, month, day]. */
export function dutchDate(at: Date): [number, number, number] {
  const t = at.getTime();
  // Since 1946 Amsterdam is UTC+1 or UTC+2 and changes at a whole UTC hour, so its date is the same
  // for every instant of one UTC hour: the Intl formatting (about 5 us) is done once per hour. A check
  // asks it for every consent event it weighs.
  if (!(t >= WHOLE_HOURS_SINCE)) return formatDutchParts(at);
  const hour = Math.floor(t / 3_600_000);
  let d = DATE_OF_HOUR.get(hour);
  if (!d) {
    if (DATE_OF_HOUR.size >= 4096) DATE_OF_HOUR.clear();
    d = formatDutchParts(at);
    DATE_OF_HOUR.set(hour, d);
  }
  return [d[0], d[1], d[2]];
}

const WHOLE_HOURS_SINCE = Date.UTC(1946, 0, 1);
const DATE_OF_HOUR = new Map<number, readonly [number, number, number]>();

function formatDutchParts(at: Date): [number, number, number] {
  const parts = Object.fromEntries(DUTCH_DATE.formatToParts(at).map((p) => [p.type, p.value]));
  return [Number(parts.year), Number(parts.month), Number(parts.day)];
}

export const MONTHS: Record<Lang, readonly string[]> = {
  nl: ["januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober", "november", "december"],
  en: ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"],
};

/** "31 juli 2027" for an instant: its calendar date in the Netherlands (Europe/Amsterdam). */
export function formatDutchDate(at: Date, lang: Lang): string {
  const [y, m, d] = dutchDate(at);
  return `${d} ${MONTHS[lang][m - 1] ?? m} ${y}`;
}

/** The instant a Dutch calendar day (ISO date) starts: midnight in Europe/Amsterdam. */
export function startOfDutchDay(isoDate: string): Date {
  const [y, m, d] = isoDate.split("-").map(Number) as [number, number, number];
  // Amsterdam is UTC+1 or UTC+2: midnight there is 22:00 or 23:00 UTC the day before.
  for (const offset of [2, 1]) {
    const candidate = new Date(Date.UTC(y, m - 1, d, -offset));
    const [cy, cm, cd] = dutchDate(candidate);
    const before = dutchDate(new Date(candidate.getTime() - 1));
    if (cy === y && cm === m && cd === d && !(before[0] === y && before[1] === m && before[2] === d)) return candidate;
  }
  return new Date(Date.UTC(y, m - 1, d, -1));
}

/**
 * Age in whole years on the Dutch calendar date of `on` (Europe/Amsterdam, not UTC: a birthday starts
 * at Dutch midnight); a birthday on 29 February counts on 1 March in other years.
 */
export function ageOn(birthDate: string, on: Date): number {
  const [y, m, d] = birthDate.split("-").map(Number) as [number, number, number];
  const [oy, om, od] = dutchDate(on);
  let age = oy - y;
  if (om < m || (om === m && od < d)) age -= 1;
  return age;
}

/** Age at which nobody holds parental authority any more (meerderjarig). */
export const AGE_OF_MAJORITY = 18;

/** Whether a guardian holds parental authority the school may rely on: stated, confirmed, and the student under 18. */
export function holdsAuthority(g: Guardian, student: Pick<Student, "birthDate">, at: Date): boolean {
  return g.hasAuthority && g.authorityConfirmed !== false && ageOn(student.birthDate, at) < AGE_OF_MAJORITY;
}

/** The date a student turns `age`, ISO. */
export function birthdayOfAge(birthDate: string, age: number): string {
  const [y, m, d] = birthDate.split("-").map(Number) as [number, number, number];
  const dt = new Date(Date.UTC(y + age, m - 1, d));
  // 29 Feb in a non-leap year rolls to 1 March, matching ageOn.
  return dt.toISOString().slice(0, 10);
}

/**
 * The guard rails of the party directory (DOMAIN.md section 2), for an import and an edit alike:
 * a kind that is consent by nature may be `legal` only with a statute and an explicit confirmation;
 * one domain (or address) cannot belong to two parties with different bases: list the individual
 * addresses of one of them instead. `parties` is the directory as it would be after the change;
 * `changed` the ids being written (only their problems are reported, with `path` of the change).
 */
export function partyProblems(
  parties: Party[],
  purposeIds: Set<string>,
  changed: Map<string, string>,
): { path: string; message: { en: string; nl: string }; code: "LEGAL_BASIS_NOT_CONFIRMED" | "DOMAIN_CONFLICT" | "UNKNOWN_PURPOSE" }[] {
  const out: ReturnType<typeof partyProblems> = [];
  const basisKey = (p: Party): string => `${p.defaultBasis}:${legalPurposes(p).slice().sort().join(",")}`;
  for (const p of parties) {
    const path = changed.get(p.id);
    if (path === undefined) continue;
    // Consent by nature: legal (as a whole, or for listed purposes such as the GGD's class list) only
    // with a statute and an explicit confirmation.
    const claimsLegal = p.defaultBasis === "legal" || (p.legalPurposeIds ?? []).length > 0;
    if (claimsLegal && CONSENT_BY_NATURE.includes(p.kind) && !(p.statute && p.legalBasisConfirmed === true))
      out.push({
        path: `${path}.${p.defaultBasis === "legal" ? "defaultBasis" : "legalPurposeIds"}`,
        code: "LEGAL_BASIS_NOT_CONFIRMED",
        message: {
          en: `a ${p.kind} party is consent by nature: legal only with a statute and legalBasisConfirmed true`,
          nl: "deze soort partij krijgt gegevens met toestemming: een wettelijke grondslag alleen met het wetsartikel en de bevestiging",
        },
      });
    for (const id of p.legalPurposeIds ?? [])
      if (!purposeIds.has(id)) out.push({ path: `${path}.legalPurposeIds`, code: "UNKNOWN_PURPOSE", message: { en: `unknown purpose ${id}`, nl: `onbekend doel ${id}` } });
  }
  const owners = new Map<string, Party[]>();
  for (const p of parties) {
    for (const k of [...p.domains.map((d) => `domain ${d.toLowerCase()}`), ...p.addresses.map((a) => `address ${a.toLowerCase()}`)]) {
      const list = owners.get(k) ?? [];
      if (!list.some((x) => x.id === p.id)) list.push(p);
      owners.set(k, list);
    }
  }
  for (const [k, list] of owners) {
    if (list.length < 2 || new Set(list.map(basisKey)).size < 2) continue;
    for (const p of list) {
      const path = changed.get(p.id);
      if (path === undefined) continue;
      const others = list.filter((x) => x.id !== p.id).map((x) => x.name).join(", ");
      out.push({
        path: `${path}.${k.startsWith("domain") ? "domains" : "addresses"}`,
        code: "DOMAIN_CONFLICT",
        message: {
          en: `${k} also belongs to ${others} on another basis: list the individual addresses of one of them instead`,
          nl: `${k.startsWith("domain") ? "het domein" : "het adres"} ${k.slice(k.indexOf(" ") + 1)} hoort ook bij ${others}, met een andere grondslag: geef bij een van beide de losse adressen op`,
        },
      });
    }
  }
  return out;
}

/** "Stichting X, voor OBS Y" / "Stichting X, for OBS Y": the controller as letters and exports name it. */
export function controllerName(school: Pick<School, "name" | "boardName"> | undefined, lang: "nl" | "en"): string {
  if (!school) return lang === "nl" ? "het schoolbestuur en de school" : "the school board and the school";
  if (!school.boardName) return school.name;
  return lang === "nl" ? `${school.boardName} (het schoolbestuur), voor ${school.name}` : `${school.boardName} (the school board), for ${school.name}`;
}

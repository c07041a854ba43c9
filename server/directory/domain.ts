/**
 * The directory of a tenant (DOMAIN.md): schools, students with their guardians, parties, purposes and
 * each school's policy. Plain objects; storage entities never leave the repository.
 */

export interface School {
  id: string;
  name: string;
  /** BRIN number (4 characters) of the school. */
  brin: string;
  /** Email domains of the school's staff (colleagues are internal recipients). */
  internalDomains: string[];
}

export type GuardianRelation = "mother" | "father" | "parent" | "guardian" | "foster-parent" | "other";

export interface Guardian {
  id: string;
  name: string;
  emails: string[];
  relation: GuardianRelation;
  /** Holds parental authority (ouderlijk gezag). Only holders consent for a child under 16. */
  hasAuthority: boolean;
}

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

export const PARTY_KINDS = [
  "leerplicht",
  "swv",
  "new-school-primary",
  "new-school-secondary",
  "veilig-thuis",
  "ggd",
  "smw",
  "wijkteam",
  "specialist",
  "inspectie",
  "duo",
  "processor",
  "other",
] as const;
export type PartyKind = (typeof PARTY_KINDS)[number];

export type Basis = "legal" | "consent";

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
}

export interface Purpose {
  id: string;
  label: string;
  /** Far-reaching purposes need every holder of authority to consent (school policy). */
  farReaching: boolean;
}

export type SendMode = "soft-block" | "prompt-user" | "block";
export type FailMode = "block" | "prompt";

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
}

export const DEFAULT_PENDING_CHECK_DAYS = 7;

export const DEFAULT_SEND_BUDGET_SECONDS = 20;
export const SEND_BUDGET_RANGE = { min: 5, max: 120 } as const;

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
    pendingCheckDays: DEFAULT_PENDING_CHECK_DAYS,
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

export function policyFor(dir: Pick<Directory, "policies">, schoolId: string): Policy {
  return dir.policies.find((p) => p.schoolId === schoolId) ?? defaultPolicy(schoolId);
}

/** Age in whole years on a date (both ISO); a birthday on 29 February counts on 1 March in other years. */
export function ageOn(birthDate: string, on: Date): number {
  const [y, m, d] = birthDate.split("-").map(Number) as [number, number, number];
  const oy = on.getUTCFullYear();
  const om = on.getUTCMonth() + 1;
  const od = on.getUTCDate();
  let age = oy - y;
  if (om < m || (om === m && od < d)) age -= 1;
  return age;
}

/** The date a student turns `age`, ISO. */
export function birthdayOfAge(birthDate: string, age: number): string {
  const [y, m, d] = birthDate.split("-").map(Number) as [number, number, number];
  const dt = new Date(Date.UTC(y + age, m - 1, d));
  // 29 Feb in a non-leap year rolls to 1 March, matching ageOn.
  return dt.toISOString().slice(0, 10);
}

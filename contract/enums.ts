/**
 * The enumerations the server and the front ends share. Add a value here and every schema, the OpenAPI
 * document, docs/API.md and the front ends' types follow. Plain arrays (no zod): the on-send handler
 * may import their types without carrying a library.
 */

/** The two languages of every surface. */
export const LANGS = ["nl", "en"] as const;
export type Lang = (typeof LANGS)[number];

/**
 * "privacy-officer": the board's privacy officer (functionaris gegevensbescherming): sees every school of
 * the tenant, has a coordinator's rights there, and approves destructive actions (issue 16).
 */
export const ROLES = ["coordinator", "staff", "viewer", "privacy-officer"] as const;
export type Role = (typeof ROLES)[number];

export const VERDICTS = ["allow", "warn", "block"] as const;
export type Verdict = (typeof VERDICTS)[number];

export const RECIPIENT_KINDS = ["internal", "guardian", "party", "unknown", "student"] as const;
export type RecipientKind = (typeof RECIPIENT_KINDS)[number];

/** On which ground a recipient may receive the mail. */
export const BASES = ["internal", "guardian", "legal", "consent", "none", "student"] as const;
export type RecipientBasis = (typeof BASES)[number];

/** Why the send check decided as it did (per recipient). */
export const REASON_CODES = [
  "NO_STUDENT",
  "INTERNAL",
  "OWN_GUARDIAN",
  "GUARDIAN_WITHOUT_AUTHORITY",
  "OTHER_STUDENTS_GUARDIAN",
  "LEGAL_BASIS",
  "PARENTS_NOT_INFORMED",
  "CONSENT_VALID",
  "NO_CONSENT",
  "CONSENT_REFUSED",
  "CONSENT_WITHDRAWN",
  "CONSENT_EXPIRED",
  "SECOND_GUARDIAN_REQUIRED",
  "STUDENT_CONSENT_REQUIRED",
  "NO_PURPOSE",
  "PROCESSOR_NOT_A_RECIPIENT",
  "UNKNOWN_RECIPIENT",
  "AMBIGUOUS_STUDENT",
  "BSN_IN_MAIL",
  "WHOLE_FILE",
  "ATTACHMENT_WITHOUT_STUDENT",
  // Bases per (party, purpose), ages and authority, students' accounts, Veilig Thuis (issue 13).
  "PURPOSE_NOT_COVERED",
  "PURPOSE_ASSUMED",
  "PURPOSE_AMBIGUOUS",
  "ADVICE_WITHOUT_NAME",
  "STUDENT_LEFT",
  "ORAL_CONSENT_UNCONFIRMED",
  "OWN_STUDENT_ACCOUNT",
  "OWN_STUDENT_ACCOUNT_UNDER_16",
  "OTHER_STUDENTS_ACCOUNT",
  "PARENT_OF_16_NO_PURPOSE",
  "STUDENT_CONSENT_FOR_PARENTS",
  "ADULT_STUDENT_CONSENT_REQUIRED",
  // The party's agreed channel is not plain email (issue 13 item 6).
  "AGREED_CHANNEL",
  // Every recipient and attachment accounted for (issue 14).
  "UNRESOLVED_RECIPIENT",
  "NO_USABLE_RECIPIENT",
  "INTERNAL_LIST",
  "ATTACHMENT_UNREADABLE",
] as const;
export type ReasonCode = (typeof REASON_CODES)[number];

/** Office.MailboxEnums.RecipientType (Mailbox 1.1), plus "group" for clients that name Microsoft 365 groups. */
export const RECIPIENT_TYPES = ["user", "distributionList", "group", "externalUser", "other"] as const;
export type RecipientType = (typeof RECIPIENT_TYPES)[number];

/** What became of an attachment's contents in a check. */
export const ATTACHMENT_STATUSES = ["read", "unreadable", "too-large", "cloud", "not-sent"] as const;
export type AttachmentStatus = (typeof ATTACHMENT_STATUSES)[number];
/** Why the add-in did not upload an attachment's contents. */
export const ATTACHMENT_UNREAD = ["too-large", "mail-too-large", "unreadable", "cloud"] as const;
/** Office.MailboxEnums.AttachmentType: a file, an attached item (mail, meeting) or a cloud link. */
export const ATTACHMENT_KINDS = ["file", "item", "cloud"] as const;
/** Caps on attachment contents the add-in uploads and the server reads (school policy), in MB. */
export const ATTACHMENT_CAPS_MB = { perAttachment: { min: 1, max: 100, default: 10 }, perMail: { min: 1, max: 200, default: 25 } } as const;

/** How a consent was given. */
export const CONSENT_METHODS = ["email", "paper", "oral", "portal"] as const;
export type ConsentMethod = (typeof CONSENT_METHODS)[number];
/** How parents were informed of a disclosure on a legal basis. */
export const NOTICE_METHODS = [...CONSENT_METHODS, "letter", "meeting"] as const;
export type NoticeMethod = (typeof NOTICE_METHODS)[number];

export const DECISIONS = ["granted", "refused"] as const;
export type Decision = (typeof DECISIONS)[number];

export const PARTY_KINDS = [
  ...["leerplicht", "swv", "new-school-primary", "new-school-secondary", "veilig-thuis", "ggd", "smw"] as const,
  ...["wijkteam", "specialist", "inspectie", "duo", "processor", "other"] as const,
] as const;
export type PartyKind = (typeof PARTY_KINDS)[number];

/**
 * How a party's agreed channel (free text in the directory, e.g. "versleutelde mail", "beveiligd
 * portaal") is read: plain email (also when none is agreed), encrypted mail (a Purview sensitivity label
 * for encrypted mail satisfies it), or another channel (a portal) that no mail satisfies.
 */
export const CHANNEL_KINDS = ["email", "encrypted-mail", "other"] as const;
export type ChannelKind = (typeof CHANNEL_KINDS)[number];

/** The default ground a party receives data on. */
export const PARTY_BASES = ["legal", "consent"] as const;
export type PartyBasis = (typeof PARTY_BASES)[number];

export const GUARDIAN_RELATIONS = ["mother", "father", "parent", "guardian", "foster-parent", "other"] as const;
export type GuardianRelation = (typeof GUARDIAN_RELATIONS)[number];

/** How a school confirmed a guardian's parental authority (DOMAIN.md section 3). */
export const AUTHORITY_SOURCES = ["declaration", "gezagsregister", "student-system", "other"] as const;
export type AuthoritySource = (typeof AUTHORITY_SOURCES)[number];
/** What a purpose is about: parents of a 16-17-year-old get progress and absence, not care. */
export const PURPOSE_CATEGORIES = ["progress", "absence", "care", "advice"] as const;
export type PurposeCategory = (typeof PURPOSE_CATEGORIES)[number];

/** "query": a check that writes nothing; "send": the on-send handler's recording check (docs/SENT-ITEMS.md). */
export const CHECK_MODES = ["query", "send"] as const;
export type CheckMode = (typeof CHECK_MODES)[number];
/** Days an on-send check waits for its mail in Sent Items; a mail sent later is judged again (school policy). */
export const PENDING_CHECK_DAYS = { min: 1, max: 60, default: 7 } as const;
/**
 * Retention of copies (issue 16, docs/RETENTION.md): days a check record is kept after it was confirmed
 * or expired, and years a view-log row is kept after the view (school policy).
 */
export const CHECK_RECORD_DAYS = { min: 1, max: 365, default: 30 } as const;
export const VIEW_LOG_YEARS = { min: 1, max: 20, default: 2 } as const;

export const SEND_MODES = ["soft-block", "prompt-user", "block"] as const;
export type SendMode = (typeof SEND_MODES)[number];
export const FAIL_MODES = ["block", "prompt"] as const;
export type FailMode = (typeof FAIL_MODES)[number];
/**
 * Seconds the on-send handler waits for the check before the fail mode applies (school policy). Outlook
 * shows "taking longer than expected" after 5 s and times out after 5 minutes: default 20.
 */
export const SEND_BUDGET_SECONDS = { min: 5, max: 120, default: 20 } as const;

/** A consent's status for one party and purpose (the register view). */
export const CONSENT_STATES = ["valid", "none", "refused", "withdrawn", "expired", "partial", "student-required"] as const;
export type ConsentState = (typeof CONSENT_STATES)[number];

/** The summary of a student's consents (the register overview). */
export const OVERVIEW_STATES = ["valid", "missing", "expiring", "refused-or-withdrawn"] as const;
export type OverviewState = (typeof OVERVIEW_STATES)[number];

export const DISCLOSURE_BASES = ["legal", "consent", "guardian", "override", "information-right"] as const;
export type DisclosureBasis = (typeof DISCLOSURE_BASES)[number];

export const CHAIN_PROBLEMS = [
  "hash-mismatch",
  "broken-link",
  "missing-event",
  "head-mismatch",
  "state-mismatch",
  /** The HEAD row's keyed MAC is missing or wrong: it was written without the integrity key. */
  "head-mac-invalid",
  /** A tombstone without a valid keyed MAC: not left by the retention purge. */
  "tombstone-forged",
  /** Events removed and HEAD moved back, against the last signed checkpoint. */
  "truncated",
  /** A chain whose head differs from the checkpoint at the same sequence. */
  "rewritten",
  /** A chain in the last checkpoint that no longer exists. */
  "chain-deleted",
] as const;
export type ChainProblemKind = (typeof CHAIN_PROBLEMS)[number];

/** Where a consent request stands, per letter and as a whole. */
export const REQUEST_STATES = ["created", "sent", "opened", "answered", "expired"] as const;
export type RequestState = (typeof REQUEST_STATES)[number];

/** What the register's rows can be sorted by (issue 17, item 3). */
export const REGISTER_SORT_KEYS = ["name", "studentNumber", "schoolId", "className", "state", "nextExpiry", "eventCount"] as const;
export type RegisterSortKey = (typeof REGISTER_SORT_KEYS)[number];

/** The `[ZV-<requestId>]` tag a consent request's subject carries (and replies keep). */
export const REQUEST_TAG = /\[ZV-([A-Za-z0-9._~:@-]{1,100})\]/;

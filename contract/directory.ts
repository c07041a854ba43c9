import { z } from "zod";
import { RETENTION_FLOORS, GUARDIAN_RELATIONS, PARTY_BASES, PARTY_KINDS, PURPOSE_CATEGORIES, AUTHORITY_SOURCES, FAIL_MODES, SEND_BUDGET_SECONDS, SEND_MODES, PENDING_CHECK_DAYS, ATTACHMENT_CAPS_MB, CHECK_RECORD_DAYS, VIEW_LOG_YEARS } from "./enums.js";
import { directoryEmail, domainName, dutchPostcode, id, isoDate, text, line } from "./patterns.js";

/** A guardian's postal address (optional): street and house number, postcode, town. The access letter's addressee block. */
export const postalAddress = z.object({ street: text(200), postcode: dutchPostcode, town: text(100) }).strict();
export type PostalAddress = z.output<typeof postalAddress>;

/** The directory of a tenant: schools, students with guardians, parties, purposes, each school's policy. */

export const schoolInput = z
  .object({ id, name: text(200), boardName: text(200).optional(), brin: z.string().regex(/^[0-9A-Z]{4}$/, "4 characters, e.g. 12AB"), internalDomains: z.array(domainName).max(20).default([]), studentDomains: z.array(domainName).max(20).optional() })
  .strict();
export const school = schoolInput.strip();
export type School = z.output<typeof school>;

export const guardianInput = z
  .object({
    id,
    name: text(200),
    emails: z.array(directoryEmail).max(5).default([]),
    relation: z.enum(GUARDIAN_RELATIONS).default("parent"),
    hasAuthority: z.boolean(),
    address: postalAddress.optional(),
    /** false: the source did not state custody; counts as without authority until confirmed. */
    authorityConfirmed: z.boolean().optional(),
    authoritySource: z
      .object({ source: z.enum(AUTHORITY_SOURCES), by: z.string().max(200), at: z.string().max(40) })
      .strict()
      .optional(),
  })
  .strict();

/** Confirming (or correcting) a guardian's parental authority: the parents' declaration or a gezagsregister extract. */
export const authorityConfirmation = z
  .object({ hasAuthority: z.boolean(), source: z.enum(AUTHORITY_SOURCES) })
  .strict();

/**
 * A guardian's name, email addresses, relation and postal address, as the school corrects them (authority
 * has its own route); `address: null` removes a stored address, no `address` keeps it.
 */
export const guardianContactInput = z
  .object({
    name: text(200),
    emails: z.array(directoryEmail).max(5),
    relation: z.enum(GUARDIAN_RELATIONS),
    address: postalAddress.nullable().optional(),
  })
  .strict();

export const studentInput = z
  .object({
    id,
    schoolId: id,
    givenName: text(100),
    tussenvoegsel: line(30).optional(),
    familyName: text(100),
    aliases: z.array(text(200)).max(10).default([]),
    studentNumber: z.string().regex(/^[0-9A-Za-z]{1,20}$/, "letters and digits, at most 20"),
    birthDate: isoDate,
    className: line(20).default(""),
    leftDate: isoDate.optional(),
    legalHold: z.boolean().optional(),
    guardians: z.array(guardianInput).max(8).default([]),
  })
  .strict();

export const partyInput = z
  .object({
    id,
    name: text(200),
    kind: z.enum(PARTY_KINDS),
    domains: z.array(domainName).max(20).default([]),
    addresses: z.array(directoryEmail).max(50).default([]),
    defaultBasis: z.enum(PARTY_BASES),
    statute: z.string().trim().max(300).optional(),
    defaultPurposeId: id.optional(),
    agreedChannel: z.string().trim().max(200).optional(),
    informParents: z.boolean().default(true),
    legalPurposeIds: z.array(id).max(50).optional(),
    legalBasisConfirmed: z.boolean().optional(),
  })
  .strict();
export const party = partyInput.strip();
export type Party = z.output<typeof party>;

export const purposeInput = z
  .object({
    id,
    label: text(200),
    farReaching: z.boolean(),
    category: z.enum(PURPOSE_CATEGORIES).optional(),
    specialCategory: z.boolean().optional(),
  })
  .strict();
export const purpose = purposeInput.strip();
export type Purpose = z.output<typeof purpose>;

/**
 * The lowest retention a school may set (issue 16, DOMAIN.md section 6): absence and enrolment 5 years
 * (Bekostigingsbesluit), the others 1 year, so that a complaint or an access request about the last
 * school year can still be answered. Lowering a value (above its floor) needs a second person's approval.
 */
export { RETENTION_FLOORS };
const years = (floor: number) => z.number().int().min(floor, `at least ${floor} (the floor of DOMAIN.md section 6)`).max(100);

export const retentionInput = z
  .object({
    studentFileYears: years(RETENTION_FLOORS.studentFileYears),
    absenceYears: years(RETENTION_FLOORS.absenceYears),
    referralYears: years(RETENTION_FLOORS.referralYears),
    consentYears: years(RETENTION_FLOORS.consentYears),
    disclosureLogYears: years(RETENTION_FLOORS.disclosureLogYears),
  })
  .strict();

export const policyInput = z
  .object({
    schoolId: id,
    farReachingNeedsAllHolders: z.boolean(),
    studentConsentAge: z.number().int().min(12).max(18),
    defaultValidity: z.enum(["school-year", "days"]),
    defaultValidityDays: z.number().int().min(1).max(3650),
    schoolYearEnd: z.string().regex(/^(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$/, "MM-DD"),
    warnWhenParentsNotInformed: z.boolean(),
    retention: retentionInput,
    sendMode: z.enum(SEND_MODES),
    failMode: z.enum(FAIL_MODES),
    sendBudgetSeconds: z.number().int().min(SEND_BUDGET_SECONDS.min).max(SEND_BUDGET_SECONDS.max).default(SEND_BUDGET_SECONDS.default),
    internalDomains: z.array(domainName).max(20),
    keepOriginalMessages: z.boolean(),
    /** Days an on-send check waits for its mail in Sent Items; a mail sent later is judged again. */
    pendingCheckDays: z.number().int().min(PENDING_CHECK_DAYS.min).max(PENDING_CHECK_DAYS.max).default(PENDING_CHECK_DAYS.default),
    /** Days a check record (pending, confirmed, reviewed, override) is kept after it was confirmed or expired. */
    checkRecordDays: z.number().int().min(CHECK_RECORD_DAYS.min).max(CHECK_RECORD_DAYS.max).default(CHECK_RECORD_DAYS.default),
    /** Years a row of the view log (who read a register, an export, a list) is kept after the view. */
    viewLogYears: z.number().int().min(VIEW_LOG_YEARS.min).max(VIEW_LOG_YEARS.max).default(VIEW_LOG_YEARS.default),
    parentalConsentAtAge: z.enum(["lapses", "stays-until-student-acts"]).optional(),
    lateConsentFrom: z.string().regex(/^(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$/, "MM-DD").optional(),
    /**
     * The Microsoft Purview sensitivity label (its id, a GUID) that encrypts mail, for schools with
     * Purview (Microsoft 365 E5 or the add-on): the task pane offers "Versleuteld verzenden" with it.
     */
    encryptedMailLabelId: z.string().trim().regex(/^[0-9A-Za-z-]{1,100}$/, "the label's id (a GUID)").optional(),
    /** Days a consent request's personal link to the parents' page stays valid. */
    parentLinkDays: z.number().int().min(1).max(90).default(14),
    /** Days after sending (or the last reminder) before an unanswered request is reminded. */
    reminderAfterDays: z.number().int().min(1).max(60).default(7),
    /** Reminders per unanswered request at most (0: none). */
    maxReminders: z.number().int().min(0).max(5).default(2),
    /**
     * Due reminders are sent by the server on a schedule, from the mailbox that sent the request
     * (application Mail.Send, limited by RBAC for Applications). Off by default: it needs the tenant
     * admin's grant and scope, and it mails parents in a colleague's name without their click
     * (docs/PARENTS-PAGE.md).
     */
    autoReminders: z.boolean().default(false),
    /** Largest attachment whose contents the send check reads, in MB (default 10); larger: the unreadable rule. */
    attachmentMaxMb: z.number().int().min(ATTACHMENT_CAPS_MB.perAttachment.min).max(ATTACHMENT_CAPS_MB.perAttachment.max).optional(),
    /** Largest total of attachment contents per mail, in MB (default 25). */
    mailAttachmentsMaxMb: z.number().int().min(ATTACHMENT_CAPS_MB.perMail.min).max(ATTACHMENT_CAPS_MB.perMail.max).optional(),
    /**
     * The reasons a user picks from to send a warned or blocked mail anyway in the task pane (like
     * Purview's policy-tip justifications); a typed reason stays possible. Absent: the default list
     * (DEFAULT_OVERRIDE_REASONS, in the user's language).
     */
    overrideReasons: z.array(z.string().trim().min(10).max(200)).min(1).max(10).optional(),
  })
  .strict();
export const policy = policyInput.strip();
export type Policy = z.output<typeof policy>;

export const importRequest = z
  .object({
    schools: z.array(schoolInput).max(1000).default([]),
    students: z.array(studentInput).max(100_000).default([]),
    parties: z.array(partyInput).max(5000).default([]),
    purposes: z.array(purposeInput).max(1000).default([]),
    policies: z.array(policyInput).max(1000).default([]),
  })
  .strict();
export type ImportRequest = z.infer<typeof importRequest>;

const counts = z.object({ created: z.number(), updated: z.number(), unchanged: z.number() });
export const importResult = z.object({
  schools: counts,
  students: counts,
  parties: counts,
  purposes: counts,
  policies: counts,
  /** Students whose leftDate was new or changed: their retention clock starts now (issue 16). */
  leftDatesRecorded: z.number().optional(),
  /** Leavers whose directory record the retention run removed: not re-created (R-RETAIN-DIRECTORY). */
  alreadyRemoved: z.number().optional(),
  /**
   * Students whose directory record the retention run removed, imported again without a leftDate (enrolled
   * again): created as new. The CSV import and the SDS sync carry no leftDate, so a removed leaver that such
   * a source still lists counts here (R-RETAIN-DIRECTORY).
   */
  reEnrolled: z.number().optional(),
});
export type ImportResult = z.infer<typeof importResult>;

export const studentQuery = z
  .object({
    query: z.string().max(200).optional(),
    schoolId: id.optional(),
    limit: z.coerce.number().int().min(1).max(20000).default(50),
    /** "family": family name first ("van den Berg" under B); default the directory's order. */
    sort: z.enum(["family"]).optional(),
  })
  .strict();

/** A student as the API lists it (guardians' emails included: the coordinator's own register). */
export const studentSummary = z.object({
  id: z.string(),
  name: z.string(),
  givenName: z.string(),
  tussenvoegsel: z.string().optional(),
  familyName: z.string(),
  studentNumber: z.string(),
  schoolId: z.string(),
  className: z.string(),
  birthDate: z.string(),
  leftDate: z.string().optional(),
  guardians: z.array(z.object({ id: z.string(), name: z.string(), emails: z.array(z.string()), relation: z.enum(GUARDIAN_RELATIONS), hasAuthority: z.boolean(), authorityConfirmed: z.boolean(), address: postalAddress.optional() })),
});
export type StudentSummary = z.infer<typeof studentSummary>;

export const guardianLookupQuery = z.object({ email: z.string().trim().toLowerCase().min(3).max(320) }).strict();
export const guardianMatch = z.object({
  studentId: z.string(),
  studentName: z.string(),
  guardianId: z.string(),
  guardianName: z.string(),
  hasAuthority: z.boolean(),
  studentAge: z.number(),
});
export type GuardianMatch = z.infer<typeof guardianMatch>;

/** A problem with one row of a CSV import: its line and field, never a name or an address. */
const csvProblem = z.object({ row: z.number(), field: z.string(), message: z.string() });
/** `dryRun=true`: read, check and compare with what is stored, write nothing (the import wizard's preview). */
export const csvImportQuery = z.object({ schoolId: id, dryRun: z.enum(["true", "false"]).optional() }).strict();
export const csvImportBody = z.string().min(1, "Send the export as text/csv (UTF-8)");
/** One data row as a dry run read it (for the coordinator who sent the file; never logged). */
export const csvPreviewRow = z.object({
  row: z.number(),
  studentNumber: z.string(),
  name: z.string(),
  className: z.string(),
  guardians: z.number(),
  /** new, changed or unchanged against what is stored; error: left out (its problems are in `errors`). */
  outcome: z.enum(["new", "changed", "unchanged", "error"]),
});
export type CsvPreviewRow = z.infer<typeof csvPreviewRow>;
export const csvImportReport = z.object({
  result: importResult,
  rows: z.number(),
  errors: z.array(csvProblem),
  warnings: z.array(csvProblem),
  guardiansKept: z.number(),
  /** Present on a dry run: nothing was written. */
  dryRun: z.boolean().optional(),
  /** A dry run's rows (at most 2,000; the counts in `result` cover all). */
  preview: z.array(csvPreviewRow).optional(),
});
export type CsvImportReport = z.infer<typeof csvImportReport>;

export const sdsSyncReport = z.object({
  tenantId: z.string(),
  startedAt: z.string(),
  finishedAt: z.string(),
  result: importResult,
  schoolsRead: z.number(),
  studentsRead: z.number(),
  /** Records left out: the Graph object id (pseudonymous) and why. */
  skipped: z.array(z.object({ kind: z.enum(["school", "student", "contact"]), ref: z.string(), reason: z.string() })),
  studentsNotInSource: z.number(),
  guardiansKept: z.number(),
});
export type SdsSyncReport = z.infer<typeof sdsSyncReport>;

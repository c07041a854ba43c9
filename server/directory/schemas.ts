import { z } from "zod";
import { id, isoDate } from "../shared/schemas.js";
import { DEFAULT_PENDING_CHECK_DAYS, DEFAULT_SEND_BUDGET_SECONDS, PARTY_KINDS, SEND_BUDGET_RANGE } from "./domain.js";

const domain = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^(?=.{3,253}$)([a-z0-9-]+\.)+[a-z]{2,}$/, "a domain name like school.nl");
const email = z.string().trim().toLowerCase().max(320).regex(/^[^\s@/\\#?|]+@[^\s@/\\#?|]+\.[^\s@/\\#?|]+$/, "an email address");
const text = (max: number) => z.string().trim().min(1).max(max);

export const schoolInput = z
  .object({ id, name: text(200), brin: z.string().regex(/^[0-9A-Z]{4}$/, "4 characters, e.g. 12AB"), internalDomains: z.array(domain).max(20).default([]) })
  .strict();

export const guardianInput = z
  .object({
    id,
    name: text(200),
    emails: z.array(email).max(5).default([]),
    relation: z.enum(["mother", "father", "parent", "guardian", "foster-parent", "other"]).default("parent"),
    hasAuthority: z.boolean(),
  })
  .strict();

export const studentInput = z
  .object({
    id,
    schoolId: id,
    givenName: text(100),
    tussenvoegsel: z.string().trim().max(30).optional(),
    familyName: text(100),
    aliases: z.array(text(200)).max(10).default([]),
    studentNumber: z.string().regex(/^[0-9A-Za-z]{1,20}$/, "letters and digits, at most 20"),
    birthDate: isoDate,
    className: z.string().trim().max(20).default(""),
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
    domains: z.array(domain).max(20).default([]),
    addresses: z.array(email).max(50).default([]),
    defaultBasis: z.enum(["legal", "consent"]),
    statute: z.string().trim().max(300).optional(),
    defaultPurposeId: id.optional(),
    agreedChannel: z.string().trim().max(200).optional(),
    informParents: z.boolean().default(true),
  })
  .strict();

export const purposeInput = z.object({ id, label: text(200), farReaching: z.boolean() }).strict();

export const retentionInput = z
  .object({
    studentFileYears: z.number().int().min(0).max(100),
    absenceYears: z.number().int().min(0).max(100),
    referralYears: z.number().int().min(0).max(100),
    consentYears: z.number().int().min(0).max(100),
    disclosureLogYears: z.number().int().min(0).max(100),
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
    sendMode: z.enum(["soft-block", "prompt-user", "block"]),
    failMode: z.enum(["block", "prompt"]),
    sendBudgetSeconds: z.number().int().min(SEND_BUDGET_RANGE.min).max(SEND_BUDGET_RANGE.max).default(DEFAULT_SEND_BUDGET_SECONDS),
    internalDomains: z.array(domain).max(20),
    keepOriginalMessages: z.boolean(),
    pendingCheckDays: z.number().int().min(1).max(60).default(DEFAULT_PENDING_CHECK_DAYS),
  })
  .strict();

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

export const importResult = z.object({
  schools: z.object({ created: z.number(), updated: z.number(), unchanged: z.number() }),
  students: z.object({ created: z.number(), updated: z.number(), unchanged: z.number() }),
  parties: z.object({ created: z.number(), updated: z.number(), unchanged: z.number() }),
  purposes: z.object({ created: z.number(), updated: z.number(), unchanged: z.number() }),
  policies: z.object({ created: z.number(), updated: z.number(), unchanged: z.number() }),
});
export type ImportResult = z.infer<typeof importResult>;

export const studentQuery = z
  .object({
    query: z.string().max(200).optional(),
    schoolId: id.optional(),
    limit: z.coerce.number().int().min(1).max(20000).default(50),
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
  guardians: z.array(z.object({ id: z.string(), name: z.string(), emails: z.array(z.string()), relation: z.string(), hasAuthority: z.boolean() })),
});
export type StudentSummary = z.infer<typeof studentSummary>;

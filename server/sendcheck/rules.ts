import {
  AGE_OF_MAJORITY,
  ageOn,
  birthdayOfAge,
  holdsAuthority,
  startOfDutchDay,
  fullName,
  policyFor,
  categoryOf,
  legalPurposes,
  PARENTS_PARTY_ID,
  type Directory,
  type Guardian,
  type Party,
  type Policy,
  type Purpose,
  type Student,
} from "../directory/domain.js";
import type { ConsentEvent, RegisterEvent } from "../register/domain.js";
import { consentStatus, startOf } from "../register/consent-state.js";
export { consentStatus, type ConsentState, type ConsentStatus } from "../register/consent-state.js";
import { contentFindings, type ContentFacts } from "./content-rules.js";
import { agreedChannelRule, channelKind } from "./channel-rule.js";
import type { CheckedRecipient } from "./recipients.js";
import { reasonMessage, SUMMARY, truncate, type Lang, type ReasonParams } from "./messages.js";
import type { ReasonCode, RecipientResult } from "../../contract/sendcheck.js";

/**
 * The rules engine of the send check (DOMAIN.md): for each recipient of a mail about detected students,
 * may the school share their data with it, on which basis, and what should be logged. Pure: everything
 * it needs is in the input.
 */

export type Verdict = "allow" | "warn" | "block";
type RecipientBasis = RecipientResult["basis"];

export interface RulesInput {
  /** Every recipient: resolved persons, lists followed by their members, unresolved ones (recipients.ts). */
  recipients: CheckedRecipient[];
  /** Detected students. */
  studentIds: string[];
  directory: Directory;
  /** studentId -> that student's events (any order). */
  registers: Map<string, RegisterEvent[]>;
  /** Chosen purpose; else each party's defaultPurposeId. */
  purposeId?: string;
  sentAt: Date;
  lang: Lang;
  /** What the mail contains (content-rules.ts): homonyms, a BSN, attachments. */
  content?: ContentFacts;
  /** The id of the Purview sensitivity label applied to the mail, if any. */
  sensitivityLabelId?: string;
}

export interface Disclosure {
  studentId: string;
  recipient: string;
  partyId?: string;
  /** "information-right": a parent without authority (art. 1:377c BW). */
  basis: "legal" | "consent" | "guardian" | "information-right";
  purposeId?: string;
}

export interface RulesOutput {
  verdict: Verdict;
  /** At most 500 characters, for Outlook's dialog: the main reason and the way out, in `lang`. */
  message: string;
  /** In input order, deduplicated by lower-cased address. */
  recipients: RecipientResult[];
  students: { id: string; name: string }[];
  /** Per student and party recipient: what a disclosure log entry should record when the mail is sent. */
  disclosures: Disclosure[];
}

export const MAX_MESSAGE_LENGTH = 500;

const RANK: Record<Verdict, number> = { allow: 0, warn: 1, block: 2 };

export function worst(a: Verdict, b: Verdict): Verdict {
  return RANK[a] >= RANK[b] ? a : b;
}

/** Most serious first: decides which problem the overall message leads with. */
const SEVERITY: readonly ReasonCode[] = [
  "NO_USABLE_RECIPIENT",
  "OTHER_STUDENTS_GUARDIAN",
  "BSN_IN_MAIL",
  "OTHER_STUDENTS_ACCOUNT",
  "UNRESOLVED_RECIPIENT",
  "UNKNOWN_RECIPIENT",
  "PROCESSOR_NOT_A_RECIPIENT",
  "PURPOSE_NOT_COVERED",
  "CONSENT_REFUSED",
  "CONSENT_WITHDRAWN",
  "STUDENT_CONSENT_FOR_PARENTS",
  "ADULT_STUDENT_CONSENT_REQUIRED",
  "STUDENT_CONSENT_REQUIRED",
  "SECOND_GUARDIAN_REQUIRED",
  "ORAL_CONSENT_UNCONFIRMED",
  "CONSENT_EXPIRED",
  "NO_CONSENT",
  "NO_PURPOSE",
  "ADVICE_WITHOUT_NAME",
  "PURPOSE_AMBIGUOUS",
  "PARENT_OF_16_NO_PURPOSE",
  "PARENTS_NOT_INFORMED",
  "AMBIGUOUS_STUDENT",
  "ATTACHMENT_UNREADABLE",
  "ATTACHMENT_WITHOUT_STUDENT",
  "WHOLE_FILE",
  "AGREED_CHANNEL",
  "INTERNAL_LIST",
  "STUDENT_LEFT",
  "GUARDIAN_WITHOUT_AUTHORITY",
  "OWN_STUDENT_ACCOUNT_UNDER_16",
];
const severity = (code: ReasonCode): number => {
  const i = SEVERITY.indexOf(code);
  return i === -1 ? SEVERITY.length : i;
};

// ---------------------------------------------------------------------------------------------------
// Recipients

type Classified =
  | { kind: "internal" }
  | { kind: "student"; studentId: string | undefined }
  | { kind: "guardian"; links: { studentId: string; guardian: Guardian }[] }
  | { kind: "party"; party: Party }
  | { kind: "unknown" };

interface DirectoryIndex {
  internalDomains: Set<string>;
  studentDomains: Set<string>;
  /** Lower-cased student number -> student id. */
  studentByNumber: Map<string, string>;
  guardiansByEmail: Map<string, { studentId: string; guardian: Guardian }[]>;
  partyByAddress: Map<string, Party>;
  partyByDomain: Map<string, Party>;
  students: Map<string, Student>;
  purposes: Map<string, Purpose>;
}

const normAddress = (a: string): string => a.trim().toLowerCase();
const normDomain = (d: string): string => d.trim().toLowerCase().replace(/^[@.]+/, "").replace(/\.+$/, "");

/** The domain and its parents: "a.b.nl" -> ["a.b.nl", "b.nl", "nl"] (most specific first). */
function domainChain(address: string): string[] {
  const at = address.lastIndexOf("@");
  if (at === -1) return [];
  const labels = address.slice(at + 1).split(".");
  return labels.map((_, i) => labels.slice(i).join(".")).filter((d) => d.length > 0);
}

const indexCache = new WeakMap<Directory, DirectoryIndex>();

function indexOf(dir: Directory): DirectoryIndex {
  const cached = indexCache.get(dir);
  if (cached) return cached;
  const internalDomains = new Set(
    [...dir.schools.flatMap((s) => s.internalDomains), ...dir.policies.flatMap((p) => p.internalDomains)].map(normDomain),
  );
  const guardiansByEmail = new Map<string, { studentId: string; guardian: Guardian }[]>();
  const studentByNumber = new Map<string, string>();
  for (const s of dir.students) {
    studentByNumber.set(s.studentNumber.toLowerCase(), s.id);
    for (const g of s.guardians) {
      for (const e of g.emails) {
        const key = normAddress(e);
        const list = guardiansByEmail.get(key);
        if (list) list.push({ studentId: s.id, guardian: g });
        else guardiansByEmail.set(key, [{ studentId: s.id, guardian: g }]);
      }
    }
  }
  const partyByAddress = new Map<string, Party>();
  const partyByDomain = new Map<string, Party>();
  for (const p of dir.parties) {
    for (const a of p.addresses) if (!partyByAddress.has(normAddress(a))) partyByAddress.set(normAddress(a), p);
    for (const d of p.domains) if (!partyByDomain.has(normDomain(d))) partyByDomain.set(normDomain(d), p);
  }
  const index: DirectoryIndex = {
    internalDomains,
    studentDomains: new Set(dir.schools.flatMap((s) => s.studentDomains ?? []).map(normDomain)),
    studentByNumber,
    guardiansByEmail,
    partyByAddress,
    partyByDomain,
    students: new Map(dir.students.map((s) => [s.id, s])),
    purposes: new Map(dir.purposes.map((p) => [p.id, p])),
  };
  indexCache.set(dir, index);
  return index;
}

/**
 * Student account (a student domain, or the school's domain with a student number as local part) >
 * internal (school domain or a subdomain) > guardian address > party address > party domain > unknown.
 */
function classify(address: string, index: DirectoryIndex): Classified {
  const domains = domainChain(address);
  const byNumber = index.studentByNumber.get(address.slice(0, Math.max(0, address.lastIndexOf("@"))));
  if (domains.some((d) => index.studentDomains.has(d))) return { kind: "student", studentId: byNumber };
  if (domains.some((d) => index.internalDomains.has(d))) return byNumber ? { kind: "student", studentId: byNumber } : { kind: "internal" };
  const links = index.guardiansByEmail.get(address);
  if (links) return { kind: "guardian", links };
  const byAddress = index.partyByAddress.get(address);
  if (byAddress) return { kind: "party", party: byAddress };
  for (const d of domains) {
    const party = index.partyByDomain.get(d);
    if (party) return { kind: "party", party };
  }
  return { kind: "unknown" };
}

// ---------------------------------------------------------------------------------------------------
// Evaluation

/** One finding: a reason with its verdict and, for a lawful disclosure, what to log. */
interface Finding {
  verdict: Verdict;
  code: ReasonCode;
  params: ReasonParams;
  studentId?: string;
  disclosure?: { basis: Disclosure["basis"]; purposeId?: string; partyId?: string };
}

interface Context {
  students: Student[];
  index: DirectoryIndex;
  registers: Map<string, RegisterEvent[]>;
  directory: Directory;
  purposeId?: string;
  sentAt: Date;
  lang: Lang;
}

/** The purpose a mail is judged for: the chosen one, else the party's default (then `assumed`). */
function chosenPurpose(ctx: Context): Purpose | undefined {
  return ctx.purposeId === undefined ? undefined : ctx.index.purposes.get(ctx.purposeId);
}

const PARENTS_PURPOSE_CATEGORIES: readonly string[] = ["progress", "absence"];

/**
 * A parent (with or without authority) receiving a mail about their child (DOMAIN.md §2): under 16 the
 * parent's own right; 16 and 17 progress and absence are the parent's own right, care content needs the
 * student's consent; from 18 everything needs the student's consent. A parent without authority gets
 * information under art. 1:377c BW: a warning, logged with that basis, never a block on its own.
 */
function guardianFindings(links: { studentId: string; guardian: Guardian }[], ctx: Context): Finding[] {
  const purpose = chosenPurpose(ctx);
  return ctx.students.flatMap((s): Finding[] => {
    const own = links.filter((l) => l.studentId === s.id);
    const policy = policyFor(ctx.directory, s.schoolId);
    const params: ReasonParams = { student: fullName(s), consentAge: policy.studentConsentAge, ...(purpose ? { purpose: purpose.label } : {}) };
    if (own.length === 0) return [{ verdict: "block", code: "OTHER_STUDENTS_GUARDIAN", params, studentId: s.id }];
    const age = ageOn(s.birthDate, ctx.sentAt);
    const withAuthority = own.some((l) => holdsAuthority(l.guardian, s, ctx.sentAt));
    const informationRight: Finding = {
      verdict: "warn",
      code: "GUARDIAN_WITHOUT_AUTHORITY",
      params,
      studentId: s.id,
      disclosure: { basis: "information-right", ...(purpose ? { purposeId: purpose.id } : {}) },
    };
    const ownRight: Finding = withAuthority ? { verdict: "allow", code: "OWN_GUARDIAN", params, studentId: s.id } : informationRight;
    if (age < policy.studentConsentAge && age < AGE_OF_MAJORITY) return [ownRight];
    const adult = age >= AGE_OF_MAJORITY;
    if (!adult && purpose && PARENTS_PURPOSE_CATEGORIES.includes(categoryOf(purpose))) return [ownRight];
    if (!purpose) {
      return [adult ? { verdict: "block", code: "ADULT_STUDENT_CONSENT_REQUIRED", params, studentId: s.id } : { verdict: "warn", code: "PARENT_OF_16_NO_PURPOSE", params, studentId: s.id }];
    }
    // Care content from 16, anything from 18: only with the student's own consent.
    const status = consentStatus(s, PARENTS_PARTY_ID, purpose, ctx.registers.get(s.id) ?? [], policy, ctx.sentAt);
    if (status.state === "valid")
      return [
        {
          verdict: "allow",
          code: "CONSENT_VALID",
          params: { ...params, validUntil: status.validUntil, holders: [fullName(s)], party: ctx.lang === "nl" ? "de ouders" : "the parents" },
          studentId: s.id,
          disclosure: { basis: "consent", purposeId: purpose.id, partyId: PARENTS_PARTY_ID },
        },
      ];
    return [{ verdict: "block", code: adult ? "ADULT_STUDENT_CONSENT_REQUIRED" : "STUDENT_CONSENT_FOR_PARENTS", params, studentId: s.id }];
  });
}

/** A student's own school account: the student (a warning under 16); another student's account is a misdirected mail. */
function studentAccountFindings(accountOf: string | undefined, ctx: Context): Finding[] {
  return ctx.students.map((s): Finding => {
    const params = { student: fullName(s) };
    if (accountOf !== s.id) return { verdict: "block", code: "OTHER_STUDENTS_ACCOUNT", params, studentId: s.id };
    const age = ageOn(s.birthDate, ctx.sentAt);
    if (age < policyFor(ctx.directory, s.schoolId).studentConsentAge) return { verdict: "warn", code: "OWN_STUDENT_ACCOUNT_UNDER_16", params, studentId: s.id };
    return { verdict: "allow", code: "OWN_STUDENT_ACCOUNT", params, studentId: s.id };
  });
}

/** Days after the leaving date during which the onderwijskundig rapport still goes to the new school. */
const TRANSFER_DAYS_AFTER_LEAVING = 92;

/** The legal-basis findings for one student: the basis, the informing rule per (party, purpose), a student who left. */
function legalFindings(party: Party, purpose: Purpose | undefined, s: Student, ctx: Context): Finding[] {
  const now = ctx.sentAt.getTime();
  const policy = policyFor(ctx.directory, s.schoolId);
  const params: ReasonParams = { student: fullName(s), party: party.name, statute: party.statute, partyKind: party.kind, ...(purpose ? { purpose: purpose.label } : {}) };
  const disclosure = { basis: "legal" as const, ...(purpose ? { purposeId: purpose.id } : {}) };
  const out: Finding[] = [{ verdict: "allow", code: "LEGAL_BASIS", params, studentId: s.id, disclosure }];
  const informed = (ctx.registers.get(s.id) ?? []).some(
    (e) => e.type === "notice" && e.partyId === party.id && (!purpose || e.purposeId === purpose.id) && startOf(e.informedAt) <= now,
  );
  const mustInform = party.informParents && (!purpose || categoryOf(purpose) !== "advice") && policy.warnWhenParentsNotInformed;
  if (mustInform && !informed) out.push({ verdict: "warn", code: "PARENTS_NOT_INFORMED", params, studentId: s.id });
  if (s.leftDate && now >= startOfDutchDay(s.leftDate).getTime() + 86_400_000) {
    const transfer = party.kind === "new-school-primary" && now <= startOfDutchDay(s.leftDate).getTime() + TRANSFER_DAYS_AFTER_LEAVING * 86_400_000;
    if (!transfer) out.push({ verdict: "warn", code: "STUDENT_LEFT", params: { ...params, leftDate: s.leftDate }, studentId: s.id });
  }
  return out;
}

function consentFindings(party: Party, purpose: Purpose, s: Student, ctx: Context): Finding[] {
  const policy = policyFor(ctx.directory, s.schoolId);
  const status = consentStatus(s, party.id, purpose, ctx.registers.get(s.id) ?? [], policy, ctx.sentAt);
  const nameOf = (id: string) => (id === s.id ? fullName(s) : (s.guardians.find((g) => g.id === id)?.name ?? id));
  const params: ReasonParams = {
    student: fullName(s),
    party: party.name,
    purpose: purpose.label,
    statute: party.statute,
    validUntil: status.validUntil,
    consentAge: policy.studentConsentAge,
    holders: (status.state === "valid" ? status.holdersConsented : status.holdersMissing).map(nameOf),
  };
  if (status.state === "valid") {
    return [{ verdict: "allow", code: status.code, params, studentId: s.id, disclosure: { basis: "consent", purposeId: purpose.id } }];
  }
  const notCovered: Finding[] =
    party.defaultBasis === "legal" ? [{ verdict: "block", code: "PURPOSE_NOT_COVERED", params: { ...params, covered: legalPurposes(party).map((id) => ctx.index.purposes.get(id)?.label ?? id) }, studentId: s.id }] : [];
  return [...notCovered, { verdict: "block", code: status.code, params, studentId: s.id }];
}

/**
 * A party (not a processor): the purpose is the chosen one, else the party's default (named in the
 * message, and a warning when more than one purpose could apply). A purpose its legal basis covers is
 * judged on that basis; any other purpose needs consent.
 */
function partyFindings(party: Party, ctx: Context): Finding[] {
  const chosen = chosenPurpose(ctx);
  const purpose = chosen ?? (party.defaultPurposeId ? ctx.index.purposes.get(party.defaultPurposeId) : undefined);
  // A legal party that names no purpose at all (a directory from before purposes per party): its basis
  // covers the mail as before, and any notice to the party counts.
  if (!purpose && party.defaultBasis === "legal" && legalPurposes(party).length === 0)
    return ctx.students.flatMap((s) => legalFindings(party, undefined, s, ctx));
  if (!purpose) return [{ verdict: "block", code: "NO_PURPOSE", params: { party: party.name } }];
  const out: Finding[] = [];
  const covered = legalPurposes(party).includes(purpose.id);
  for (const s of ctx.students) {
    if (categoryOf(purpose) === "advice") out.push({ verdict: "warn", code: "ADVICE_WITHOUT_NAME", params: { student: fullName(s), party: party.name }, studentId: s.id });
    out.push(...(covered ? legalFindings(party, purpose, s, ctx) : consentFindings(party, purpose, s, ctx)));
  }
  // What was assumed comes after the judgement: the first reason stays the one that decides.
  if (!chosen) {
    out.push({ verdict: "allow", code: "PURPOSE_ASSUMED", params: { party: party.name, purpose: purpose.label } });
    // A legal party's covered purposes compete with its default; a consent party's few legal purposes
    // (the GGD's class list) are chosen explicitly, so they do not make every mail to it ambiguous.
    const candidates = new Set(party.defaultBasis === "legal" ? legalPurposes(party) : []);
    for (const s of ctx.students)
      for (const e of ctx.registers.get(s.id) ?? []) if (e.type === "consent" && e.partyId === party.id) candidates.add(e.purposeId);
    candidates.add(purpose.id);
    if (candidates.size > 1)
      out.push({
        verdict: "warn",
        code: "PURPOSE_AMBIGUOUS",
        params: { party: party.name, purpose: purpose.label, covered: [...candidates].map((id) => ctx.index.purposes.get(id)?.label ?? id) },
      });
  }
  return out;
}

function findingsFor(c: Classified, ctx: Context): { findings: Finding[]; basis: RecipientBasis } {
  switch (c.kind) {
    case "internal":
      return { findings: [{ verdict: "allow", code: "INTERNAL", params: {} }], basis: "internal" };
    case "student":
      return { findings: studentAccountFindings(c.studentId, ctx), basis: "student" };
    case "guardian": {
      const findings = guardianFindings(c.links, ctx);
      return { findings, basis: findings.some((f) => f.disclosure?.basis === "consent") ? "consent" : "guardian" };
    }
    case "unknown":
      return { findings: [{ verdict: "block", code: "UNKNOWN_RECIPIENT", params: {} }], basis: "none" };
    case "party": {
      if (c.party.kind === "processor") {
        return { findings: [{ verdict: "block", code: "PROCESSOR_NOT_A_RECIPIENT", params: { party: c.party.name } }], basis: "none" };
      }
      const findings = partyFindings(c.party, ctx);
      return { findings, basis: findings.some((f) => f.code === "LEGAL_BASIS") ? "legal" : "consent" };
    }
  }
}

/** Basis when no student was detected: the relation only. */
function basisWithoutStudent(c: Classified): RecipientBasis {
  if (c.kind === "internal" || c.kind === "guardian" || c.kind === "student") return c.kind;
  if (c.kind === "party" && c.party.kind !== "processor") return c.party.defaultBasis;
  return "none";
}

/** Evaluates every recipient of a mail about the detected students. */
export function evaluate(input: RulesInput): RulesOutput {
  const index = indexOf(input.directory);
  const students: Student[] = [];
  for (const id of new Set(input.studentIds)) {
    const s = index.students.get(id);
    if (s) students.push(s);
  }
  const ctx: Context = {
    students,
    index,
    registers: input.registers,
    directory: input.directory,
    purposeId: input.purposeId,
    sentAt: input.sentAt,
    lang: input.lang,
  };

  // The school's label for encrypted mail is applied (each detected student's school's, when they differ).
  const label = input.sensitivityLabelId;
  const encrypted = label !== undefined && students.every((s) => policyFor(input.directory, s.schoolId).encryptedMailLabelId === label);

  // One entry per lower-cased address, in input order (a list's member also addressed directly counts once).
  const seen = new Map<string, CheckedRecipient>();
  for (const r of input.recipients) {
    const a = normAddress(r.address);
    if (a.length > 0 && !seen.has(a)) seen.set(a, r);
  }
  const recipients: RecipientResult[] = [];
  const disclosures: Disclosure[] = [];
  const problems: { address: string; order: number; finding: Finding }[] = [];
  const notes = new Set<string>();
  // A mail none of whose recipients can be checked goes nowhere known: blocked, whatever it says.
  const usable = [...seen.values()].some((r) => !r.unresolved && !r.list);

  [...seen.entries()].forEach(([address, given], order) => {
    const c: Classified = given.unresolved ? { kind: "unknown" } : classify(address, index);
    const channel = c.kind === "party" ? channelKind(c.party.agreedChannel) : "email";
    const party = c.kind === "party" ? { id: c.party.id, name: c.party.name, kind: c.party.kind, ...(channel !== "email" ? { channel } : {}) } : undefined;
    const judged = given.unresolved
      ? unresolvedFindings(given.unresolved, students.length > 0 || !usable)
      : given.list
        ? listFindings(c, given.name ?? address, students.length > 0)
        : personFindings(c, ctx, input.content);
    const findings = [...judged.findings];
    const basis = judged.basis;
    // The party's agreed channel (issue 13 item 6): a person at a party that is not a processor, about a student.
    if (!given.unresolved && !given.list && c.kind === "party" && c.party.kind !== "processor" && students.length > 0)
      findings.push(...agreedChannelRule(c.party, encrypted));
    const verdict = findings.reduce<Verdict>((v, f) => worst(v, f.verdict), "allow");
    recipients.push({
      address,
      kind: c.kind,
      ...(party ? { party } : {}),
      ...(given.name ? { name: given.name } : {}),
      ...(given.type ? { type: given.type } : {}),
      ...(given.via ? { via: given.via } : {}),
      verdict,
      basis: verdict === "block" ? "none" : basis,
      reasons: findings.map((f) => ({
        code: f.code,
        message: reasonMessage(f.code, { ...f.params, recipient: address }, input.lang),
        ...(f.studentId ? { studentId: f.studentId } : {}),
      })),
    });
    for (const f of findings) {
      if (f.verdict !== "allow") problems.push({ address, order, finding: f });
      if (f.code === "PURPOSE_ASSUMED") notes.add(SUMMARY[input.lang].assumed(f.params.purpose ?? "", f.params.party ?? ""));
      if (f.disclosure && f.studentId && f.verdict !== "block") {
        const partyId = f.disclosure.partyId ?? party?.id;
        disclosures.push({
          studentId: f.studentId,
          recipient: address,
          ...(partyId ? { partyId } : {}),
          basis: f.disclosure.basis,
          ...(f.disclosure.purposeId ? { purposeId: f.disclosure.purposeId } : {}),
        });
      }
    }
  });

  const studentList = students.map((s) => ({ id: s.id, name: fullName(s) }));
  if (!usable) {
    const message = truncate(`${SUMMARY[input.lang].blocked} ${reasonMessage("NO_USABLE_RECIPIENT", {}, input.lang)}`, MAX_MESSAGE_LENGTH);
    return { verdict: "block", message, recipients, students: studentList, disclosures: [] };
  }
  const verdict = recipients.reduce<Verdict>((v, r) => worst(v, r.verdict), "allow");
  return { verdict, message: summary(problems, studentList, [...notes], input.lang), recipients, students: studentList, disclosures };
}

type Judged = { findings: Finding[]; basis: RecipientBasis };

/** A single person with an address: the rules of DOMAIN.md sections 1-3, and the content rules. */
function personFindings(c: Classified, ctx: Context, facts: ContentFacts | undefined): Judged {
  const content: Finding[] = contentFindings({ kind: c.kind, ...(c.kind === "party" ? { party: c.party } : {}) }, facts);
  const { findings: own, basis } =
    ctx.students.length === 0
      ? { findings: content.length > 0 ? [] : [{ verdict: "allow", code: "NO_STUDENT", params: {} } satisfies Finding], basis: basisWithoutStudent(c) }
      : findingsFor(c, ctx);
  return { findings: [...own, ...content], basis };
}

/**
 * A recipient that could not be resolved to an address (an X500 address Graph does not know, a typed
 * name, a list whose members are hidden) is an unknown recipient: blocked when the mail is about a
 * student (or when no recipient at all can be checked), with the way out ("choose the address again").
 */
function unresolvedFindings(why: string, block: boolean): Judged {
  return { findings: [{ verdict: block ? "block" : "allow", code: "UNRESOLVED_RECIPIENT", params: { why } }], basis: "none" };
}

/**
 * A distribution list or group: its members follow as recipients of their own (each judged as a
 * person); the list itself gets the need-to-know warning when the mail is about a student (DOMAIN.md
 * section 2: a distribution list needs a need-to-know look).
 */
function listFindings(c: Classified, list: string, aboutStudents: boolean): Judged {
  return {
    findings: [
      aboutStudents
        ? ({ verdict: "warn", code: "INTERNAL_LIST", params: { list } } satisfies Finding)
        : ({ verdict: "allow", code: "NO_STUDENT", params: {} } satisfies Finding),
    ],
    basis: c.kind === "internal" ? "internal" : "none",
  };
}

/** The overall message: the most serious problem and its way out, or a short confirmation. */
function summary(
  problems: { address: string; order: number; finding: Finding }[],
  students: { name: string }[],
  notes: string[],
  lang: Lang,
): string {
  // What was assumed (the default purpose) is named, so the user sees it and can choose another.
  const note = notes.length > 0 ? ` ${notes.join(" ")}` : "";
  const texts = SUMMARY[lang];
  const sorted = [...problems].sort(
    (a, b) =>
      RANK[b.finding.verdict] - RANK[a.finding.verdict] ||
      severity(a.finding.code) - severity(b.finding.code) ||
      a.order - b.order,
  );
  const top = sorted[0];
  if (!top) {
    const text = students.length === 0 ? reasonMessage("NO_STUDENT", {}, lang) : texts.allowed(students.map((s) => s.name));
    // The note goes first when the list of names is long: it must survive the cut.
    return note ? truncate(`${note.trim()} ${text}`, MAX_MESSAGE_LENGTH) : truncate(text, MAX_MESSAGE_LENGTH);
  }
  const headline = top.finding.verdict === "block" ? texts.blocked : texts.warning;
  const reason = reasonMessage(top.finding.code, { ...top.finding.params, recipient: top.address }, lang);
  const more = sorted.length > 1 ? texts.more(sorted.length - 1) : "";
  // The count of other problems must survive truncation, so the reason is cut first.
  const room = MAX_MESSAGE_LENGTH - more.length;
  return truncate(`${headline} ${top.address}: ${reason}${note}`, room) + more;
}

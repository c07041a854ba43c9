import {
  ageOn,
  birthdayOfAge,
  fullName,
  policyFor,
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
  recipients: { address: string; field: "to" | "cc" | "bcc" }[];
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
}

export interface Disclosure {
  studentId: string;
  recipient: string;
  partyId?: string;
  basis: "legal" | "consent" | "guardian";
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
  "OTHER_STUDENTS_GUARDIAN",
  "BSN_IN_MAIL",
  "UNKNOWN_RECIPIENT",
  "PROCESSOR_NOT_A_RECIPIENT",
  "CONSENT_REFUSED",
  "CONSENT_WITHDRAWN",
  "STUDENT_CONSENT_REQUIRED",
  "SECOND_GUARDIAN_REQUIRED",
  "CONSENT_EXPIRED",
  "NO_CONSENT",
  "NO_PURPOSE",
  "PARENTS_NOT_INFORMED",
  "AMBIGUOUS_STUDENT",
  "ATTACHMENT_WITHOUT_STUDENT",
  "WHOLE_FILE",
];
const severity = (code: ReasonCode): number => {
  const i = SEVERITY.indexOf(code);
  return i === -1 ? SEVERITY.length : i;
};

// ---------------------------------------------------------------------------------------------------
// Recipients

type Classified =
  | { kind: "internal" }
  | { kind: "guardian"; links: { studentId: string; guardian: Guardian }[] }
  | { kind: "party"; party: Party }
  | { kind: "unknown" };

interface DirectoryIndex {
  internalDomains: Set<string>;
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
  for (const s of dir.students) {
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
    guardiansByEmail,
    partyByAddress,
    partyByDomain,
    students: new Map(dir.students.map((s) => [s.id, s])),
    purposes: new Map(dir.purposes.map((p) => [p.id, p])),
  };
  indexCache.set(dir, index);
  return index;
}

/** Internal (school domain or a subdomain) > guardian address > party address > party domain > unknown. */
function classify(address: string, index: DirectoryIndex): Classified {
  const domains = domainChain(address);
  if (domains.some((d) => index.internalDomains.has(d))) return { kind: "internal" };
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

/** One finding: a reason with its verdict and, for a lawful party disclosure, what to log. */
interface Finding {
  verdict: Verdict;
  code: ReasonCode;
  params: ReasonParams;
  studentId?: string;
  disclosure?: { basis: "legal" | "consent"; purposeId?: string };
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

function guardianFindings(links: { studentId: string; guardian: Guardian }[], ctx: Context): Finding[] {
  return ctx.students.map((s): Finding => {
    const own = links.filter((l) => l.studentId === s.id);
    const params = { student: fullName(s) };
    if (own.length === 0) return { verdict: "block", code: "OTHER_STUDENTS_GUARDIAN", params, studentId: s.id };
    const withAuthority = own.some((l) => l.guardian.hasAuthority);
    return { verdict: "allow", code: withAuthority ? "OWN_GUARDIAN" : "GUARDIAN_WITHOUT_AUTHORITY", params, studentId: s.id };
  });
}

function legalFindings(party: Party, ctx: Context): Finding[] {
  const purposeId = ctx.purposeId ?? party.defaultPurposeId;
  const now = ctx.sentAt.getTime();
  return ctx.students.map((s): Finding => {
    const policy = policyFor(ctx.directory, s.schoolId);
    const params = { student: fullName(s), party: party.name, statute: party.statute };
    const disclosure = { basis: "legal" as const, purposeId };
    const informed = (ctx.registers.get(s.id) ?? []).some(
      (e) => e.type === "notice" && e.partyId === party.id && startOf(e.informedAt) <= now,
    );
    if (party.informParents && policy.warnWhenParentsNotInformed && !informed) {
      return { verdict: "warn", code: "PARENTS_NOT_INFORMED", params, studentId: s.id, disclosure };
    }
    return { verdict: "allow", code: "LEGAL_BASIS", params, studentId: s.id, disclosure };
  });
}

function consentFindings(party: Party, ctx: Context): Finding[] {
  const purposeId = ctx.purposeId ?? party.defaultPurposeId;
  const purpose = purposeId === undefined ? undefined : ctx.index.purposes.get(purposeId);
  if (!purpose) return [{ verdict: "block", code: "NO_PURPOSE", params: { party: party.name } }];
  return ctx.students.map((s): Finding => {
    const policy = policyFor(ctx.directory, s.schoolId);
    const status = consentStatus(s, party.id, purpose, ctx.registers.get(s.id) ?? [], policy, ctx.sentAt);
    const nameOf = (id: string) => (id === s.id ? fullName(s) : (s.guardians.find((g) => g.id === id)?.name ?? id));
    const params: ReasonParams = {
      student: fullName(s),
      party: party.name,
      purpose: purpose.label,
      validUntil: status.validUntil,
      consentAge: policy.studentConsentAge,
      holders: (status.state === "valid" ? status.holdersConsented : status.holdersMissing).map(nameOf),
    };
    if (status.state === "valid") {
      return { verdict: "allow", code: status.code, params, studentId: s.id, disclosure: { basis: "consent", purposeId: purpose.id } };
    }
    return { verdict: "block", code: status.code, params, studentId: s.id };
  });
}

function findingsFor(c: Classified, ctx: Context): { findings: Finding[]; basis: RecipientBasis } {
  switch (c.kind) {
    case "internal":
      return { findings: [{ verdict: "allow", code: "INTERNAL", params: {} }], basis: "internal" };
    case "guardian":
      return { findings: guardianFindings(c.links, ctx), basis: "guardian" };
    case "unknown":
      return { findings: [{ verdict: "block", code: "UNKNOWN_RECIPIENT", params: {} }], basis: "none" };
    case "party":
      if (c.party.kind === "processor") {
        return { findings: [{ verdict: "block", code: "PROCESSOR_NOT_A_RECIPIENT", params: { party: c.party.name } }], basis: "none" };
      }
      return c.party.defaultBasis === "legal"
        ? { findings: legalFindings(c.party, ctx), basis: "legal" }
        : { findings: consentFindings(c.party, ctx), basis: "consent" };
  }
}

/** Basis when no student was detected: the relation only. */
function basisWithoutStudent(c: Classified): RecipientBasis {
  if (c.kind === "internal" || c.kind === "guardian") return c.kind;
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

  const addresses = [...new Set(input.recipients.map((r) => normAddress(r.address)))].filter((a) => a.length > 0);
  const recipients: RecipientResult[] = [];
  const disclosures: Disclosure[] = [];
  const problems: { address: string; order: number; finding: Finding }[] = [];

  addresses.forEach((address, order) => {
    const c = classify(address, index);
    const party = c.kind === "party" ? { id: c.party.id, name: c.party.name, kind: c.party.kind } : undefined;
    const content: Finding[] = contentFindings({ kind: c.kind, ...(c.kind === "party" ? { party: c.party } : {}) }, input.content);
    const { findings: own, basis } =
      students.length === 0
        ? { findings: content.length > 0 ? [] : [{ verdict: "allow", code: "NO_STUDENT", params: {} } satisfies Finding], basis: basisWithoutStudent(c) }
        : findingsFor(c, ctx);
    const findings = [...own, ...content];
    const verdict = findings.reduce<Verdict>((v, f) => worst(v, f.verdict), "allow");
    recipients.push({
      address,
      kind: c.kind,
      ...(party ? { party } : {}),
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
      if (f.disclosure && f.studentId && f.verdict !== "block") {
        disclosures.push({
          studentId: f.studentId,
          recipient: address,
          ...(party ? { partyId: party.id } : {}),
          basis: f.disclosure.basis,
          ...(f.disclosure.purposeId ? { purposeId: f.disclosure.purposeId } : {}),
        });
      }
    }
  });

  const verdict = recipients.reduce<Verdict>((v, r) => worst(v, r.verdict), "allow");
  const studentList = students.map((s) => ({ id: s.id, name: fullName(s) }));
  return { verdict, message: summary(problems, studentList, input.lang), recipients, students: studentList, disclosures };
}

/** The overall message: the most serious problem and its way out, or a short confirmation. */
function summary(
  problems: { address: string; order: number; finding: Finding }[],
  students: { name: string }[],
  lang: Lang,
): string {
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
    return truncate(text, MAX_MESSAGE_LENGTH);
  }
  const headline = top.finding.verdict === "block" ? texts.blocked : texts.warning;
  const reason = reasonMessage(top.finding.code, { ...top.finding.params, recipient: top.address }, lang);
  const more = sorted.length > 1 ? texts.more(sorted.length - 1) : "";
  // The count of other problems must survive truncation, so the reason is cut first.
  const room = MAX_MESSAGE_LENGTH - more.length;
  return truncate(`${headline} ${top.address}: ${reason}`, room) + more;
}

import { controllerName, fullName, policyFor, type Student } from "../directory/domain.js";
import type { DirectoryService, DirectorySnapshot } from "../directory/service.js";
import type { RegisterEvent } from "./domain.js";
import type { RegisterRepository } from "./repository.js";
import type { Lang } from "../../contract/enums.js";
import { texts } from "../../contract/i18n.js";
import { documentTexts } from "../shared/document-texts.js";

/** A data breach that concerns the student (the breach register), as the export shows it. */
export interface ExportBreach {
  what: string;
  flaggedAt: string;
  awareAt: string;
  categories: string[];
}

/**
 * The access export (inzage, art. 15 AVG; DOMAIN.md section 6) of one student. Staff are named by
 * role only; free text written by staff (override reasons) is withheld because it may hold other
 * people's data; guardians' addresses are left out.
 */
/**
 * The (party, purpose) pairs whose entries are left out of the parents' export (UAVG art. 41): the
 * latest restriction event of each pair, unless it lifted the restriction.
 */
export function restrictedPairs(events: RegisterEvent[]): Set<string> {
  const latest = new Map<string, boolean>();
  for (const e of [...events].sort((a, b) => a.seq - b.seq)) if (e.type === "restriction") latest.set(`${e.partyId}\u0000${e.purposeId}`, !e.lifted);
  return new Set([...latest].filter(([, on]) => on).map(([k]) => k));
}

export function accessExport(snap: DirectorySnapshot, student: Student, allEvents: RegisterEvent[], at = new Date(), breaches: ExportBreach[] = [], lang: Lang = "nl") {
  const t = texts(documentTexts, lang);
  const restricted = restrictedPairs(allEvents);
  // Restricted entries (and the restriction itself: its reason and who decided stay in the register) are left out.
  const events = allEvents.filter(
    (e) => e.type !== "restriction" && !("partyId" in e && "purposeId" in e && restricted.has(`${e.partyId ?? ""}\u0000${e.purposeId ?? ""}`)),
  );
  const policy = policyFor(snap.directory, student.schoolId);
  const school = snap.directory.schools.find((s) => s.id === student.schoolId);
  const party = (id?: string): string => (id ? (snap.partyById.get(id)?.name ?? id) : t.unknownRecipient);
  const purpose = (id?: string): string => (id ? (snap.purposeById.get(id)?.label ?? id) : "");
  const guardian = (id: string): string => student.guardians.find((g) => g.id === id)?.name ?? t.aGuardian;
  const by = (a: { guardianId: string } | { student: true }): string => ("student" in a ? t.theStudent : guardian(a.guardianId));
  return {
    generatedAt: at.toISOString(),
    controller: school ? { name: controllerName(school, lang), school: school.name, brin: school.brin, ...(school.boardName ? { board: school.boardName } : {}) } : undefined,
    student: {
      name: fullName(student),
      studentNumber: student.studentNumber,
      birthDate: student.birthDate,
      className: student.className,
      ...(student.leftDate ? { leftDate: student.leftDate } : {}),
    },
    guardians: student.guardians.map((g) => ({ name: g.name, relation: g.relation, hasAuthority: g.hasAuthority })),
    categories: [t.catIdentity, t.catGuardians, t.catConsents, t.catDisclosures],
    purposes: [...new Set(events.flatMap((e) => ("purposeId" in e && e.purposeId ? [purpose(e.purposeId)] : [])))],
    consents: events.flatMap((e) =>
      e.type === "consent"
        ? [
            {
              decision: e.decision,
              party: party(e.partyId),
              purpose: purpose(e.purposeId),
              givenBy: by(e.givenBy),
              method: e.method,
              givenAt: e.givenAt,
              validUntil: e.validUntil,
              informationShown: e.informationShown,
              evidence: e.evidence ? { messageId: e.evidence.messageId, date: e.evidence.date, sha256: e.evidence.sha256 } : undefined,
              withdrawnAt: events.find((w) => w.type === "withdrawal" && w.consentId === e.id)?.recordedAt,
            },
          ]
        : [],
    ),
    notices: events.flatMap((e) =>
      e.type === "notice" ? [{ party: party(e.partyId), purpose: purpose(e.purposeId), informedAt: e.informedAt, method: e.method }] : [],
    ),
    recipients: events.flatMap((e) =>
      e.type === "disclosure"
        ? [{ party: party(e.partyId), basis: e.basis, purpose: purpose(e.purposeId), at: e.at, sentBy: t.staffMember }]
        : [],
    ),
    overrides: events.flatMap((e) => (e.type === "override" ? [{ at: e.at, reason: t.redacted }] : [])),
    // The wrong recipient of a breach is someone else's data: always redacted.
    dataBreaches: breaches.map((b) => ({ what: b.what, categories: b.categories, flaggedAt: b.flaggedAt, awareAt: b.awareAt, recipient: t.redacted })),
    retention: {
      studentFile: t.yearsAfterLeaving(policy.retention.studentFileYears),
      absenceAndEnrolment: t.yearsAfterLeaving(policy.retention.absenceYears),
      referral: t.yearsAfterLeaving(policy.retention.referralYears),
      consentRecords: t.whileProcessing(policy.retention.consentYears),
      disclosureLog: t.yearsAfterLeaving(policy.retention.disclosureLogYears),
    },
    sources: [t.srcAdministration, t.srcParents, t.srcSchool],
    rights: [t.rightAccess, t.rightRectify, t.rightRestrict, t.rightWithdraw, t.rightComplain],
    decisionTerm: t.decisionTerm,
  };
}

/** Where an access export comes from: the directory, the student's events and the breach register. */
export interface ExportSources {
  directory: DirectoryService;
  repo: RegisterRepository;
  /** The data breaches that concern a student (the breach register). */
  breachesOf?: (tenantId: string, studentId: string) => Promise<ExportBreach[]>;
}

/** The access export of one student, read from its sources (the JSON route and the PDF letter both use it). */
export async function loadAccessExport(src: ExportSources, tenantId: string, studentId: string, lang: Lang = "nl", at = new Date()): Promise<ReturnType<typeof accessExport>> {
  const student = await src.directory.student(tenantId, studentId);
  const snap = await src.directory.snapshot(tenantId);
  const part = await src.repo.read(tenantId, student.id);
  const breaches = src.breachesOf ? await src.breachesOf(tenantId, student.id) : [];
  return accessExport(snap, student, part.events, at, breaches, lang);
}

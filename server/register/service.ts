import { AppError, fieldProblems, notFound, type ErrorCode, type FieldProblem } from "../shared/errors.js";
import type { Principal, SchoolAccess } from "../identity/auth.js";
import {
  ageOn,
  dutchDate,
  fullName,
  PARENTS_PARTY_ID,
  policyFor,
  sortNameOf,
  type Party,
  type Policy,
  type Purpose,
  type Student,
} from "../directory/domain.js";
import type { DirectoryService, DirectorySnapshot } from "../directory/service.js";
import { consentStatus } from "./consent-state.js";
import {
  verifyChain,
  type ChainProblem,
  type ConsentEvent,
  type DisclosureEvent,
  type Evidence,
  type NewEvent,
  type NoticeEvent,
  type RegisterEvent,
  type RestrictionEvent,
  type WithdrawalEvent,
} from "./domain.js";
import { newEventId, studentIdOfEvent } from "./ids.js";
import type { Partition, RegisterRepository } from "./repository.js";
import { tombstoneSealText } from "./integrity.js";
import type { CheckpointReport, CheckpointService } from "./checkpoints.js";
import type { AuditStatusStore } from "./audit-status.js";
import type { AuditStatus } from "../../contract/admin.js";
import { EXPIRING_DAYS, RegisterProjection, summarise, type RowsQuery } from "./projection.js";
import type { Logger } from "../shared/logger.js";
import type { ConsentRequest, NoticeRequest, Overview, OverviewRow, RegisterPage, RestrictionRequest, Stats, WithdrawRequest } from "../../contract/register.js";

export type ConsentStatusView = ReturnType<typeof consentStatus> & { partyId: string; purposeId: string };

/** The pseudo-party "the parents" of a student's own consent (16+) to inform them (see PARENTS_PARTY_ID). */
const PARENTS_PARTY: Party = {
  id: PARENTS_PARTY_ID,
  name: "Ouders",
  kind: "other",
  domains: [],
  addresses: [],
  defaultBasis: "consent",
  informParents: false,
};

/** The last second of a calendar day in the Netherlands (Europe/Amsterdam, summer or winter time), as a Date. */
export function endOfDutchDay(y: number, m: number, d: number): Date {
  const fmt = new Intl.DateTimeFormat("en-GB", { timeZone: "Europe/Amsterdam", year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", hourCycle: "h23" });
  for (const offset of [2, 1]) {
    const candidate = new Date(Date.UTC(y, m - 1, d, 23 - offset, 59, 59));
    const parts = Object.fromEntries(fmt.formatToParts(candidate).map((p) => [p.type, p.value]));
    if (Number(parts.day) === d && Number(parts.hour) === 23) return candidate;
  }
  return new Date(Date.UTC(y, m - 1, d, 22, 59, 59));
}

/**
 * End of the consent per policy: the end of the school year (Dutch time) on or after `givenAt`, or a
 * number of days. Consent given in the last weeks of the school year (from `lateConsentFrom`, default
 * 1 June, Dutch date) runs to the end of the next school year.
 */
export function defaultValidUntil(policy: Policy, givenAt: Date): string {
  if (policy.defaultValidity === "days") return new Date(givenAt.getTime() + policy.defaultValidityDays * 86400_000).toISOString();
  const [mm, dd] = policy.schoolYearEnd.split("-").map(Number) as [number, number];
  const [gy, gm, gd] = dutchDate(givenAt);
  let y = gy;
  let end = endOfDutchDay(y, mm, dd);
  if (end.getTime() < givenAt.getTime()) end = endOfDutchDay(++y, mm, dd);
  const late = policy.lateConsentFrom;
  if (late && y === gy) {
    const [lm, ld] = late.split("-").map(Number) as [number, number];
    if (gm > lm || (gm === lm && gd >= ld)) end = endOfDutchDay(y + 1, mm, dd);
  }
  return end.toISOString();
}

/**
 * The evidence a consent keeps. The server's own (from Graph's MIME) wins; the client adds only the
 * excerpt it chose and, when the message itself names none, the request it answers.
 */
function evidenceToStore(client: ConsentRequest["evidence"], server: Evidence | undefined): Evidence | undefined {
  if (server) {
    return {
      ...server,
      sender: server.sender.toLowerCase(),
      ...(client?.excerpt ? { excerpt: client.excerpt } : {}),
      ...(client?.inReplyTo && !server.inReplyTo ? { inReplyTo: client.inReplyTo } : {}),
      ...(client?.requestId && !server.requestId ? { requestId: client.requestId } : {}),
    };
  }
  if (!client) return undefined;
  const { graphMessageId: _unused, mailboxOwner, ...rest } = client;
  return { ...rest, hashSource: "client", ...(mailboxOwner ? { mailbox: mailboxOwner } : {}) };
}

/** A moment may lie this far ahead of the server's clock (clocks drift); later is the future. */
const CLOCK_SKEW_MS = 5 * 60_000;

/** The problem of a date in the future, for the field `path`. */
function futureProblem(at: Date, path: string, now = Date.now()): FieldProblem | undefined {
  if (at.getTime() <= now + CLOCK_SKEW_MS) return undefined;
  return { path, message: { en: "must not be in the future", nl: "mag niet in de toekomst liggen" } };
}

/**
 * Every problem of a request at once (a date in the future, a giver who may not give): one 422 with
 * each problem at its field, its code the first problem's.
 */
function throwProblems(found: { code: ErrorCode; problem: FieldProblem }[]): void {
  const first = found[0];
  if (first) throw fieldProblems(first.code, found.map((f) => f.problem));
}

/** The actor check's refusal as a problem of the field `path` (other errors pass through). */
function actorProblem(check: () => void, path: string): { code: ErrorCode; problem: FieldProblem } | undefined {
  try {
    check();
    return undefined;
  } catch (e) {
    if (!(e instanceof AppError) || e.status !== 422) throw e;
    return { code: e.code, problem: { path, message: { en: e.message, nl: e.messageIn("nl") } } };
  }
}

export class RegisterService {
  constructor(
    private readonly repo: RegisterRepository,
    private readonly directory: DirectoryService,
    /** The signed checkpoints the audit compares with, and where a failed audit is logged. */
    private readonly audit?: { checkpoints: CheckpointService; log: Logger; status?: AuditStatusStore },
    /** Seconds before the overview projection re-reads the HEAD rows (appends of another instance). */
    projectionTtlSeconds = 60,
  ) {
    this.projection = new RegisterProjection(repo, directory, (snap, s, part, at) => this.overviewRow(snap, s, part, at), projectionTtlSeconds);
  }

  private readonly projection: RegisterProjection;

  /** The plain chain checks plus what needs the integrity key: the HEAD's MAC and the tombstones' seals. */
  private chainProblems(studentId: string, part: Partition): ChainProblem[] {
    const problems = verifyChain(studentId, part.events, part.head);
    if (part.head && !part.head.sealed) problems.push({ studentId, seq: part.head.seq, problem: "head-mac-invalid" });
    for (const e of part.events) {
      if (e.type === "tombstone" && !this.repo.keys.verify("tombstone", tombstoneSealText(e), e.seal))
        problems.push({ studentId, seq: e.seq, problem: "tombstone-forged" });
    }
    return problems;
  }

  private async context(tenantId: string, studentId: string): Promise<{ snap: DirectorySnapshot; student: Student; policy: Policy }> {
    const snap = await this.directory.snapshot(tenantId);
    const student = snap.studentById.get(studentId);
    if (!student) throw notFound("Student");
    return { snap, student, policy: policyFor(snap.directory, student.schoolId) };
  }

  private partyAndPurpose(snap: DirectorySnapshot, partyId: string, purposeId: string): { party: Party; purpose: Purpose } {
    // "ouders": the student's (16+) consent for information to the own parents; not a directory party.
    const party = partyId === PARENTS_PARTY_ID ? PARENTS_PARTY : snap.partyById.get(partyId);
    const purpose = snap.purposeById.get(purposeId);
    const problems = [
      ...(party ? [] : [{ path: "partyId", message: "unknown party" }]),
      ...(purpose ? [] : [{ path: "purposeId", message: "unknown purpose" }]),
    ];
    if (!party || !purpose)
      throw new AppError(422, "UNPROCESSABLE", { en: "Party or purpose does not exist", nl: "Deze partij of dit doel bestaat niet" }, problems);
    return { party, purpose };
  }

  /**
   * Checks that the person giving or withdrawing consent may do so for this student on that date (the
   * Dutch calendar date): under the consent age a confirmed holder of parental authority, from it only
   * the student.
   */
  private checkActor(
    student: Student,
    policy: Policy,
    by: ConsentRequest["givenBy"],
    at: Date,
    act: "consent" | "withdraw",
    evidenceSender?: string,
  ): void {
    const age = ageOn(student.birthDate, at);
    const n = policy.studentConsentAge;
    if ("student" in by) {
      if (age < n)
        throw new AppError(422, "STUDENT_TOO_YOUNG", {
          en: `Under ${n} a holder of parental authority ${act === "consent" ? "consents" : "withdraws"}, not the student`,
          nl: `Onder de ${n} jaar ${act === "consent" ? "geeft een ouder met gezag of voogd toestemming" : "trekt een ouder met gezag of voogd de toestemming in"}, niet de leerling`,
        });
      return;
    }
    const g = student.guardians.find((x) => x.id === by.guardianId);
    if (!g)
      throw new AppError(422, "NOT_A_GUARDIAN", {
        en: "This person is not a registered parent or guardian of the student",
        nl: "Deze persoon staat niet geregistreerd als ouder of voogd van deze leerling",
      });
    if (age >= n)
      throw new AppError(422, "STUDENT_DECIDES", {
        en: `The student is ${n} or older: only the student ${act === "consent" ? "gives" : "withdraws"} consent, not a parent`,
        nl: `De leerling is ${n} jaar of ouder: alleen de leerling zelf ${act === "consent" ? "geeft" : "trekt"} toestemming${act === "consent" ? "" : " in"}, niet een ouder`,
      });
    if (!g.hasAuthority)
      throw new AppError(422, "NO_AUTHORITY", {
        en: "This parent does not hold parental authority and has no say in consent",
        nl: "Deze ouder heeft geen gezag (ouder zonder gezag) en beslist niet over toestemming",
      });
    if (g.authorityConfirmed === false)
      throw new AppError(422, "AUTHORITY_UNCONFIRMED", {
        en: "The parental authority of this parent is not confirmed yet: confirm it first (parents' declaration or gezagsregister extract)",
        nl: "Het gezag van deze ouder is nog niet bevestigd: bevestig het eerst (verklaring van de ouders of uittreksel uit het gezagsregister)",
      });
    if (evidenceSender && !g.emails.map((e) => e.toLowerCase()).includes(evidenceSender.toLowerCase()))
      throw new AppError(422, "NOT_A_GUARDIAN", {
        en: "The email was not sent from an address registered for this parent",
        nl: "De e-mail komt niet van een adres dat voor deze ouder is geregistreerd",
      });
  }

  /**
   * Appends one event, unless this very request (known by its Idempotency-Key) already did: then that
   * event is returned. This closes the gap where storage took the event but the answer was lost.
   */
  private async appendOnce<T extends RegisterEvent["type"]>(
    tenantId: string,
    studentId: string,
    type: T,
    requestKey: string | undefined,
    build: (current: Partition) => NewEvent,
  ): Promise<Extract<RegisterEvent, { type: T }>> {
    let earlier: RegisterEvent | undefined;
    const [stored] = await this.repo.append(tenantId, studentId, (current) => {
      earlier = requestKey ? current.events.find((e) => e.requestKey === requestKey) : undefined;
      if (earlier) return [];
      return [{ ...build(current), ...(requestKey ? { requestKey } : {}) }];
    });
    const result = stored ?? earlier;
    if (!result || result.type !== type) throw new AppError(500, "INTERNAL", `The ${type} was not stored`);
    return result as Extract<RegisterEvent, { type: T }>;
  }

  /**
   * Records a consent or refusal. `serverEvidence` is the server's own evidence of the parent's mail
   * (the hash of Graph's MIME); it replaces what the client computed. The client's excerpt is kept; its
   * In-Reply-To only when the message itself has none (the header Graph read is the link to the request).
   */
  async recordConsent(p: Principal, req: ConsentRequest, requestKey?: string, serverEvidence?: Evidence): Promise<ConsentEvent> {
    const { snap, student, policy } = await this.context(p.tenantId, req.studentId);
    this.partyAndPurpose(snap, req.partyId, req.purposeId);
    const givenAt = new Date(req.givenAt);
    const evidence = evidenceToStore(req.evidence, serverEvidence);
    const future = futureProblem(givenAt, "givenAt");
    const actor = actorProblem(() => this.checkActor(student, policy, req.givenBy, givenAt, "consent", evidence?.sender), "givenBy");
    throwProblems([...(future ? [{ code: "DATE_IN_FUTURE" as const, problem: future }] : []), ...(actor ? [actor] : [])]);
    const now = new Date().toISOString();
    const event: NewEvent = {
      type: "consent",
      id: newEventId(student.id),
      studentId: student.id,
      decision: req.decision,
      partyId: req.partyId,
      purposeId: req.purposeId,
      givenBy: req.givenBy,
      method: req.method,
      ...(req.heardBy ? { heardBy: req.heardBy } : {}),
      ...(req.writtenConfirmation ? { writtenConfirmation: { method: req.writtenConfirmation.method, at: new Date(req.writtenConfirmation.at).toISOString() } } : {}),
      givenAt: givenAt.toISOString(),
      validFrom: givenAt.toISOString(),
      validUntil: req.validUntil ? new Date(req.validUntil).toISOString() : defaultValidUntil(policy, givenAt),
      ...(req.informationShown ? { informationShown: req.informationShown } : {}),
      ...(evidence ? { evidence } : {}),
      recordedBy: p.userId,
      recordedAt: now,
    };
    const recorded = await this.appendOnce(p.tenantId, student.id, "consent", requestKey, (current) => {
      // One email is one answer: the same Internet Message-ID is never recorded twice for a student.
      const messageId = evidence?.messageId;
      if (messageId && current.events.some((e) => e.type === "consent" && e.evidence?.messageId === messageId))
        throw new AppError(409, "DUPLICATE_MESSAGE", {
          en: "This email is already recorded as consent for this student",
          nl: "Deze e-mail is al vastgelegd als toestemming voor deze leerling",
        });
      return event;
    });
    // An answer to a consent request (the parents' page, or a reply recorded in one click): no longer open.
    const requestId = recorded.evidence?.requestId;
    if (requestId) await this.requestAnswered?.(p.tenantId, student.schoolId, requestId, "student" in recorded.givenBy ? "student" : `g:${recorded.givenBy.guardianId}`);
    return recorded;
  }

  /** Told of each answer to a consent request (the overview's count of open requests, server/portal/open-requests.ts). */
  requestAnswered?: (tenantId: string, schoolId: string, requestId: string, holder: string) => Promise<void>;

  async withdraw(p: Principal, consentId: string, req: WithdrawRequest, requestKey?: string): Promise<WithdrawalEvent> {
    const studentId = studentIdOfEvent(consentId);
    const { student, policy } = await this.context(p.tenantId, studentId).catch((e: unknown) => {
      throw e instanceof AppError && e.status === 404 ? notFound("Consent") : e;
    });
    const at = new Date(req.at);
    const future = futureProblem(at, "at");
    const actor = actorProblem(() => this.checkActor(student, policy, req.by, at, "withdraw"), "by");
    throwProblems([...(future ? [{ code: "DATE_IN_FUTURE" as const, problem: future }] : []), ...(actor ? [actor] : [])]);
    return this.appendOnce(p.tenantId, studentId, "withdrawal", requestKey, (current) => {
      const consent = current.events.find((e): e is ConsentEvent => e.type === "consent" && e.id === consentId);
      if (!consent) throw notFound("Consent");
      if (consent.decision !== "granted")
        throw new AppError(409, "CONFLICT", {
          en: "Only a granted consent can be withdrawn; this was a refusal",
          nl: "Alleen een gegeven toestemming kan worden ingetrokken; dit was een weigering",
        });
      if (current.events.some((e) => e.type === "withdrawal" && e.consentId === consentId))
        throw new AppError(409, "ALREADY_WITHDRAWN", { en: "This consent was already withdrawn", nl: "Deze toestemming is al ingetrokken" });
      // Withdrawing is as easy as consenting: any confirmed holder of authority under the consent age,
      // from it only the student (also a parent's earlier consent).
      this.checkActor(student, policy, req.by, at, "withdraw");
      return {
        type: "withdrawal",
        id: newEventId(studentId),
        studentId,
        consentId,
        partyId: consent.partyId,
        purposeId: consent.purposeId,
        by: req.by,
        at: at.toISOString(),
        ...(req.reason ? { reason: req.reason } : {}),
        recordedBy: p.userId,
        recordedAt: new Date().toISOString(),
      };
    });
  }

  async notice(p: Principal, req: NoticeRequest, requestKey?: string): Promise<NoticeEvent> {
    const { snap, student } = await this.context(p.tenantId, req.studentId);
    this.partyAndPurpose(snap, req.partyId, req.purposeId);
    const future = futureProblem(new Date(req.informedAt), "informedAt");
    throwProblems(future ? [{ code: "DATE_IN_FUTURE", problem: future }] : []);
    return this.appendOnce(p.tenantId, student.id, "notice", requestKey, () => ({
      type: "notice",
      id: newEventId(student.id),
      studentId: student.id,
      partyId: req.partyId,
      purposeId: req.purposeId,
      informedAt: new Date(req.informedAt).toISOString(),
      method: req.method,
      ...(req.notInformed ? { notInformed: { reason: req.notInformed.reason } } : {}),
      recordedBy: p.userId,
      recordedAt: new Date().toISOString(),
    }));
  }

  /** Restricts (or lifts the restriction of) a (party, purpose) from the parents' access export; who decided is the user. */
  async restrict(p: Principal, studentId: string, req: RestrictionRequest, requestKey?: string): Promise<RestrictionEvent> {
    const { snap, student } = await this.context(p.tenantId, studentId);
    this.partyAndPurpose(snap, req.partyId, req.purposeId);
    const at = new Date().toISOString();
    return this.appendOnce(p.tenantId, student.id, "restriction", requestKey, () => ({
      type: "restriction",
      id: newEventId(student.id),
      studentId: student.id,
      partyId: req.partyId,
      purposeId: req.purposeId,
      reason: req.reason,
      decidedBy: p.userId,
      at,
      ...(req.reviewBy ? { reviewBy: req.reviewBy } : {}),
      ...(req.lifted ? { lifted: true } : {}),
      recordedBy: p.userId,
      recordedAt: at,
    }));
  }

  /** Current consent status per (party, purpose) that the student's register mentions. */
  statuses(snap: DirectorySnapshot, student: Student, events: RegisterEvent[], at: Date): ConsentStatusView[] {
    const policy = policyFor(snap.directory, student.schoolId);
    const pairs = new Map<string, { partyId: string; purposeId: string }>();
    for (const e of events) if (e.type === "consent") pairs.set(`${e.partyId}\u0000${e.purposeId}`, { partyId: e.partyId, purposeId: e.purposeId });
    const out: ConsentStatusView[] = [];
    for (const { partyId, purposeId } of pairs.values()) {
      const purpose = snap.purposeById.get(purposeId) ?? { id: purposeId, label: purposeId, farReaching: false };
      out.push({ partyId, purposeId, ...consentStatus(student, partyId, purpose, events, policy, at) });
    }
    return out;
  }

  async register(tenantId: string, studentId: string): Promise<{
    student: { id: string; name: string };
    events: RegisterEvent[];
    status: ConsentStatusView[];
    notices: NoticeEvent[];
    disclosures: DisclosureEvent[];
    chain: { verified: boolean; problems: ChainProblem[] };
  }> {
    const { snap, student } = await this.context(tenantId, studentId);
    const part = await this.repo.read(tenantId, studentId);
    const problems = this.chainProblems(studentId, part);
    return {
      student: { id: student.id, name: fullName(student) },
      events: part.events,
      status: this.statuses(snap, student, part.events, new Date()),
      notices: part.events.filter((e): e is NoticeEvent => e.type === "notice"),
      disclosures: part.events.filter((e): e is DisclosureEvent => e.type === "disclosure"),
      chain: { verified: problems.length === 0, problems },
    };
  }

  /**
   * Verifies every chain of the tenant (hashes, links, HEAD MACs, tombstone seals) and compares them
   * with the last signed checkpoint (truncation, deleted chains, rewritten history). A failure is
   * logged at error level with counts per kind of problem only (no student ids, no personal data).
   */
  async verifyAll(tenantId: string): Promise<{
    ok: boolean;
    studentsChecked: number;
    eventsChecked: number;
    problems: ChainProblem[];
    checkpoint: CheckpointReport;
  }> {
    const [all, last] = await Promise.all([
      this.repo.readAll(tenantId),
      this.audit ? this.audit.checkpoints.latest(tenantId) : Promise.resolve(undefined),
    ]);
    const problems: ChainProblem[] = [];
    let eventsChecked = 0;
    for (const [studentId, part] of all) {
      eventsChecked += part.events.length;
      problems.push(...this.chainProblems(studentId, part));
    }
    const cp = last?.checkpoint;
    const checkpoint: CheckpointReport = cp
      ? { found: true, at: cp.at, chains: cp.chains, events: cp.events, signatureValid: last.signatureValid }
      : { found: false, ...(last && !last.signatureValid ? { signatureValid: false } : {}) };
    // A checkpoint whose MAC fails is itself a finding; its heads are not trusted for the comparison.
    if (cp && last.signatureValid && this.audit) problems.push(...this.audit.checkpoints.compare(cp, all));
    const ok = problems.length === 0 && checkpoint.signatureValid !== false;
    const byKind: Record<string, number> = {};
    for (const p of problems) byKind[p.problem] = (byKind[p.problem] ?? 0) + 1;
    if (checkpoint.signatureValid === false) byKind["checkpoint-signature-invalid"] = 1;
    if (!ok && this.audit)
      this.audit.log.error({ tenant: tenantId, problems: byKind, checkpointSignatureValid: checkpoint.signatureValid }, "register audit failed");
    // Kept for the tab's banner (GET /api/audit/status); the audit's answer does not wait on it failing.
    await this.audit?.status?.record(tenantId, ok, byKind).catch((err: unknown) => {
      this.audit?.log.warn({ tenant: tenantId, errName: err instanceof Error ? err.name : "unknown" }, "audit status not stored");
    });
    return { ok, studentsChecked: all.size, eventsChecked, problems, checkpoint };
  }

  /** The outcome of the last audit (one row): what the tab's banner shows. */
  async auditStatus(tenantId: string): Promise<AuditStatus> {
    return this.audit?.status ? this.audit.status.read(tenantId) : { state: "unchecked", problems: {} };
  }

  /** Rows were written under the register's feet (a restore): the overview is read again. */
  forgetOverview(tenantId: string): void {
    this.projection.forget(tenantId);
  }

  /** One page of the register: search, filters, sort (GET /api/register/rows). */
  async rows(tenantId: string, q: RowsQuery, schools: SchoolAccess = "all"): Promise<RegisterPage> {
    return this.projection.page(tenantId, q, schools);
  }

  /** One student's overview row: the summary and the state per (party, purpose). */
  overviewRow(snap: DirectorySnapshot, s: Student, part: Partition, at: Date): OverviewRow {
    const statuses = this.statuses(snap, s, part.events, at);
    const pairs = statuses.map((x) => ({ partyId: x.partyId, purposeId: x.purposeId, state: x.state, ...(x.validUntil ? { validUntil: x.validUntil } : {}) }));
    const { state, nextExpiry } = summarise(pairs, at);
    return {
      studentId: s.id,
      name: fullName(s),
      sortName: sortNameOf(s),
      studentNumber: s.studentNumber,
      schoolId: s.schoolId,
      className: s.className,
      state,
      ...(nextExpiry ? { nextExpiry } : {}),
      parties: [...new Set(statuses.map((x) => x.partyId))],
      purposes: [...new Set(statuses.map((x) => x.purposeId))],
      pairs,
      // Events recorded so far: the sequence number of the last one (the state holds only the consent events).
      eventCount: part.head?.seq ?? part.events.length,
    };
  }

  /**
   * The register in numbers (GET /api/register/overview): what the tab's Overview screen shows, from the
   * kept projection (never every row, never every event). The students behind a number are paged
   * through GET /api/register/rows.
   */
  async overview(tenantId: string, at = new Date(), schools: SchoolAccess = "all"): Promise<Overview> {
    const s = await this.projection.summary(tenantId, schools, at);
    const perWeek = new Map<number, number>();
    for (const e of s.expiring) {
      const w = Math.max(1, Math.floor((Date.parse(e.validUntil) - at.getTime()) / (7 * 86400_000)) + 1);
      perWeek.set(w, (perWeek.get(w) ?? 0) + 1);
    }
    return {
      at: at.toISOString(),
      students: s.students,
      states: s.states,
      expiring: {
        days: EXPIRING_DAYS,
        consents: s.expiring.length,
        students: s.expiringStudents,
        perWeek: [...perWeek].sort((a, b) => a[0] - b[0]).map(([week, consents]) => ({ week, consents })),
        soonest: s.expiring.slice(0, 10),
      },
      disclosuresPerParty: s.disclosuresPerParty,
      overrides: { count: s.overrides.length, latest: s.overrides.slice(0, 10) },
      schoolYearStart: s.schoolYearStart.toISOString(),
    };
  }

  /** The statistics (GET /api/stats): every expiring consent, disclosures per party, the latest 100 overrides; from the kept projection. */
  async stats(tenantId: string, at = new Date(), schools: SchoolAccess = "all"): Promise<Stats> {
    const s = await this.projection.summary(tenantId, schools, at);
    return {
      expiringThisMonth: s.expiring,
      disclosuresPerParty: s.disclosuresPerParty,
      overrides: s.overrides.slice(0, 100),
      schoolYearStart: s.schoolYearStart.toISOString(),
    };
  }
}
